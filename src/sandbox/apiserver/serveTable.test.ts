import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startTestSandbox, type TestSandbox } from '../../../test/support/startTestSandbox.ts';
import { tableRequested } from './serveTable.ts';

const tableAccept =
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

// The sandbox clock: objects are created at 00:00:00, tables read at 01:02:03.
let clock = Date.parse('2026-03-01T00:00:00Z');
let sandbox: TestSandbox;

interface Table {
  kind: string;
  apiVersion: string;
  metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
  columnDefinitions: { name: string; type: string; priority: number }[];
  rows: { cells: unknown[]; object?: Record<string, unknown> }[];
}

async function table(path: string): Promise<Table> {
  const response = await sandbox.request('GET', path, undefined, { accept: tableAccept });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body as Table;
}

function columns(result: Table): string[] {
  return result.columnDefinitions.map((column) =>
    column.priority > 0 ? `(${column.name})` : column.name,
  );
}

beforeAll(async () => {
  sandbox = await startTestSandbox({ now: () => new Date(clock) });
  const create = async (path: string, body: unknown) => {
    const response = await sandbox.request('POST', path, body);
    expect(response.status, JSON.stringify(response.body)).toBe(201);
  };
  await create('/api/v1/namespaces/default/pods', {
    metadata: { name: 'crashing' },
    spec: {
      containers: [
        { name: 'a', image: 'x' },
        { name: 'b', image: 'y' },
      ],
    },
  });
  const patched = await sandbox.request(
    'PATCH',
    '/api/v1/namespaces/default/pods/crashing/status',
    {
      status: {
        phase: 'Running',
        podIP: '10.0.0.5',
        containerStatuses: [
          { name: 'a', ready: true, restartCount: 0, state: { running: {} } },
          {
            name: 'b',
            ready: false,
            restartCount: 3,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
            lastState: { terminated: { exitCode: 1, finishedAt: '2026-03-01T00:55:00Z' } },
          },
        ],
      },
    },
    { 'content-type': 'application/merge-patch+json' },
  );
  expect(patched.status, JSON.stringify(patched.body)).toBe(200);
  for (let index = 0; index < 5; index++) {
    await create('/api/v1/namespaces/default/configmaps', {
      metadata: { name: `cm-${index}` },
      data: { a: '1', b: '2' },
    });
  }
  await create('/apis/apps/v1/namespaces/default/deployments', {
    metadata: { name: 'web' },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
      },
    },
  });
  await create('/apis/ray.io/v1/namespaces/default/rayclusters', {
    apiVersion: 'ray.io/v1',
    kind: 'RayCluster',
    metadata: { name: 'rc' },
    spec: {
      headGroupSpec: {
        rayStartParams: {},
        template: { spec: { containers: [{ name: 'ray-head', image: 'rayproject/ray' }] } },
      },
    },
  });
  await sandbox.request(
    'PATCH',
    '/apis/ray.io/v1/namespaces/default/rayclusters/rc/status',
    {
      status: { desiredWorkerReplicas: 2, desiredCPU: '4', desiredMemory: '8Gi', state: 'ready' },
    },
    { 'content-type': 'application/merge-patch+json' },
  );
  clock = Date.parse('2026-03-01T01:02:03Z');
});
afterAll(() => sandbox.close());

