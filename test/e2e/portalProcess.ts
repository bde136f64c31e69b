import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const packageRoot = fileURLToPath(new URL('../..', import.meta.url));
const executable = fileURLToPath(new URL('../../bin/raydeck.js', import.meta.url));

/** A running `raydeck serve` process on a free loopback port. */
export interface PortalProcess {
  url: string;
  /** Everything the process wrote, for failure messages. */
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * Starts the built `raydeck serve` exactly as a user would (bin/raydeck.js), on port 0 so the
 * OS picks a free port, and waits for the URL it prints.
 */
export async function startPortalProcess(extraArgs: string[] = []): Promise<PortalProcess> {
  if (
    !existsSync(`${packageRoot}/dist/node/main.js`) ||
    !existsSync(`${packageRoot}/dist/web/index.html`)
  ) {
    throw new Error('The portal is not built: run `npm run build` before the e2e tests.');
  }
  const child = spawn(
    process.execPath,
    [
      executable,
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--log-level',
      'warn',
      ...extraArgs,
    ],
    { cwd: packageRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const url = await waitForUrl(child, () => output);
  return {
    url,
    output: () => output,
    stop: () => stopProcess(child),
  };
}

function waitForUrl(child: ChildProcess, output: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`portal did not start:\n${output()}`)), 30_000);
    const onData = () => {
      const match = /listening on (http:\/\/\S+)/.exec(output());
      if (match?.[1]) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`portal exited with ${code} before listening:\n${output()}`));
    });
  });
}

/** Sends SIGTERM (the graceful path) and waits for the exit; SIGKILL after 10 s. */
function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
