import { afterEach, describe, expect, it } from 'vitest';

import {
  type RayHeadTestServer,
  startRayHeadTestServer,
  testCpuWorker,
  testGpuWorker,
  testHead,
} from '../../../test/support/startRayHeadTestServer.ts';
import { formatMemory, usageLines } from './clusterStatus.ts';

let server: RayHeadTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(
  options: Parameters<typeof startRayHeadTestServer>[0] = {},
): Promise<RayHeadTestServer> {
  server = await startRayHeadTestServer(options);
  return server;
}

/** Parsed JSON, loosely typed for reading nested fields in assertions. */
interface Tree {
  [key: string]: Tree;
}

interface Rest<T> {
  result: boolean;
  msg: string;
  data: T;
}

describe('GET /api/cluster_status', () => {
  it('returns the rest_response envelope with camelCase keys, usage and pending demand', async () => {
    const head = await start({ nodes: [testHead, testCpuWorker, testGpuWorker] });
    await head.request('POST', '/api/jobs/', {
      body: { entrypoint: 'sleep 100', entrypoint_num_cpus: 2 },
    });
    await head.request('POST', '/api/jobs/', {
      body: { entrypoint: 'sleep 100', entrypoint_num_gpus: 4 },
    });
    head.clock.advance(2000);
    const response = await head.request('GET', '/api/cluster_status');
    const body = response.json<
      Rest<{
        autoscalingStatus: string;
        autoscalingError: null;
        clusterStatus: Tree;
      }>
    >();
    expect(body.result).toBe(true);
    expect(body.msg).toBe('Got cluster status.');
    expect(body.data.autoscalingError).toBeNull();
    const report = body.data.clusterStatus.loadMetricsReport;
    expect(report?.usage?.CPU).toEqual([2, 20]);
    expect(report?.usage?.GPU).toEqual([0, 1]);
    expect(report?.usage?.memory).toEqual([0, 112 * 2 ** 30]);
    expect(report?.usage?.['acceleratorType:A100']).toEqual([0, 1]);
    expect(report?.resourceDemand).toEqual([[{ GPU: 4 }, 1]]);
    expect(Object.keys(report ?? {})).toEqual([
      'usage',
      'resourceDemand',
      'pgDemand',
      'requestDemand',
      'nodeTypes',
      'headIp',
      'usageByNode',
      'nodeTypeMapping',
      'idleTimeMap',
    ]);
    expect(Object.values(report?.nodeTypeMapping ?? {}).sort()).toEqual([
      'cpu',
      'gpu',
      'headgroup',
    ]);
    // The 2-CPU entrypoint fits on the head, which the scheduler tries first.
    expect(body.data.clusterStatus.autoscalerReport?.activeNodes).toEqual({ headgroup: 1 });
    expect(body.data.clusterStatus.autoscalerReport?.idleNodes).toEqual({ cpu: 1, gpu: 1 });
    expect(body.data.clusterStatus.time).toBe(head.clock.now() / 1000);
    expect(body.data.autoscalingStatus).toContain(' 2.0/20.0 CPU\n');
    expect(head.simulation.pendingResourceDemand()).toEqual([
      { resources: { GPU: 4 }, kind: 'job', owner: expect.any(String) },
    ]);
  });

  it('with ?format=1 returns the `ray status` text', async () => {
    const head = await start();
    await head.request('POST', '/api/jobs/', {
      body: { entrypoint: 'sleep 100', entrypoint_num_gpus: 1 },
    });
    const body = (await head.request('GET', '/api/cluster_status?format=1')).json<
      Rest<{ clusterStatus: string }>
    >();
    expect(body.msg).toBe('Got formatted cluster status.');
    expect(body.data.clusterStatus).toBe(
      [
        '======== Autoscaler status: 2026-01-01 00:00:00.000000 ========',
        'Node status',
        '---------------------------------------------------------------',
        'Active:',
        ' (no active nodes)',
        'Idle:',
        ' 1 headgroup',
        ' 1 cpu',
        'Pending:',
        ' (no pending nodes)',
        'Recent failures:',
        ' (no failures)',
        '',
        'Resources',
        '---------------------------------------------------------------',
        'Usage:',
        ' 0.0/12.0 CPU',
        ' 0B/48.00GiB memory',
        ' 0B/14.40GiB object_store_memory',
        '',
        'Demands:',
        " {'GPU': 1.0}: 1+ pending tasks/actors",
        '',
      ].join('\n'),
    );
  });
});

