/**
 * Colour of secondary text on the GPU and create-cluster pages. Mantine's `dimmed` (gray 6 on
 * white, dark 2 on dark 7) is below the WCAG AA 4.5:1 contrast axe checks for; gray 7 / dark 1
 * keep it in both colour schemes (Mantine sets `color-scheme`, so `light-dark()` follows it).
 */
export const mutedTextColor =
  'light-dark(var(--mantine-color-gray-7), var(--mantine-color-dark-1))';
