import { ensureDebianPackages } from '../support/ensureDebianPackages.ts';

/** Debian's Chromium, which playwright-core drives; nothing is downloaded by Playwright. */
export const chromiumPath = '/usr/bin/chromium';

/**
 * Vitest global setup for the e2e project: makes sure Debian's Chromium is installed (as root
 * with apt-get, about 20 s; otherwise it stops with the command to run).
 */
export function setup(): void {
  ensureDebianPackages('e2e', [{ name: 'chromium', installs: chromiumPath }]);
}
