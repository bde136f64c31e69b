import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';

import type { JobDetails } from '../../src/sandbox/ray/JobManager.ts';
import { nodeResourceTotals, type RayNodeDescription } from '../../src/sandbox/ray/rayNodes.ts';
import { repoRoot } from '../deploy/buildOverlay.ts';
import { startRayHeadTestServer } from '../support/startRayHeadTestServer.ts';
import { realRayVersion } from './realRayVersion.ts';
import { type RealRayRun, runOnRealRay, verdictLine } from './runOnRealRay.ts';

/**
 * The real-Ray stage: the sample workloads in workloads/ run at a small size under real Ray
 * core (a local `ray.init()` in the cached environment test/realRay/ensureRealRay.ts builds),
 * and the sandbox's simulated Ray head runs the same entrypoints for comparison. Where Ray
 * could not be installed, everything but the static checks skips (the setup said why).
 */

const python = inject('realRayPython');
const skipReason = inject('realRaySkipReason');
const torchVersion = inject('realRayTorch');

interface WorkloadRun {
  /** The catalog id this run proves, if it proves one. */
  catalogId?: string;
  name: string;
  script: string;
  args: string[];
  /** `pass`: exit 0 and a PASS line; `no-gpu`: the script's no-GPU verdict. */
  expect: 'pass' | 'no-gpu';
  timeoutSeconds: number;
  needsTorch?: boolean;
  /** Hides PyTorch from the script, for train_tiny's NumPy path. */
  hideTorch?: boolean;
}

/**
 * Small sizes of the catalog's entrypoints: seconds each on an idle 2-core machine, the same
 * code paths. The time bounds are 5 to 10 times that, for machines shared with other work.
 */
const workloadRuns: WorkloadRun[] = [
  {
    catalogId: 'pi-tasks',
    name: 'pi_tasks',
    script: 'pi_tasks.py',
    args: ['--tasks', '4', '--samples', '200000'],
    expect: 'pass',
    timeoutSeconds: 240,
  },
  {
    catalogId: 'actor-pool',
    name: 'actor_pool',
    script: 'actor_pool.py',
    args: ['--actors', '2', '--words', '200'],
    expect: 'pass',
    timeoutSeconds: 240,
  },
  {
    catalogId: 'data-batch',
    name: 'data_batch',
    script: 'data_batch.py',
    args: ['--rows', '100000'],
    expect: 'pass',
    timeoutSeconds: 300,
  },
  {
    catalogId: 'train-tiny',
    name: 'train_tiny (TorchTrainer)',
    script: 'train_tiny.py',
    args: ['--workers', '2', '--epochs', '60', '--rows', '512'],
    expect: 'pass',
    timeoutSeconds: 480,
    needsTorch: true,
  },
  {
    name: 'train_tiny (NumPy fallback)',
    script: 'train_tiny.py',
    args: ['--workers', '2', '--epochs', '60', '--rows', '512'],
    expect: 'pass',
    timeoutSeconds: 240,
    hideTorch: true,
  },
  {
    name: 'gpu_check',
    script: 'gpu_check.py',
    args: [],
    expect: 'no-gpu',
    timeoutSeconds: 240,
  },
];

interface CatalogEntry {
  id: string;
  script: string;
  provenOnRealRay: string | null;
}
const catalog = parse(readFileSync(join(repoRoot, 'workloads', 'catalog.yaml'), 'utf8')) as {
  workloads: CatalogEntry[];
};

/** What each run did, for the comparison with the simulation below; and its time. */
const results = new Map<string, RealRayRun>();
afterAll(() => {
  if (results.size === 0) return;
  const times = [...results].map(([name, run]) => `${name} ${run.seconds.toFixed(1)} s`);
  const total = [...results.values()].reduce((sum, run) => sum + run.seconds, 0);
  process.stderr.write(
    `[real-ray] Ray ${realRayVersion}: ${times.join(', ')}; ${total.toFixed(1)} s in all\n`,
  );
});

describe('the real-Ray stage', () => {
  it('has real Ray to run, or says why not', () => {
    if (python === '') expect(skipReason.length).toBeGreaterThan(0);
    else expect(skipReason).toBe('');
  });

  it('runs every workload the catalog claims proven on real Ray, at that version', () => {
    const proven = catalog.workloads.filter((entry) => entry.provenOnRealRay !== null);
    for (const entry of proven) {
      const run = workloadRuns.find((candidate) => candidate.catalogId === entry.id);
      expect(run, `${entry.id} is claimed proven but not run here`).toBeDefined();
      expect(run?.script).toBe(entry.script);
      expect(run?.expect).toBe('pass');
      expect(entry.provenOnRealRay).toBe(realRayVersion);
    }
    // And what is run here as proof is claimed in the catalog.
    for (const run of workloadRuns.filter((candidate) => candidate.catalogId !== undefined)) {
      expect(proven.map((entry) => entry.id)).toContain(run.catalogId);
    }
  });
});

