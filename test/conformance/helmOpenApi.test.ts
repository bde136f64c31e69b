import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { helmBinary } from '../support/helmBinary.ts';
import { startTestSandbox, type TestSandbox } from '../support/startTestSandbox.ts';
import { describeWithUpstream, upstreamKuberayDir } from '../support/upstream.ts';

let sandbox: TestSandbox;
let home: string;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  home = mkdtempSync(join(tmpdir(), 'raydeck-helm-'));
});
afterAll(() => sandbox.close());

/** Runs Helm 4 against the sandbox, offline, with its own HOME. */
function helm(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      helmBinary(),
      ['--kubeconfig', sandbox.kubeconfig, ...args],
      { timeout: 60_000, env: { PATH: process.env['PATH'] ?? '', HOME: home } },
      (error, stdout, stderr) =>
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
          stdout,
          stderr,
        }),
    );
  });
}

function chartWith(manifest: string): string {
  const chart = mkdtempSync(join(tmpdir(), 'raydeck-chart-'));
  mkdirSync(join(chart, 'templates'));
  writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: probe\nversion: 0.1.0\n');
  writeFileSync(join(chart, 'templates', 'manifest.yaml'), manifest);
  return chart;
}

// `helm install --dry-run=server` builds the objects with kubectl's validator (the sandbox's
// OpenAPI) and sends them as dry runs; the release is not stored.
describeWithUpstream('helm 4 installs the upstream ray-cluster chart on the sandbox', () => {
  it('installs the upstream ray-cluster chart', async () => {
    const result = await helm([
      'install',
      'raycluster',
      join(upstreamKuberayDir, 'helm-charts', 'ray-cluster'),
      '--dry-run=server',
      '-n',
      'default',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('kind: RayCluster');
  });
});

describe('helm 4 validates against the sandbox OpenAPI', () => {
  it('refuses a chart with an unknown field, naming it', async () => {
    const chart = chartWith(
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: probe\nbogus: 1\n',
    );
    const result = await helm(['install', 'probe', chart, '--dry-run=server', '-n', 'default']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('unknown field "bogus" in io.k8s.api.core.v1.ConfigMap');
  });
});
