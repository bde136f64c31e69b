import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';

import type { TestProject } from 'vitest/node';

import { realRayVersion } from './realRayVersion.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The virtual environment's python with real Ray installed; '' when Ray is unavailable. */
    realRayPython: string;
    /** Why the real-Ray tests skip ('' when they run). */
    realRaySkipReason: string;
    /** The PyTorch version in that environment; '' when PyTorch could not be installed. */
    realRayTorch: string;
  }
}

/**
 * The CPU build of PyTorch for train_tiny's TorchTrainer path. Pinned with its `+cpu` local
 * version on purpose: the machines' wheel folder has exactly this build, and on a machine
 * without it pip fails fast instead of downloading a CUDA build of several GB from PyPI (the
 * TorchTrainer test then skips; the rest of the stage runs).
 */
export const torchCpuRequirement = 'torch==2.13.0+cpu';

/** Written last into a finished environment: what it holds. */
interface VenvMarker {
  ray: string;
  torch: string;
}
const markerName = 'raydeck-venv.json';

/** Where the environment is cached between runs: `~/.cache/raydeck/ray-venv-<version>`. */
export function realRayVenvDir(): string {
  return join(homedir(), '.cache', 'raydeck', `ray-venv-${realRayVersion}`);
}

/**
 * Vitest global setup for the `real-ray` project: a cached virtual environment with
 * `ray[data,train]==realRayVersion` (and, when the machine has it, the CPU build of PyTorch)
 * for the workloads to run under real Ray.
 *
 * The environment is built in `<dir>.partial-<pid>` and renamed into place only when complete,
 * so an interrupted build never leaves a half-installed one to be reused, and of two concurrent
 * builds the second to finish keeps the first's. Where Ray cannot be installed (no package
 * mirror, no network, no `venv` module) it says why and the tests skip; that is not a failure,
 * also with RAYDECK_REQUIRE_UPSTREAM=1: Ray is a tool here, not upstream reference data.
 */
export function setup(project: TestProject): void {
  const started = performance.now();
  const result = ensureRealRayVenv();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if ('skip' in result) {
    process.stderr.write(`[real-ray] the real-Ray tests skip: ${result.skip}\n`);
  } else {
    process.stderr.write(
      `[real-ray] Ray ${result.marker.ray}${result.marker.torch ? ` and PyTorch ${result.marker.torch}` : ' (no PyTorch)'} ` +
        `${result.built ? 'installed' : 'reused'} in ${seconds} s: ${result.python}\n`,
    );
  }
  project.provide('realRayPython', 'skip' in result ? '' : result.python);
  project.provide('realRaySkipReason', 'skip' in result ? result.skip : '');
  project.provide('realRayTorch', 'skip' in result ? '' : result.marker.torch);
}

type EnsureResult = { python: string; marker: VenvMarker; built: boolean } | { skip: string };

