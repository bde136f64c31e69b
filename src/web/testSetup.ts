import '@testing-library/jest-dom/vitest';

import { cleanup, configure } from '@testing-library/react';
import { afterEach, vi } from 'vitest';

/**
 * The instant every web test runs at: `Date` is faked (timers stay real, so Testing Library's
 * waits still work) and frozen here, so no test reads the real date. Fixtures date themselves
 * against it (e.g. a cluster created three days before).
 */
const testNow = Date.parse('2026-11-28T12:00:00Z');
vi.useFakeTimers({ toFake: ['Date'], now: testNow });

// jsdom lacks matchMedia and ResizeObserver, which Mantine reads for color scheme and layout.
Object.defineProperty(window, 'matchMedia', {
  writable: true,
  value: (query: string) => ({
    matches: false,
    media: query,
    onchange: null,
    addListener: () => undefined,
    removeListener: () => undefined,
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
    dispatchEvent: () => false,
  }),
});
class NoopResizeObserver {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}
window.ResizeObserver ??= NoopResizeObserver;

afterEach(() => cleanup());

// findBy*/waitFor give up after 5 s instead of 1 s: on the 2-core machines the web project
// shares the CPU with the node project, and a page's first render under that load took longer
// than a second. A wait bound, not a speed assertion: a passing wait returns at once.
configure({ asyncUtilTimeout: 5_000 });
