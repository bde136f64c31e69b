import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { stripVTControlCharacters } from 'node:util';

import { repoRoot } from '../deploy/buildOverlay.ts';

/** What a workload did under real Ray. */
export interface RealRayRun {
  exitCode: number | null;
  /** The driver's stdout and stderr, interleaved as they came, ANSI colours removed. */
  lines: string[];
  /** Wall time from spawn to exit, seconds. */
  seconds: number;
  /** Processes of this run's Ray session alive 30 s after the driver exited (then killed). */
  leftovers: string[];
}

/**
 * Runs `python <script> <args>` in workloads/ (`script` may be `-c`) with the given virtual environment's python under a
 * local `ray.init()`: usage stats off, Ray's session files in a fresh temp dir (RAY_TMPDIR, also
 * how leftover Ray processes are found), no RAY_ADDRESS (so no cluster is joined), and a bound
 * of `timeoutSeconds` after which the driver's whole process group is killed. A run whose Ray
 * node timed out starting is run once more (seconds are then the sum of both).
 */
export async function runOnRealRay(
  python: string,
  script: string,
  args: readonly string[],
  timeoutSeconds: number,
  extraEnv: Readonly<Record<string, string>> = {},
): Promise<RealRayRun> {
  const first = await runOnce(python, script, args, timeoutSeconds, extraEnv);
  if (!first.lines.some((line) => line.includes(rayStartupTimeout))) return first;
  // Ray gave up starting its own node (a fixed 30 s wait in ray/_private/node.py) before the
  // script did anything: on a machine shared with other work, try once more.
  process.stderr.write(`[real-ray] ${script}: Ray's node did not start within 30 s; again\n`);
  const second = await runOnce(python, script, args, timeoutSeconds, extraEnv);
  return { ...second, seconds: first.seconds + second.seconds };
}

/** What `ray.init()` raises when the local raylet does not register with the GCS in 30 s. */
const rayStartupTimeout = 'The current node timed out during startup';

async function runOnce(
  python: string,
  script: string,
  args: readonly string[],
  timeoutSeconds: number,
  extraEnv: Readonly<Record<string, string>>,
): Promise<RealRayRun> {
  // Short path: Ray's Unix sockets live below it (107-byte limit).
  const rayTmp = mkdtempSync('/tmp/rdray-');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    RAY_USAGE_STATS_ENABLED: '0',
    RAY_TMPDIR: rayTmp,
    PYTHONPYCACHEPREFIX: join(rayTmp, 'pycache'),
    PYTHONUNBUFFERED: '1',
    ...extraEnv,
  };
  delete env.RAY_ADDRESS;
  const started = performance.now();
  const child = spawn(python, [script, ...args], {
    cwd: join(repoRoot, 'workloads'),
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const timer = setTimeout(() => {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  }, timeoutSeconds * 1000);
  const exitCode = await new Promise<number | null>((resolve) => {
    child.on('close', (code) => resolve(code));
  });
  clearTimeout(timer);
  const seconds = (performance.now() - started) / 1000;
  const leftovers = await killLeftovers(rayTmp);
  rmSync(rayTmp, { recursive: true, force: true });
  return {
    exitCode,
    // Ray colours the prefixes of forwarded lines.
    lines: stripVTControlCharacters(output)
      .split('\n')
      .filter((line) => line !== ''),
    seconds,
    leftovers,
  };
}

/**
 * Processes whose command line names this run's temp dir (raylet, GCS, workers) and that are
 * still alive `graceSeconds` after the driver exited: killed, and returned. Ray stops its
 * processes when the driver exits, but on a loaded machine a worker may take seconds to go.
 */
async function killLeftovers(rayTmp: string, graceSeconds = 30): Promise<string[]> {
  let alive = sessionProcesses(rayTmp);
  for (let waited = 0; alive.length > 0 && waited < graceSeconds * 2; waited++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    alive = sessionProcesses(rayTmp);
  }
  for (const line of alive) {
    const pid = Number(line.split(/\s+/)[0]);
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  return alive;
}

function sessionProcesses(rayTmp: string): string[] {
  const table = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return table
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.includes(rayTmp) && !line.includes('ps -eo'));
}

/** The workload's verdict line (`PASS: …` or `FAIL: …`), the last one it printed. */
export function verdictLine(lines: readonly string[]): string | undefined {
  return lines.filter((line) => /^(PASS|FAIL): /.test(line)).at(-1);
}