function ensureRealRayVenv(): EnsureResult {
  const venv = realRayVenvDir();
  const ready = readyVenv(venv);
  if (ready) return { python: join(venv, 'bin', 'python'), marker: ready, built: false };

  const basePython = findBasePython();
  if ('skip' in basePython) return basePython;
  removeAbandonedBuilds(venv);
  const partial = `${venv}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  const created = run(basePython.python, ['-m', 'venv', partial], 120);
  if (!created.ok) return { skip: `python3 -m venv failed: ${created.tail}` };
  const pip = (args: string[]) =>
    // --retries 0: with only a local mirror, each unreachable index would otherwise cost
    // about 7 s of back-off per package.
    run(
      join(partial, 'bin', 'python'),
      ['-m', 'pip', 'install', '-q', '--retries', '0', ...args],
      900,
    );
  const ray = pip([`ray[data,train]==${realRayVersion}`]);
  if (!ray.ok) {
    rmSync(partial, { recursive: true, force: true });
    return { skip: `pip could not install ray[data,train]==${realRayVersion}: ${ray.tail}` };
  }
  const torch = pip(['--only-binary=:all:', torchCpuRequirement]).ok
    ? importedVersion(join(partial, 'bin', 'python'), 'torch')
    : '';
  const marker: VenvMarker = {
    ray: importedVersion(join(partial, 'bin', 'python'), 'ray'),
    torch,
  };
  if (marker.ray !== realRayVersion) {
    rmSync(partial, { recursive: true, force: true });
    return { skip: `pip installed Ray ${marker.ray || '(none)'}, not ${realRayVersion}` };
  }
  writeFileSync(join(partial, markerName), `${JSON.stringify(marker)}\n`);
  if (existsSync(venv) && !readyVenv(venv)) {
    // A broken or outdated environment: move it aside first, so the rename below is atomic.
    const stale = `${venv}.stale-${process.pid}`;
    renameSync(venv, stale);
    rmSync(stale, { recursive: true, force: true });
  }
  try {
    renameSync(partial, venv);
  } catch {
    // A concurrent build finished first: keep that one.
    rmSync(partial, { recursive: true, force: true });
    const theirs = readyVenv(venv);
    if (!theirs) return { skip: `could not move the new environment to ${venv}` };
    return { python: join(venv, 'bin', 'python'), marker: theirs, built: true };
  }
  return { python: join(venv, 'bin', 'python'), marker, built: true };
}

/** The marker of a complete environment whose Ray still imports at the right version. */
function readyVenv(venv: string): VenvMarker | undefined {
  const markerPath = join(venv, markerName);
  if (!existsSync(markerPath)) return undefined;
  const marker = parseMarker(readFileSync(markerPath, 'utf8'));
  if (!marker || marker.ray !== realRayVersion) return undefined;
  const ray = importedVersion(join(venv, 'bin', 'python'), 'ray');
  return ray === realRayVersion ? marker : undefined;
}

function parseMarker(text: string): VenvMarker | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return undefined;
    const ray: unknown = Reflect.get(value, 'ray');
    const torch: unknown = Reflect.get(value, 'torch');
    return typeof ray === 'string' && typeof torch === 'string' ? { ray, torch } : undefined;
  } catch {
    return undefined;
  }
}

/** `<module>.__version__` as the environment's python imports it; '' when it does not. */
function importedVersion(python: string, module: string): string {
  if (!existsSync(python)) return '';
  const result = run(python, ['-c', `import ${module}; print(${module}.__version__)`], 120);
  return result.ok ? result.stdout.trim() : '';
}

/**
 * Debian's python3 first (pyenv's shim on PATH may lack `venv` or `ensurepip`), else the one
 * on PATH; the one chosen must create environments with pip.
 */
function findBasePython(): { python: string } | { skip: string } {
  const candidates = ['/usr/bin/python3', 'python3'];
  const reasons: string[] = [];
  for (const python of candidates) {
    const check = run(python, ['-c', 'import venv, ensurepip'], 30);
    if (check.ok) return { python };
    reasons.push(`${python}: ${check.tail}`);
  }
  return { skip: `no python3 with the venv and ensurepip modules (${reasons.join('; ')})` };
}

/** Deletes `<venv>.partial-<pid>` folders whose builder process is gone (an interrupted run). */
function removeAbandonedBuilds(venv: string): void {
  const parent = dirname(venv);
  if (!existsSync(parent)) return;
  const prefix = `${basename(venv)}.partial-`;
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) continue;
    rmSync(join(parent, name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, owned by someone else.
    return error instanceof Error && 'code' in error && error.code === 'EPERM';
  }
}

interface RunResult {
  ok: boolean;
  stdout: string;
  /** The last lines of stderr (or the spawn error), for messages. */
  tail: string;
}

function run(command: string, args: string[], timeoutSeconds: number): RunResult {
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    timeout: timeoutSeconds * 1000,
    env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_INPUT: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
  const stderr = (result.stderr ?? '')
    .split('\n')
    // pip warns once per package about the second, empty mirror folder: noise.
    .filter((line) => line.trim() !== '' && !/^WARNING: Location .* is ignored/.test(line));
  const tail = result.error ? String(result.error) : stderr.slice(-3).join(' / ');
  return { ok: result.status === 0, stdout: result.stdout ?? '', tail };
}
