import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** A Debian package a test stage needs, and the file that shows it is installed. */
export interface DebianPackage {
  name: string;
  /** A file the package installs; present means installed. */
  installs: string;
}

/**
 * Installs the Debian packages a test stage needs but the machine lacks. As root it runs
 * apt-get (update once, then install); otherwise it stops (or warns) with the command to run. Nothing is
 * downloaded by the tests themselves: apt reaches Debian's mirror, the one registry allowed.
 */
export function ensureDebianPackages(
  stage: string,
  packages: readonly DebianPackage[],
  /** `skip`: when not root, only warn (the tests that need them skip with a message). */
  whenNotRoot: 'fail' | 'skip' = 'fail',
): void {
  const missing = packages.filter((candidate) => !existsSync(candidate.installs));
  if (missing.length === 0) return;
  const names = missing.map((candidate) => candidate.name);
  if (process.getuid?.() !== 0) {
    const advice =
      `${stage} tests need ${names.join(', ')}. Install with:\n` +
      `  sudo apt-get update && sudo apt-get install -y ${names.join(' ')}`;
    if (whenNotRoot === 'fail') throw new Error(advice);
    process.stderr.write(`[${stage}] ${advice}\n`);
    return;
  }
  process.stderr.write(`[${stage}] installing ${names.join(', ')} with apt-get…\n`);
  const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-q'], { stdio: 'inherit', env: aptEnv });
  execFileSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...names], {
    stdio: 'inherit',
    env: aptEnv,
  });
  for (const candidate of missing) {
    if (!existsSync(candidate.installs)) {
      throw new Error(`apt-get finished but ${candidate.installs} is missing`);
    }
  }
}