describe.skipIf(python === '')(`workloads under real Ray ${realRayVersion}`, () => {
  it.for(workloadRuns)(
    '$name ends with its verdict and exit code and leaves no Ray process behind',
    async (workload, context) => {
      if (workload.needsTorch && torchVersion === '') {
        context.skip('PyTorch could not be installed into the environment');
      }
      const hidden = workload.hideTorch ? hideTorch() : undefined;
      const run = await runOnRealRay(
        python,
        workload.script,
        workload.args,
        workload.timeoutSeconds,
        hidden ? { PYTHONPATH: hidden } : {},
      ).finally(() => {
        if (hidden) rmSync(hidden, { recursive: true, force: true });
      });
      results.set(workload.name, run);
      const output = `exit code ${run.exitCode}:\n${run.lines.slice(-40).join('\n')}`;
      expect(run.leftovers, `Ray processes left running; ${output}`).toEqual([]);
      if (workload.expect === 'pass') {
        expect(verdictLine(run.lines), output).toMatch(/^PASS: /);
        expect(run.exitCode, output).toBe(0);
      } else {
        // This machine has no GPU, so the script must say so and fail; with one, it must pass.
        const reported = /^Ray reports (\d+) GPU\(s\)/.exec(
          run.lines.find((line) => line.startsWith('Ray reports ')) ?? '',
        )?.[1];
        expect(reported, output).toBeDefined();
        if (reported === '0') {
          expect(verdictLine(run.lines), output).toBe(
            'FAIL: Ray sees no GPU (on an autoscaling cluster, pass --expect-gpus N)',
          );
          expect(run.exitCode, output).toBe(1);
        } else {
          expect(verdictLine(run.lines), output).toMatch(/^PASS: /);
          expect(run.exitCode, output).toBe(0);
        }
      }
      if (workload.script === 'train_tiny.py') {
        expect(run.lines).toContain(
          workload.hideTorch
            ? 'PyTorch not installed: NumPy loop on Ray core tasks (Ray Train needs PyTorch)'
            : 'PyTorch found: TorchTrainer',
        );
      }
    },
  );
});

/** A folder whose `torch` module fails to import, to put first on PYTHONPATH. */
function hideTorch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'raydeck-no-torch-'));
  writeFileSync(
    join(dir, 'torch.py'),
    'raise ImportError("PyTorch hidden by the real-Ray test: NumPy path")\n',
  );
  return dir;
}

// ---- The sandbox's simulated Ray against the same runs --------------------------------------

/** Ray's log line: `2026-12-08 02:44:07,078\tINFO worker.py:2024 -- message`. */
const rayLogLine = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\t(?:DEBUG|INFO|WARNING|ERROR) /;
/** Ray's C++ logging: `[2026-12-08 02:51:26,012 E 25812 25885] core_worker.cc:2330: …`. */
const rayNativeLogLine = /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} [DIWEF] \d+ \d+\] /;
/** A line Ray forwards from a task or actor: `(TrainController pid=25812) …`. */
const forwardedLine = /^\([A-Za-z_]\w* pid=\d+(?:, ip=[\d.]+)?\) /;

const isRayLine = (line: string): boolean =>
  rayLogLine.test(line) || rayNativeLogLine.test(line) || forwardedLine.test(line);

/** The script's own prints: neither Ray's logging nor lines forwarded from workers. */
function scriptLines(lines: readonly string[]): string[] {
  return lines.filter((line) => !isRayLine(line));
}

/** Ray's lines: its logging and the forwarded ones. */
function rayLines(lines: readonly string[]): string[] {
  return lines.filter(isRayLine);
}

/**
 * A line's shape: log times, source line numbers, process ids, IPs, dataset ids, session paths,
 * host names and all numbers replaced, Ray's "[repeated Nx across cluster]" note removed; what
 * is left is what the simulation must print the same.
 */
function shape(line: string, hosts: readonly string[]): string {
  let out = line
    .replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\t(\w+) ([\w.]+):\d+ -- /, '$1 $2 -- ')
    .replace(/ \[repeated \d+x across cluster\].*$/, '')
    .replace(/^\(([A-Za-z_]\w*) pid=\d+(?:, ip=[\d.]+)?\) /, '($1) ')
    .replace(/dataset_[A-Za-z0-9]+_\d+/g, 'dataset_<id>')
    .replace(/\S*\/session_[^/\s]+/g, '<session>');
  for (const host of hosts) out = out.replaceAll(host, '<host>');
  return out.replace(/\d+(?:\.\d+)?(?:e[-+]?\d+)?/g, '<n>');
}

/**
 * Lines only a submitted job shows (the job supervisor's, and the driver joining an existing
 * cluster through RAY_ADDRESS): a local `ray.init()` cannot print them, so they are not compared.
 */
const submittedJobOnly = /^INFO (job_manager|worker)\.py -- /;

/** The local node as the simulation describes nodes, from the real run's resources. */
interface LocalNode {
  ip: string;
  cpus: number;
}