describe('GET /nodes', () => {
  it('summarises every node with raylet info, GPUs and logical resources', async () => {
    const head = await start({ nodes: [testHead, testGpuWorker] });
    const body = (await head.request('GET', '/nodes?view=summary')).json<
      Rest<{ summary: Tree[]; nodeLogicalResources: Record<string, string> }>
    >();
    expect(body).toMatchObject({ result: true, msg: 'Node summary fetched.' });
    const [headNode, gpuNode] = body.data.summary;
    expect(headNode).toMatchObject({
      hostname: 'raycluster-head-x7k2p',
      ip: '10.244.0.5',
      cpus: [4, 4],
      gpus: [],
      raylet: {
        state: 'ALIVE',
        isHeadNode: true,
        nodeManagerAddress: '10.244.0.5',
        resourcesTotal: { CPU: 4 },
      },
    });
    expect(gpuNode?.gpus).toEqual([
      {
        index: 0,
        name: 'NVIDIA A100-SXM4-80GB',
        uuid: expect.stringMatching(/^GPU-[0-9a-f]{8}-/),
        utilizationGpu: 0,
        memoryUsed: 0,
        memoryTotal: 81_920,
        processesPids: [],
      },
    ]);
    // rest_response camelCases nested keys too, resource names included, as Ray's does.
    expect(gpuNode?.raylet?.resourcesTotal).toMatchObject({
      GPU: 1,
      'acceleratorType:A100': 1,
      objectStoreMemory: Math.round(0.3 * 64 * 2 ** 30),
    });
    const gpuNodeId = String(gpuNode?.raylet?.nodeId);
    expect(body.data.nodeLogicalResources[gpuNodeId]).toBe(
      '0.0/8.0 CPU\n0.0/1.0 GPU\n0.0/1.0 accelerator_type:A100\n0B/64.00GiB memory\n0B/19.20GiB object_store_memory',
    );
  });

  it('keeps a removed node as DEAD with its end time', async () => {
    const head = await start({ nodes: [testHead, testCpuWorker] });
    head.clock.advance(5000);
    head.simulation.updateNodes([testHead]);
    const summary = (await head.request('GET', '/nodes?view=summary')).json<
      Rest<{ summary: Tree[] }>
    >().data.summary;
    expect(summary.map((node) => node.raylet?.state)).toEqual(['ALIVE', 'DEAD']);
    expect(summary[1]?.raylet?.endTimeMs).toBe(head.clock.now());
  });

  it('lists host names, and refuses an unknown view with result false', async () => {
    const head = await start();
    expect((await head.request('GET', '/nodes?view=hostNameList')).json()).toEqual({
      result: true,
      msg: 'Node hostname list fetched.',
      data: { hostNameList: ['raycluster-head-x7k2p', 'raycluster-cpu-worker-q8w2z'] },
    });
    expect((await head.request('GET', '/nodes?view=other')).json()).toEqual({
      result: false,
      msg: 'Unknown view other',
      data: {},
    });
  });
});

describe('formatting helpers', () => {
  it('formats memory as Ray does', () => {
    expect([
      formatMemory(0),
      formatMemory(2048),
      formatMemory(5 * 2 ** 20),
      formatMemory(4 * 2 ** 30),
    ]).toEqual(['0B', '2.00KiB', '5.00MiB', '4.00GiB']);
  });

  it('orders usage lines CPU, GPU, custom, memory and leaves node markers out', () => {
    expect(
      usageLines({
        memory: [0, 2048],
        'node:10.0.0.1': [0, 1],
        TPU: [1, 4],
        CPU: [0.5, 2],
        object_store_memory: [0, 512],
      }),
    ).toEqual(['0.5/2.0 CPU', '1.0/4.0 TPU', '0B/2.00KiB memory', '0B/512B object_store_memory']);
  });
});
