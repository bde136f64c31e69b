import { spawn } from 'node:child_process';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { kubectlBinary } from '../support/kubectlBinary.ts';
import { expectKubectlOk, type KubectlResult, kubectlRunner } from '../support/runKubectl.ts';
import { startTestSandbox, type TestSandbox } from '../support/startTestSandbox.ts';

// A fixed sandbox clock, moved forward after the objects exist: every AGE reads 90m.
let clock = Date.parse('2026-03-01T00:00:00Z');
let sandbox: TestSandbox;
let kubectl: (args: string[], input?: string) => Promise<KubectlResult>;

/** The printed table as rows of whitespace-separated cells (cells here have no spaces). */
function rowsOf(output: string): string[][] {
  return output
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s{2,}/));
}

beforeAll(async () => {
  sandbox = await startTestSandbox({ now: () => new Date(clock) });
  kubectl = kubectlRunner(sandbox.kubeconfig);
  expectKubectlOk(
    await kubectl(
      ['apply', '-n', 'default', '-f', '-'],
      `
apiVersion: v1
kind: Pod
metadata: {name: web-0}
spec:
  containers: [{name: web, image: nginx:1.27}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, protocol: TCP}]
---
apiVersion: ray.io/v1
kind: RayCluster
metadata: {name: rc}
spec:
  headGroupSpec:
    rayStartParams: {}
    template:
      spec:
        containers: [{name: ray-head, image: rayproject/ray:2.52.0}]
`,
    ),
  );
  for (let index = 0; index < 5; index++) {
    const created = await sandbox.request('POST', '/api/v1/namespaces/default/configmaps', {
      metadata: { name: `chunk-${index}` },
      data: { a: '1' },
    });
    expect(created.status).toBe(201);
  }
  clock += 90 * 60_000;
});
afterAll(() => sandbox.close());

describe('kubectl get prints the columns the server sends', () => {
  it('prints pods as NAME READY STATUS RESTARTS AGE, and the -o wide extras', async () => {
    expect(rowsOf(expectKubectlOk(await kubectl(['get', 'pods', '-n', 'default'])))).toEqual([
      ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
      ['web-0', '0/1', 'Pending', '0', '90m'],
    ]);
    expect(
      rowsOf(expectKubectlOk(await kubectl(['get', 'pod', 'web-0', '-o', 'wide'])))[0],
    ).toEqual([
      'NAME',
      'READY',
      'STATUS',
      'RESTARTS',
      'AGE',
      'IP',
      'NODE',
      'NOMINATED NODE',
      'READINESS GATES',
    ]);
  });

  it('prints services and namespaces with their columns', async () => {
    const [header, row] = rowsOf(expectKubectlOk(await kubectl(['get', 'svc', 'web'])));
    expect(header).toEqual(['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
    expect(row?.[1]).toBe('ClusterIP');
    expect(row?.[3]).toBe('<none>');
    expect(row?.[4]).toBe('80/TCP');
    expect(rowsOf(expectKubectlOk(await kubectl(['get', 'ns', 'default'])))).toEqual([
      ['NAME', 'STATUS', 'AGE'],
      ['default', 'Active', '90m'],
    ]);
  });

  it("prints a RayCluster with its CRD's printer columns", async () => {
    const [header, row] = rowsOf(expectKubectlOk(await kubectl(['get', 'rayclusters'])));
    expect(header).toEqual([
      'NAME',
      'DESIRED WORKERS',
      'AVAILABLE WORKERS',
      'CPUS',
      'MEMORY',
      'GPUS',
      'STATUS',
      'AGE',
    ]);
    expect(row?.[0]).toBe('rc');
    expect(row?.at(-1)).toBe('90m');
  });

  it('reads a chunked list page by page', async () => {
    const result = await kubectl(['get', 'configmaps', '--chunk-size=2', '-v=6']);
    const rows = rowsOf(expectKubectlOk(result)).filter((row) => row[0]?.startsWith('chunk-'));
    expect(rows.map((row) => row[0])).toEqual([
      'chunk-0',
      'chunk-1',
      'chunk-2',
      'chunk-3',
      'chunk-4',
    ]);
    expect(result.stderr.match(/configmaps\?continue=/g)?.length).toBe(2);
  });

  it('keeps the columns while watching (get -w gets one-row Tables)', async () => {
    const child = spawn(
      kubectlBinary(),
      ['--kubeconfig', sandbox.kubeconfig, 'get', 'configmaps', '-w'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      for (let attempt = 0; attempt < 100 && !output.includes('chunk-4'); attempt++)
        await new Promise((resolve) => setTimeout(resolve, 50));
      const created = await sandbox.request('POST', '/api/v1/namespaces/default/configmaps', {
        metadata: { name: 'watched' },
        data: { a: '1', b: '2' },
      });
      expect(created.status).toBe(201);
      for (let attempt = 0; attempt < 100 && !output.includes('watched'); attempt++)
        await new Promise((resolve) => setTimeout(resolve, 50));
      const rows = rowsOf(output);
      expect(rows[0]).toEqual(['NAME', 'DATA', 'AGE']);
      expect(rows.filter((row) => row[0] === 'NAME')).toHaveLength(1);
      expect(rows.at(-1)).toEqual(['watched', '2', '0s']);
    } finally {
      child.kill();
    }
  });
});