describe('Table output', () => {
  it('recognises what kubectl get asks for', () => {
    expect(tableRequested(tableAccept)).toBe('v1');
    expect(tableRequested('application/json;as=Table;v=v1beta1;g=meta.k8s.io')).toBe('v1beta1');
    expect(tableRequested('application/json')).toBeUndefined();
    expect(tableRequested(undefined)).toBeUndefined();
    expect(tableRequested('application/json, application/json;as=Table;v=v1;g=meta.k8s.io')).toBe(
      undefined,
    );
  });

  it("prints pods with kubectl's columns: READY, STATUS, RESTARTS with the last restart, AGE", async () => {
    const result = await table('/api/v1/namespaces/default/pods');
    expect(result.kind).toBe('Table');
    expect(result.apiVersion).toBe('meta.k8s.io/v1');
    expect(columns(result)).toEqual([
      'Name',
      'Ready',
      'Status',
      'Restarts',
      'Age',
      '(IP)',
      '(Node)',
      '(Nominated Node)',
      '(Readiness Gates)',
    ]);
    expect(result.rows[0]?.cells).toEqual([
      'crashing',
      '1/2',
      'CrashLoopBackOff',
      '3 (7m3s ago)',
      '62m',
      '10.0.0.5',
      '<none>',
      '<none>',
      '<none>',
    ]);
    // includeObject defaults to Metadata.
    expect(result.rows[0]?.object).toMatchObject({
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: { name: 'crashing', namespace: 'default' },
    });
  });

  it('includes the object, its metadata or nothing (includeObject)', async () => {
    const full = await table('/api/v1/namespaces/default/pods/crashing?includeObject=Object');
    expect(full.rows).toHaveLength(1);
    expect(full.rows[0]?.object).toMatchObject({
      kind: 'Pod',
      spec: { containers: [{ name: 'a' }, { name: 'b' }] },
    });
    const none = await table('/api/v1/namespaces/default/pods?includeObject=None');
    expect(none.rows[0]).toEqual({ cells: expect.any(Array) });
    expect(
      (await table('/api/v1/namespaces/default/pods?includeObject=None')).rows[0]?.cells[3],
    ).toBe('3 (7m3s ago)');
    const bad = await sandbox.request(
      'GET',
      '/api/v1/namespaces/default/pods?includeObject=All',
      undefined,
      { accept: tableAccept },
    );
    expect(bad.status).toBe(400);
  });

  it('pages a table as it pages a list', async () => {
    const first = await table('/api/v1/namespaces/default/configmaps?limit=2');
    expect(first.rows.map((row) => row.cells[0])).toEqual(['cm-0', 'cm-1']);
    expect(first.metadata.remainingItemCount).toBe(3);
    expect(columns(first)).toEqual(['Name', 'Data', 'Age']);
    expect(first.rows[0]?.cells).toEqual(['cm-0', 2, '62m']);
    const next = await table(
      `/api/v1/namespaces/default/configmaps?limit=2&continue=${encodeURIComponent(first.metadata.continue ?? '')}`,
    );
    expect(next.rows.map((row) => row.cells[0])).toEqual(['cm-2', 'cm-3']);
  });

  it('prints deployments with their wide columns', async () => {
    const result = await table('/apis/apps/v1/namespaces/default/deployments');
    expect(columns(result)).toEqual([
      'Name',
      'Ready',
      'Up-to-date',
      'Available',
      'Age',
      '(Containers)',
      '(Images)',
      '(Selector)',
    ]);
    expect(result.rows[0]?.cells).toEqual([
      'web',
      '0/3',
      0,
      0,
      '62m',
      'web',
      'nginx:1.27',
      'app=web',
    ]);
  });

  it("prints a RayCluster with its CRD's additionalPrinterColumns", async () => {
    const result = await table('/apis/ray.io/v1/namespaces/default/rayclusters');
    expect(columns(result)).toEqual([
      'Name',
      'desired workers',
      'available workers',
      'cpus',
      'memory',
      'gpus',
      '(tpus)',
      'status',
      'age',
      '(head pod IP)',
      '(head service IP)',
    ]);
    expect(result.rows[0]?.cells).toEqual([
      'rc',
      2,
      null,
      '4',
      '8Gi',
      null,
      null,
      'ready',
      '62m',
      null,
      null,
    ]);
  });

  it('prints kinds without a printer as Name and Created At', async () => {
    const result = await table(
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/rayclusters.ray.io',
    );
    expect(columns(result)).toEqual(['Name', 'Created At']);
    expect(result.rows[0]?.cells).toEqual(['rayclusters.ray.io', '2026-03-01T00:00:00Z']);
  });
});
