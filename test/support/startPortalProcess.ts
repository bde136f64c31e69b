import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';

import { packageRoot } from '../../src/server/packageRoot.ts';
import { nodeRuntimeEnv } from './nodeRuntimeEnv.ts';

/** A `raydeck serve` child process on its embedded sandbox. */
export interface PortalProcess {
  url: string;
  child: ChildProcess;
  /** Everything it printed so far, stdout and stderr. */
  output: () => string;
}

/**
 * `raydeck serve` from source, as its own process, on a free loopback port with its embedded
 * sandbox; resolves once /readyz answers 200. For what only a real process shows (kill -9,
 * signals). The caller kills it. `webRoot` holds a stub page: the API is under test, not the web
 * app, and a stub spares the test a build.
 */
export async function startPortalProcess(options: {
  dataDir: string;
  webRoot: string;
  adminPassword: string;
  /** More `raydeck serve` flags, e.g. `['--sandbox-speed', '20']`. */
  args?: readonly string[];
}): Promise<PortalProcess> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => name !== 'KUBECONFIG' && !name.startsWith('RAYDECK_'),
    ),
  );
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'scripts/dev.ts',
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--log-level',
      'warn',
      '--data-dir',
      options.dataDir,
      '--web-root',
      options.webRoot,
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
  for (let attempt = 0; attempt < 600; attempt++) {
    if (child.exitCode !== null) throw new Error(`portal exited early:\n${output}`);
    const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
    if (url) {
      const ready = await fetch(`${url}/readyz`).catch(() => undefined);
      if (ready?.ok) return { url, child, output: () => output };
    }
    await delay(100);
  }
  child.kill('SIGKILL');
  throw new Error(`portal not ready within 60 s:\n${output}`);
}