async function runOnSimulatedHead(
  node: LocalNode,
  entrypoint: string,
): Promise<{ details: JobDetails; lines: string[] }> {
  const head: RayNodeDescription = {
    name: hostname(),
    ip: node.ip,
    isHead: true,
    cpus: node.cpus,
    memoryBytes: 8 * 2 ** 30,
    gpus: 0,
    alive: true,
  };
  const server = await startRayHeadTestServer({ rayVersion: realRayVersion, nodes: [head] });
  try {
    const submitted = await server.request('POST', '/api/jobs/', { body: { entrypoint } });
    expect(submitted.status, submitted.text).toBe(200);
    const id = submitted.json<{ submission_id: string }>().submission_id;
    server.clock.advance(30 * 60_000);
    const details = (await server.request('GET', `/api/jobs/${id}`)).json<JobDetails>();
    const logs = (await server.request('GET', `/api/jobs/${id}/logs`)).json<{ logs: string }>();
    return { details, lines: logs.logs.split('\n').filter((line) => line !== '') };
  } finally {
    await server.close();
  }
}

describe.skipIf(python === '')(`the sandbox's simulated Ray against Ray ${realRayVersion}`, () => {
  let local: LocalNode | undefined;
  let real: { resources: Record<string, number>; version: string; commit: string } | undefined;

  it('offers the resources real Ray offers, by the same names', async () => {
    // A head started as KubeRay starts one: --num-cpus, --num-gpus and --memory given.
    const memory = 2 * 2 ** 30;
    const code = [
      'import json, ray',
      `ray.init(num_cpus=2, num_gpus=1, _memory=${memory})`,
      'print("JSON " + json.dumps({"resources": ray.cluster_resources(),',
      '  "version": ray.__version__, "commit": ray.__commit__}))',
      'ray.shutdown()',
    ].join('\n');
    const run = await runOnRealRay(python, '-c', [code], 240);
    expect(run.leftovers).toEqual([]);
    expect(run.exitCode, run.lines.join('\n')).toBe(0);
    const json = run.lines.find((line) => line.startsWith('JSON '))?.slice(5) ?? '{}';
    real = JSON.parse(json) as typeof real;
    const resources = real?.resources ?? {};
    const ip = Object.keys(resources)
      .find((key) => /^node:\d+\.\d+\.\d+\.\d+$/.test(key))
      ?.slice('node:'.length);
    expect(ip).toBeDefined();
    local = { ip: ip ?? '', cpus: 2 };

    const simulated = nodeResourceTotals({
      name: hostname(),
      ip: ip ?? '',
      isHead: true,
      cpus: 2,
      gpus: 1,
      memoryBytes: memory,
      alive: true,
    });
    expect(Object.keys(simulated).sort()).toEqual(Object.keys(resources).sort());
    expect(Object.keys(resources)).toEqual(
      expect.arrayContaining(['CPU', 'GPU', 'memory', 'object_store_memory']),
    );
    expect(resources['node:__internal_head__']).toBe(1);
    for (const key of ['CPU', 'GPU', 'memory', `node:${ip}`, 'node:__internal_head__']) {
      expect(simulated[key], key).toBe(resources[key]);
    }
    // Ray sizes the object store from the memory it finds free (30 %, capped by /dev/shm), the
    // simulation from the pod's limit: only the name and a positive size are compared.
    expect(resources.object_store_memory).toBeGreaterThan(0);
    expect(simulated.object_store_memory).toBeGreaterThan(0);
  });

  it('reports the Ray version strings as real Ray does', async () => {
    expect(real?.version).toBe(realRayVersion);
    const server = await startRayHeadTestServer({ rayVersion: realRayVersion });
    try {
      const version = (await server.request('GET', '/api/version')).json<{
        ray_version: string;
        ray_commit: string;
      }>();
      expect(version.ray_version).toBe(real?.version);
      expect(real?.commit).toMatch(/^[0-9a-f]{40}$/);
      expect(version.ray_commit).toMatch(/^[0-9a-f]{40}$/);
    } finally {
      await server.close();
    }
  });

  it.for(workloadRuns.filter((workload) => !workload.hideTorch))(
    '$name: the same verdict, exit code, script lines, and only Ray lines real Ray prints',
    async (workload, context) => {
      const run = results.get(workload.name);
      if (!run) return context.skip(`${workload.name} did not run under real Ray`);
      if (!local) return context.skip('the local node is unknown (resources test failed)');
      const simulated = await runOnSimulatedHead(
        local,
        ['python', workload.script, ...workload.args].join(' '),
      );
      const hosts = [hostname()];
      const output = `real Ray, exit code ${run.exitCode}:\n${run.lines.join('\n')}`;
      expect(simulated.details.driver_exit_code, output).toBe(run.exitCode);
      expect(simulated.details.status).toBe(run.exitCode === 0 ? 'SUCCEEDED' : 'FAILED');
      expect(
        scriptLines(simulated.lines).map((line) => shape(line, hosts)),
        output,
      ).toEqual(scriptLines(run.lines).map((line) => shape(line, hosts)));
      const realShapes = new Set(rayLines(run.lines).map((line) => shape(line, hosts)));
      const simulatedShapes = rayLines(simulated.lines)
        .map((line) => shape(line, hosts))
        .filter((line) => !submittedJobOnly.test(line));
      for (const line of simulatedShapes) {
        expect(realShapes, `the simulation prints a line real Ray does not:\n${line}`).toContain(
          line,
        );
      }
    },
  );
});
