import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

import { e2eSandboxSpeed } from './portalProcess.ts';

const packageRoot = fileURLToPath(new URL('../..', import.meta.url));
const executable = fileURLToPath(new URL('../../bin/raydeck.js', import.meta.url));

/** Where and how a {@link startSandboxProcess} sandbox runs; the same on every restart. */
export interface SandboxProcessOptions {
  /** Loopback TCP port to listen on; a restart reuses it, as a real API server's address stays. */
  port: number;
  /** File the sandbox writes its kubeconfig to (`--kubeconfig-out`). */
  kubeconfig: string;
  /** Snapshot file (`--state`): objects survive a stop and come back on the next start. */
  state: string;
  /** Simulated-time factor; default {@link e2eSandboxSpeed}. */
  speed?: number;
}

/** A running `raydeck sandbox` process. */
export interface SandboxProcess {
  /** The API server's URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** Everything the process wrote, for failure messages. */
  output: () => string;
  /** Stops the process gracefully (it saves its state first) and waits for the exit. */
  stop: () => Promise<void>;
}

/** Asks the OS for a free loopback TCP port (listens on port 0 and closes again). */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === 'string') throw new Error('no port from the OS');
  return address.port;
}

/**
 * Starts the built `raydeck sandbox` (bin/raydeck.js) with the built-in world as a separate
 * process, so a test can stop the Kubernetes API under a running portal and start it again on
 * the same port with the same state. Resolves once it prints its listening line (after writing
 * the kubeconfig).
 */
export async function startSandboxProcess(options: SandboxProcessOptions): Promise<SandboxProcess> {
  const child = spawn(
    process.execPath,
    [
      executable,
      'sandbox',
      '--listen',
      `127.0.0.1:${options.port}`,
      '--kubeconfig-out',
      options.kubeconfig,
      '--state',
      options.state,
      '--speed',
      String(options.speed ?? e2eSandboxSpeed),
    ],
    { cwd: packageRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = () => stopProcess(child);
  try {
    const url = await waitForListening(child, () => output);
    return { url, output: () => output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Polls the output every 50 ms for the listening line, for up to 30 s or until the exit. */
async function waitForListening(child: ChildProcess, output: () => string): Promise<string> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const match = /API server listening on (http:\/\/\S+)/.exec(output());
    if (match?.[1]) return match[1];
    if (child.exitCode !== null) {
      throw new Error(`sandbox exited with ${child.exitCode} before listening:\n${output()}`);
    }
    await delay(50);
  }
  throw new Error(`sandbox did not start within 30 s:\n${output()}`);
}

/** Sends SIGTERM (saves state, then exits) and waits for the exit; SIGKILL after 10 s. */
function stopProcess(child: ChildProcess): Promise<void> {
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
