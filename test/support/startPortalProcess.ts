import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';

import { packageRoot } from '../../src/server/packageRoot.ts';
import { nodeRuntimeEnv } from './nodeRuntimeEnv.ts';

/** A `raydeck serve` child process. */
export interface PortalProcess {
  url: string;
  child: ChildProcess;
  /** Everything it printed so far, stdout and stderr. */
  output: () => string;
}

/** Options of {@link startPortalProcess}. */
export interface PortalProcessStart {
  dataDir: string;
  adminPassword: string;
  /**
   * `source` (default): `scripts/dev.ts` under tsx, no build needed; `built`: bin/raydeck.js,
   * exactly as a user runs it (needs `npm run build`).
   */
  entry?: 'source' | 'built';
  /** A folder with a stub index.html: the API is under test, not the web app. */
  webRoot?: string;
  /** More `raydeck serve` flags, e.g. `['--sandbox-speed', '20']`. */
  args?: readonly string[];
}

/**
 * `raydeck serve` as its own process on a free loopback port (its embedded sandbox unless `args`
 * name a cluster); resolves once `/readyz` answers 200 (every informer synced), within 60 s. For
 * what only a real process shows (kill -9, signals, the CLI, the browser). `KUBECONFIG` and other
 * `RAYDECK_*` variables of the caller are dropped: they would point the portal elsewhere. The
 * caller stops it.
 */
export async function startPortalProcess(options: PortalProcessStart): Promise<PortalProcess> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => name !== 'KUBECONFIG' && !name.startsWith('RAYDECK_'),
    ),
  );
  const entry =
    options.entry === 'built' ? ['bin/raydeck.js'] : ['--import', 'tsx', 'scripts/dev.ts'];
  const child = spawn(
    process.execPath,
    [
      ...entry,
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--log-level',
      'warn',
      '--data-dir',
      options.dataDir,
      ...(options.webRoot ? ['--web-root', options.webRoot] : []),
      ...(options.args ?? []),
    ],
    {
      cwd: packageRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...inherited, ...nodeRuntimeEnv(), RAYDECK_ADMIN_PASSWORD: options.adminPassword },
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let last = '';
  for (let attempt = 0; attempt < 600; attempt++) {
    if (child.exitCode !== null) {
      throw new Error(`portal exited with ${child.exitCode} before ready:\n${output}`);
    }
    const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
    if (url) {
      const ready = await fetch(`${url}/readyz`).catch((error: unknown) => String(error));
      if (typeof ready !== 'string' && ready.ok) return { url, child, output: () => output };
      last = typeof ready === 'string' ? ready : await ready.text();
    }
    await delay(100);
  }
  child.kill('SIGKILL');
  throw new Error(`portal not ready within 60 s (${last}):\n${output}`);
}

/** Sends SIGTERM (the graceful path) and waits for the exit; SIGKILL after 10 s. */
export function stopPortalProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
