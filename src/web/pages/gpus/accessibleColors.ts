import type { CSSProperties } from 'react';

/**
 * Text colours of the GPU and create-cluster pages that pass WCAG AA (4.5:1, what axe checks)
 * in both colour schemes. Mantine's defaults do not: `dimmed` (gray 6 on white 3.3:1, dark 2
 * on dark 7 4.0:1), the error red (red 6 on white 3.3:1), the indigo anchor and white on the
 * light scheme's filled indigo buttons (4.3:1).
 * Mantine sets `color-scheme`, so `light-dark()` follows the chosen scheme.
 */
export const accessibleColors = {
  muted: 'light-dark(var(--mantine-color-gray-7), var(--mantine-color-dark-1))',
  error: 'light-dark(var(--mantine-color-red-9), var(--mantine-color-red-4))',
  link: 'light-dark(var(--mantine-color-indigo-8), var(--mantine-color-indigo-3))',
  filled: 'var(--mantine-color-indigo-8)',
  filledHover: 'var(--mantine-color-indigo-9)',
} as const;

/**
 * Put on a page's root element: Mantine components inside (input descriptions and errors,
 * stepper descriptions, anchors, primary buttons) then use {@link accessibleColors} through
 * their CSS variables.
 */
export const accessibleColorScope = {
  '--mantine-color-dimmed': accessibleColors.muted,
  '--mantine-color-error': accessibleColors.error,
  '--mantine-color-anchor': accessibleColors.link,
  '--mantine-primary-color-filled': accessibleColors.filled,
  '--mantine-primary-color-filled-hover': accessibleColors.filledHover,
} as CSSProperties;
