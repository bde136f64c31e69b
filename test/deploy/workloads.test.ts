import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { manifestRayVersion, realRayVersion } from '../realRay/realRayVersion.ts';
import { repoRoot } from './buildOverlay.ts';

const workloadsDir = join(repoRoot, 'workloads');
const scripts = readdirSync(workloadsDir)
  .filter((file) => file.endsWith('.py'))
  .sort();

/** Debian's python3 first (the machines' own), else whichever python3 is on PATH. */
const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/** Bytecode goes to a temp dir (PYTHONPYCACHEPREFIX), never into workloads/. */
const pycache = mkdtempSync(join(tmpdir(), 'raydeck-pycache-'));
afterAll(() => rmSync(pycache, { recursive: true, force: true }));
const pythonEnv = { ...process.env, PYTHONPYCACHEPREFIX: pycache };

interface CatalogEntry {
  id: string;
  title: string;
  summary: string;
  script: string;
  entrypoint: string;
  resources: { cpus: number; gpus: number };
  manifest: string;
  timeoutSeconds: number;
  runtimeEnv?: Record<string, unknown>;
  rayExtras: string[];
  provenOnRealRay: string | null;
  notProvenReason?: string;
}
const catalog = parse(readFileSync(join(workloadsDir, 'catalog.yaml'), 'utf8')) as {
  version: number;
  verdict: { pass: string; fail: string };
  workloads: CatalogEntry[];
};

describe('sample workloads', () => {
  it('has the six scripts the library promises', () => {
    expect(scripts).toEqual([
      'actor_pool.py',
      'data_batch.py',
      'gpu_check.py',
      'pi_tasks.py',
      'serve_hello.py',
      'train_tiny.py',
    ]);
  });

  it.each(scripts)('%s passes python3 -m py_compile', (script) => {
    expect(() =>
      execFileSync(python, ['-m', 'py_compile', join(workloadsDir, script)], {
        env: pythonEnv,
        stdio: 'pipe',
      }),
    ).not.toThrow();
  });

  it.each(scripts)(
    '%s answers --help without Ray installed (Ray is imported in main)',
    (script) => {
      const help = execFileSync(python, [join(workloadsDir, script), '--help'], {
        encoding: 'utf8',
        env: pythonEnv,
      });
      expect(help).toMatch(/^usage: /);
    },
  );

  it.each(scripts)('%s documents itself and prints a PASS or FAIL verdict', (script) => {
    const source = readFileSync(join(workloadsDir, script), 'utf8');
    expect(source).toMatch(/^"""[A-Z].+\n/);
    expect(source).toContain('ray job submit');
    expect(source).toMatch(/print\(f?"PASS: /);
    expect(source).toMatch(/print\(f?"FAIL: /);
    expect(source).toMatch(/sys\.exit\(main\(\)\)/);
  });
});

describe('workloads/catalog.yaml', () => {
  it('lists every script at least once', () => {
    expect([...new Set(catalog.workloads.map((entry) => entry.script))].sort()).toEqual(scripts);
  });

  it('has unique DNS-label ids', () => {
    const ids = catalog.workloads.map((entry) => entry.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z]([-a-z0-9]*[a-z0-9])?$/);
  });

  it('has verdict patterns that match what the scripts print', () => {
    expect(new RegExp(catalog.verdict.pass).test('PASS: 3 GPU(s) visible')).toBe(true);
    expect(new RegExp(catalog.verdict.fail).test('FAIL: no GPU')).toBe(true);
    expect(new RegExp(catalog.verdict.pass).test('FAIL: no GPU')).toBe(false);
  });

  it.each(catalog.workloads)('$id names an existing script, run by its entrypoint', (entry) => {
    expect(existsSync(join(workloadsDir, entry.script))).toBe(true);
    expect(entry.entrypoint.split(/\s+/).slice(0, 2)).toEqual(['python', entry.script]);
    expect(entry.title.length).toBeGreaterThan(0);
    expect(entry.summary.length).toBeGreaterThan(0);
    expect(entry.timeoutSeconds).toBeGreaterThan(0);
  });

  it.each(catalog.workloads)('$id fits the manifest it suggests', (entry) => {
    const path = join(repoRoot, 'manifests', entry.manifest);
    expect(existsSync(path)).toBe(true);
    const manifest = readFileSync(path, 'utf8');
    // A GPU workload must point at a cluster shape that has GPUs, and vice versa.
    expect(manifest.includes('nvidia.com/gpu:')).toBe(entry.resources.gpus > 0);
  });

  it.each(catalog.workloads)('$id accepts the flags its entrypoint passes', (entry) => {
    const help = execFileSync(python, [join(workloadsDir, entry.script), '--help'], {
      encoding: 'utf8',
      env: pythonEnv,
    });
    for (const flag of entry.entrypoint.match(/--[a-z-]+/g) ?? []) expect(help).toContain(flag);
  });
});

/** The `ray[...]` extras a script needs, told by the Ray libraries its source imports. */
const extrasByImport: Record<string, RegExp> = {
  data: /\bray\.data\b|from ray import data\b/,
  train: /\bray\.train\b|from ray import train\b/,
  serve: /\bray\.serve\b|from ray import serve\b/,
  tune: /\bray\.tune\b|from ray import tune\b/,
};

describe('workloads/catalog.yaml: Ray extras and real-Ray proof', () => {
  it.each(catalog.workloads)('$id lists exactly the extras its script imports', (entry) => {
    const source = readFileSync(join(workloadsDir, entry.script), 'utf8');
    const imported = Object.entries(extrasByImport)
      .filter(([, pattern]) => pattern.test(source))
      .map(([extra]) => extra)
      .sort();
    expect([...entry.rayExtras].sort()).toEqual(imported);
  });

  it.each(catalog.workloads)(
    '$id is proven on the Ray version the real-Ray stage installs, or says why not',
    (entry) => {
      if (entry.provenOnRealRay === null) {
        expect(entry.notProvenReason?.trim().length ?? 0).toBeGreaterThan(20);
      } else {
        expect(entry.provenOnRealRay).toBe(realRayVersion);
        expect(entry.notProvenReason).toBeUndefined();
      }
    },
  );

  it('names the Ray version the manifests pin, which test/realRay/realRayVersion.ts records', () => {
    const pinned = new Set<string>();
    for (const file of readdirSync(join(repoRoot, 'manifests')).filter((name) =>
      name.endsWith('.yaml'),
    )) {
      const text = readFileSync(join(repoRoot, 'manifests', file), 'utf8');
      for (const match of text.matchAll(/rayVersion: '([^']+)'|rayproject\/ray:([0-9.]+)/g)) {
        pinned.add(match[1] ?? match[2] ?? '');
      }
    }
    expect([...pinned]).toEqual([manifestRayVersion]);
  });
});
