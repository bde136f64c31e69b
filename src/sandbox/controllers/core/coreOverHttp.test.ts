import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startTestSandbox, type TestSandbox } from '../../../../test/support/startTestSandbox.ts';
import { bootstrapWorld } from '../../world/bootstrapWorld.ts';
import { ManualClock } from '../../world/simClock.ts';
import { defaultWorldYaml, parseWorldConfig } from '../../world/worldConfig.ts';
import type { RunningController } from '../../world/worldContext.ts';
import { EventRecorder } from '../EventRecorder.ts';
import { podGracefulDeletion } from './kubelet.ts';
import { startCoreControllers } from './startCoreControllers.ts';

let sandbox: TestSandbox;
let controllers: RunningController;
const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));

async function settle(): Promise<void> {
  for (let round = 0; round < 20; round++) await new Promise((resolve) => setImmediate(resolve));
}

async function advance(ms: number): Promise<void> {
  await settle();
  for (let elapsed = 0; elapsed < ms; elapsed += 100) {
    clock.advance(100);
    await settle();
  }
}

beforeAll(async () => {
  sandbox = await startTestSandbox({
    now: () => new Date(clock.now()),
    gracefulDeletion: podGracefulDeletion,
  });
  const world = parseWorldConfig(defaultWorldYaml);
  const { api } = sandbox.apiServer;
  bootstrapWorld(api, world);
  controllers = startCoreControllers({
    apiServer: sandbox.apiServer,
    api,
    clock,
    world,
    events: new EventRecorder(api, clock),
  });
});

afterAll(async () => {
  controllers.stop();
  await sandbox.close();
});

describe('the simulated core over HTTP', () => {
  it('runs a pod created with POST and serves its status and logs', async () => {
    const created = await sandbox.request('POST', '/api/v1/namespaces/team-a/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'echo' },
      spec: {
        restartPolicy: 'Never',
        containers: [
          { name: 'echo', image: 'busybox:1.36', command: ['sh', '-c', 'echo "hi there"; exit 0'] },
        ],
      },
    });
    expect(created.status).toBe(201);
    await settle();
    const early = await sandbox.request('GET', '/api/v1/namespaces/team-a/pods/echo/log');
    expect(early.status).toBe(400);
    expect(early.body).toMatchObject({
      kind: 'Status',
      reason: 'BadRequest',
      message: 'container "echo" in pod "echo" is waiting to start: ContainerCreating',
    });
    await advance(15_000);
    const pod = await sandbox.request('GET', '/api/v1/namespaces/team-a/pods/echo');
    expect(pod.body).toMatchObject({
      spec: { nodeName: expect.any(String) },
      status: {
        phase: 'Succeeded',
        containerStatuses: [{ state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
      },
    });
    const logs = await sandbox.request('GET', '/api/v1/namespaces/team-a/pods/echo/log');
    expect(logs).toMatchObject({ status: 200, body: 'hi there\n' });
    const selected = await sandbox.request(
      'GET',
      `/api/v1/namespaces/team-a/pods?fieldSelector=${encodeURIComponent('status.phase=Succeeded')}`,
    );
    expect((selected.body as { items: unknown[] }).items).toHaveLength(1);
  });

  it('answers 403 with the quota message when team-b asks for a third GPU', async () => {
    const gpuPod = (name: string) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name },
      spec: {
        containers: [
          { name: 'c', image: 'cuda:12', resources: { limits: { 'nvidia.com/gpu': '1' } } },
        ],
      },
    });
    expect(
      (await sandbox.request('POST', '/api/v1/namespaces/team-b/pods', gpuPod('g1'))).status,
    ).toBe(201);
    expect(
      (await sandbox.request('POST', '/api/v1/namespaces/team-b/pods', gpuPod('g2'))).status,
    ).toBe(201);
    const denied = await sandbox.request('POST', '/api/v1/namespaces/team-b/pods', gpuPod('g3'));
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({
      reason: 'Forbidden',
      message:
        'pods "g3" is forbidden: exceeded quota: team-b-quota, requested: requests.nvidia.com/gpu=1, used: requests.nvidia.com/gpu=2, limited: requests.nvidia.com/gpu=2',
    });
    const dryRun = await sandbox.request(
      'POST',
      '/api/v1/namespaces/team-b/pods?dryRun=All',
      gpuPod('g3'),
    );
    expect(dryRun.status).toBe(403);
  });
});
