import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian's Chromium, which playwright-core drives; nothing is downloaded by Playwright. */
export const chromiumPath = '/usr/bin/chromium';

/**
 * Vitest global setup for the e2e project: makes sure Debian's Chromium is installed. As root it
 * installs the `chromium` package with apt-get (about 20 s); otherwise it stops with the command
 * to run.
 */
export function setup(): void {
  if (existsSync(chromiumPath)) return;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot) {
    throw new Error(
      `End-to-end tests need Debian's Chromium at ${chromiumPath}. Install it with:\n` +
        '  sudo apt-get update && sudo apt-get install -y chromium',
    );
  }
  process.stderr.write(`[e2e] ${chromiumPath} is missing; installing the chromium package…\n`);
  const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-q'], { stdio: 'inherit', env: aptEnv });
  execFileSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'chromium'], {
    stdio: 'inherit',
    env: aptEnv,
  });
  if (!existsSync(chromiumPath)) throw new Error(`apt-get finished but ${chromiumPath} is missing`);
}
