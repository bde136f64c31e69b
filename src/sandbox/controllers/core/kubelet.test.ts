import { afterEach, describe, expect, it } from 'vitest';

import type { KubeObject } from '../../apiserver/resourceType.ts';
import { exitContainer, registerContainerPlanner } from './kubelet.ts';
import { type ManualWorld, startManualWorld } from './startManualWorld.ts';

let world: ManualWorld | undefined;
afterEach(() => world?.stop());

interface ContainerStatus {
  name: string;
  state: {
    waiting?: { reason: string; message?: string };
    running?: { startedAt: string };
    terminated?: {
      exitCode: number;
      reason: string;
      startedAt: string;
      finishedAt: string;
      containerID: string;
    };
  };
  lastState: { terminated?: { exitCode: number; reason: string } };
  ready: boolean;
  restartCount: number;
  image: string;
  imageID: string;
  containerID?: string;
  started: boolean;
}

interface PodStatus {
  phase: string;
  conditions: {
    type: string;
    status: string;
    reason?: string;
    message?: string;
    lastTransitionTime: string;
  }[];
  podIP?: string;
  podIPs?: { ip: string }[];
  hostIP?: string;
  startTime?: string;
  containerStatuses?: ContainerStatus[];
  initContainerStatuses?: ContainerStatus[];
}

function statusOf(pod: KubeObject): PodStatus {
  return pod['status'] as PodStatus;
}

function conditionOf(pod: KubeObject, type: string) {
  return statusOf(pod).conditions.find((condition) => condition.type === type);
}

function simplePod(
  name: string,
  container: Record<string, unknown>,
  spec: Record<string, unknown> = {},
): KubeObject {
  return { metadata: { name }, spec: { containers: [{ name: 'app', ...container }], ...spec } };
}

describe('simulated kubelet', () => {
  it('takes a pod through ContainerCreating, Running and Ready at the world timings', async () => {
    world = await startManualWorld();
    const pods = world.type('', 'pods');
    world.api.create(
      pods,
      'team-a',
      simplePod('web', {
        image: 'nginx:1.27',
        readinessProbe: { httpGet: { path: '/', port: 80 } },
      }),
    );
    await world.settle();
    let pod = world.api.get(pods, 'team-a', 'web');
    expect(statusOf(pod)).toMatchObject({
      phase: 'Pending',
      hostIP: '10.0.0.2',
      podIP: '10.244.0.2',
      podIPs: [{ ip: '10.244.0.2' }],
      startTime: '2026-01-01T00:00:00Z',
    });
    expect(statusOf(pod).containerStatuses?.[0]).toEqual({
      name: 'app',
      state: { waiting: { reason: 'ContainerCreating' } },
      lastState: {},
      ready: false,
      restartCount: 0,
      image: 'nginx:1.27',
      imageID: '',
      started: false,
    });
    expect(statusOf(pod).conditions.map((condition) => [condition.type, condition.status])).toEqual(
      [
        ['PodReadyToStartContainers', 'True'],
        ['Initialized', 'True'],
        ['Ready', 'False'],
        ['ContainersReady', 'False'],
        ['PodScheduled', 'True'],
      ],
    );
    expect(conditionOf(pod, 'Ready')).toMatchObject({
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [app]',
    });

    // Image pulled after 4 s, container running after 5 s, not yet ready.
    await world.advance(5_000);
    pod = world.api.get(pods, 'team-a', 'web');
    const running = statusOf(pod).containerStatuses?.[0];
    expect(statusOf(pod).phase).toBe('Running');
    expect(running).toMatchObject({
      state: { running: { startedAt: '2026-01-01T00:00:05Z' } },
      ready: false,
      started: true,
      image: 'docker.io/library/nginx:1.27',
    });
    expect(running?.imageID).toMatch(/^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
    expect(running?.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);

    // The readiness probe passes 3 s later: Ready exactly at 00:00:08.
    await world.advance(2_900);
    expect(conditionOf(world.api.get(pods, 'team-a', 'web'), 'Ready')?.status).toBe('False');
    await world.advance(100);
    pod = world.api.get(pods, 'team-a', 'web');
    expect(conditionOf(pod, 'Ready')).toMatchObject({
      status: 'True',
      lastTransitionTime: '2026-01-01T00:00:08Z',
    });
    expect(conditionOf(pod, 'ContainersReady')?.status).toBe('True');
    expect(world.eventsFor(pod).map((event) => [event['reason'], event['note']])).toEqual([
      ['Scheduled', 'Successfully assigned team-a/web to cpu-1'],
      ['Pulling', 'Pulling image "nginx:1.27"'],
      [
        'Pulled',
        expect.stringMatching(
          /^Successfully pulled image "nginx:1\.27" in 4s \(4s including waiting\)\. Image size: \d+ bytes\.$/,
        ),
      ],
      ['Created', 'Container created'],
      ['Started', 'Container started'],
    ]);

    // A second pod on the same node finds the image present.
    world.api.create(
      pods,
      'team-a',
      simplePod('web-2', { image: 'nginx:1.27' }, { nodeName: 'cpu-1' }),
    );
    await world.advance(1_000);
    const second = world.api.get(pods, 'team-a', 'web-2');
    expect(statusOf(second).podIP).toBe('10.244.0.3');
    expect(conditionOf(second, 'Ready')?.status).toBe('True');
    expect(world.eventsFor(second)[0]).toMatchObject({
      reason: 'Pulled',
      note: 'Container image "nginx:1.27" already present on machine and can be accessed by the pod',
    });
  });

  it('runs init containers first and reports them Completed', async () => {
    world = await startManualWorld();
    const pods = world.type('', 'pods');
    world.api.create(pods, 'team-a', {
      metadata: { name: 'with-init' },
      spec: {
        initContainers: [{ name: 'wait', image: 'busybox:1.36', command: ['sh', '-c', 'sleep 1'] }],
        containers: [{ name: 'app', image: 'busybox:1.36', command: ['sleep', 'infinity'] }],
      },
    });
    await world.settle();
    let pod = world.api.get(pods, 'team-a', 'with-init');
    expect(conditionOf(pod, 'Initialized')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotInitialized',
      message: 'containers with incomplete status: [wait]',
    });
    expect(statusOf(pod).containerStatuses?.[0]?.state).toEqual({
      waiting: { reason: 'PodInitializing' },
    });
    await world.advance(10_000);
    pod = world.api.get(pods, 'team-a', 'with-init');
    expect(statusOf(pod).phase).toBe('Running');
    expect(conditionOf(pod, 'Initialized')?.status).toBe('True');
    expect(statusOf(pod).initContainerStatuses?.[0]).toMatchObject({
      name: 'wait',
      state: {
        terminated: {
          exitCode: 0,
          reason: 'Completed',
          startedAt: '2026-01-01T00:00:05Z',
          finishedAt: '2026-01-01T00:00:06Z',
        },
      },
      ready: true,
      started: false,
    });
    // The app image is the same: present, so it runs one second after the init container ends.
    expect(statusOf(pod).containerStatuses?.[0]?.state).toEqual({
      running: { startedAt: '2026-01-01T00:00:07Z' },
    });
  });

  it('reports ErrImagePull, then ImagePullBackOff, for an image tagged bad', async () => {
    world = await startManualWorld();
    const pods = world.type('', 'pods');
    world.api.create(pods, 'team-a', simplePod('broken', { image: 'rayproject/ray:bad' }));
    await world.advance(4_000);
    const error =
      'rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/rayproject/ray:bad": ' +
      'failed to resolve reference "docker.io/rayproject/ray:bad": docker.io/rayproject/ray:bad: not found';
    let pod = world.api.get(pods, 'team-a', 'broken');
    expect(statusOf(pod).phase).toBe('Pending');
    expect(statusOf(pod).containerStatuses?.[0]?.state).toEqual({
      waiting: { reason: 'ErrImagePull', message: error },
    });
    await world.advance(5_000);
    pod = world.api.get(pods, 'team-a', 'broken');
    expect(statusOf(pod).containerStatuses?.[0]?.state).toEqual({
      waiting: {
        reason: 'ImagePullBackOff',
        message: `Back-off pulling image "rayproject/ray:bad": ErrImagePull: ${error}`,
      },
    });
    expect(conditionOf(pod, 'Ready')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
    });
    const kubeletEvents = world
      .eventsFor(pod)
      .filter((event) => event['reportingController'] === 'kubelet');
    expect(kubeletEvents.map((event) => [event['type'], event['reason'], event['note']])).toEqual([
      ['Normal', 'Pulling', 'Pulling image "rayproject/ray:bad"'],
      ['Warning', 'Failed', `Failed to pull image "rayproject/ray:bad": ${error}`],
      ['Warning', 'Failed', 'Error: ErrImagePull'],
      ['Normal', 'BackOff', 'Back-off pulling image "rayproject/ray:bad"'],
      ['Warning', 'Failed', 'Error: ImagePullBackOff'],
    ]);
    expect(() => logsOf(world as ManualWorld, pod, 'app')).toThrow(
      'container "app" in pod "broken" is waiting to start: trying and failing to pull image',
    );
    // The kubelet pulls again once its 10 s image backoff ran out (00:00:14) and fails again;
    // the next backoff is 20 s.
    const reason = () =>
      statusOf(world?.api.get(pods, 'team-a', 'broken') ?? {}).containerStatuses?.[0]?.state.waiting
        ?.reason;
    await world.advance(5_000);
    expect(reason()).toBe('ImagePullBackOff');
    await world.advance(4_000);
    expect(reason()).toBe('ErrImagePull');
    await world.advance(5_000);
    expect(reason()).toBe('ImagePullBackOff');
    await world.advance(14_000);
    expect(reason()).toBe('ImagePullBackOff');
    await world.advance(5_000);
    expect(reason()).toBe('ErrImagePull');
  });

  it('crash-loops a container with RAYDECK_SIM_CRASH=1, backing off 10 s, 20 s, 40 s', async () => {
    world = await startManualWorld();
    const pods = world.type('', 'pods');
    const created = world.api.create(
      pods,
      'team-a',
      simplePod('crasher', {
        image: 'python:3.12',
        env: [{ name: 'RAYDECK_SIM_CRASH', value: '1' }],
      }),
    ).object;
    const uid = created.metadata?.uid ?? '';
    const container = () =>
      statusOf(world?.api.get(pods, 'team-a', 'crasher') ?? {}).containerStatuses?.[0];
    await world.advance(5_000);
    expect(container()?.state.running).toBeDefined();
    // Crashes after crashSeconds (3 s): terminated Error exit 1, restarted at once (restartCount 1).
    await world.advance(3_000);
    expect(container()).toMatchObject({
      state: {
        terminated: {
          exitCode: 1,
          reason: 'Error',
          startedAt: '2026-01-01T00:00:05Z',
          finishedAt: '2026-01-01T00:00:08Z',
        },
      },
      restartCount: 0,
      ready: false,
    });
    await world.advance(1_000);
    expect(container()).toMatchObject({
      state: { running: { startedAt: '2026-01-01T00:00:09Z' } },
      restartCount: 1,
    });
    // Second crash: CrashLoopBackOff for 10 s.
    await world.advance(3_000);
    expect(container()).toMatchObject({
      state: {
        waiting: {
          reason: 'CrashLoopBackOff',
          message: `back-off 10s restarting failed container=app pod=crasher_team-a(${uid})`,
        },
      },
      lastState: { terminated: { exitCode: 1, reason: 'Error' } },
      restartCount: 1,
      started: false,
    });
    const pod = world.api.get(pods, 'team-a', 'crasher');
    expect(statusOf(pod).phase).toBe('Running');
    expect(world.eventsFor(pod).find((event) => event['reason'] === 'BackOff')).toMatchObject({
      type: 'Warning',
      note: `Back-off restarting failed container app in pod crasher_team-a(${uid})`,
    });
    expect(logsOf(world, pod, 'app')).toContain(
      'RuntimeError: simulated crash (RAYDECK_SIM_CRASH=1)',
    );
    await world.advance(11_000);
    expect(container()).toMatchObject({
      state: { running: { startedAt: '2026-01-01T00:00:23Z' } },
      restartCount: 2,
    });
    await world.advance(3_000);
    expect(container()?.state.waiting?.message).toMatch(/^back-off 20s restarting/);
    await world.advance(24_000);
    expect(container()?.restartCount).toBe(3);
    await world.advance(3_000);
    expect(container()?.state.waiting?.message).toMatch(/^back-off 40s restarting/);
  });

  it('completes containers that exit: Succeeded with exit 0, Failed with the exit N of the command', async () => {
    world = await startManualWorld();
    const pods = world.type('', 'pods');
    world.api.create(
      pods,
      'team-a',
      simplePod(
        'ok',
        { image: 'busybox:1.36', command: ['sh', '-c', 'echo done; exit 0'] },
        { restartPolicy: 'Never' },
      ),
    );
    world.api.create(
      pods,
      'team-a',
      simplePod(
        'bad',
        { image: 'busybox:1.36', command: ['sh', '-c', 'exit 3'] },
        { restartPolicy: 'Never' },
      ),
    );
    await world.advance(15_000);
    const ok = world.api.get(pods, 'team-a', 'ok');
    const bad = world.api.get(pods, 'team-a', 'bad');
    expect(statusOf(ok).phase).toBe('Succeeded');
    expect(statusOf(ok).containerStatuses?.[0]?.state.terminated).toMatchObject({
      exitCode: 0,
      reason: 'Completed',
      startedAt: '2026-01-01T00:00:05Z',
      finishedAt: '2026-01-01T00:00:15Z',
    });
    expect(
      statusOf(ok).conditions.map((condition) => [
        condition.type,
        condition.status,
        condition.reason,
      ]),
    ).toEqual([
      ['PodReadyToStartContainers', 'False', undefined],
      ['Initialized', 'True', 'PodCompleted'],
      ['Ready', 'False', 'PodCompleted'],
      ['ContainersReady', 'False', 'PodCompleted'],
      ['PodScheduled', 'True', undefined],
    ]);
    expect(logsOf(world, ok, 'app')).toBe('done\n');
    expect(statusOf(bad).phase).toBe('Failed');
    expect(statusOf(bad).containerStatuses?.[0]?.state.terminated).toMatchObject({
      exitCode: 3,
      reason: 'Error',
    });
    expect(conditionOf(bad, 'Ready')?.reason).toBe('PodFailed');
  });

  it('stops a deleted pod gracefully, then removes it', async () => {
    world = await startManualWorld();
    const pods = world.type('', 'pods');
    world.api.create(pods, 'team-a', simplePod('doomed', { image: 'nginx:1.27' }));
    await world.advance(6_000);
    const result = world.api.delete(pods, 'team-a', 'doomed');
    expect(result.deleted).toBe(false);
    await world.settle();
    const terminating = world.api.get(pods, 'team-a', 'doomed');
    expect(terminating.metadata?.deletionTimestamp).toBe('2026-01-01T00:00:06Z');
    expect(world.eventsFor(terminating).at(-1)).toMatchObject({
      reason: 'Killing',
      note: 'Stopping container app',
    });
    await world.advance(2_000);
    expect(world.api.find(pods, 'team-a', 'doomed')).toBeUndefined();
  });

  it('fails and removes the pods of a deleted node', async () => {
    world = await startManualWorld();
    const pods = world.type('', 'pods');
    world.api.create(
      pods,
      'team-a',
      simplePod('on-cpu-2', { image: 'nginx:1.27' }, { nodeName: 'cpu-2' }),
    );
    await world.advance(6_000);
    const seen: string[] = [];
    const unsubscribe = world.api.store.subscribe('/pods', (event) => {
      const status = event.record.object['status'] as PodStatus;
      seen.push(`${event.type}:${status.phase}`);
    });
    world.api.delete(world.type('', 'nodes'), undefined, 'cpu-2');
    await world.settle();
    unsubscribe();
    expect(world.api.find(pods, 'team-a', 'on-cpu-2')).toBeUndefined();
    expect(seen).toEqual(['MODIFIED:Failed', 'DELETED:Failed']);
  });

  it('fails and removes a pod bound to a node that does not exist after 40 s (PodGC)', async () => {
    world = await startManualWorld();
    const pods = world.type('', 'pods');
    world.api.create(
      pods,
      'team-a',
      simplePod('lost', { image: 'nginx:1.27' }, { nodeName: 'no-such-node' }),
    );
    await world.advance(39_000);
    expect(statusOf(world.api.get(pods, 'team-a', 'lost')).phase).toBe('Pending');
    await world.advance(1_000);
    expect(world.api.find(pods, 'team-a', 'lost')).toBeUndefined();
  });

  it('lets another component decide when a container exits', async () => {
    world = await startManualWorld();
    const pods = world.type('', 'pods');
    const remove = registerContainerPlanner(world.api, ({ container }) =>
      container.name === 'submitter' ? { kind: 'runs' } : undefined,
    );
    world.api.create(pods, 'team-a', {
      metadata: {
        name: 'submit',
        ownerReferences: [],
      },
      spec: {
        restartPolicy: 'Never',
        containers: [
          { name: 'submitter', image: 'rayproject/ray:2.52.0', command: ['ray', 'job', 'submit'] },
        ],
      },
    });
    await world.advance(30_000);
    expect(statusOf(world.api.get(pods, 'team-a', 'submit')).phase).toBe('Running');
    expect(
      exitContainer(world.api, {
        namespace: 'team-a',
        pod: 'submit',
        container: 'submitter',
        exitCode: 1,
      }),
    ).toBe(true);
    await world.settle();
    expect(statusOf(world.api.get(pods, 'team-a', 'submit')).phase).toBe('Failed');
    expect(
      exitContainer(world.api, {
        namespace: 'team-a',
        pod: 'submit',
        container: 'submitter',
        exitCode: 0,
      }),
    ).toBe(false);
    remove();
  });

  it('waits in ContainerCreating with FailedMount until a ConfigMap volume exists', async () => {
    world = await startManualWorld();
    const pods = world.type('', 'pods');
    world.api.create(pods, 'team-a', {
      metadata: { name: 'needs-config' },
      spec: {
        containers: [
          {
            name: 'app',
            image: 'redis:7.4.0',
            volumeMounts: [{ name: 'config', mountPath: '/etc/redis' }],
          },
        ],
        volumes: [{ name: 'config', configMap: { name: 'redis-config' } }],
      },
    });
    await world.advance(10_000);
    let pod = world.api.get(pods, 'team-a', 'needs-config');
    expect(statusOf(pod).phase).toBe('Pending');
    expect(statusOf(pod).podIP).toBeUndefined();
    expect(conditionOf(pod, 'PodReadyToStartContainers')?.status).toBe('False');
    expect(world.eventsFor(pod).find((event) => event['reason'] === 'FailedMount')).toMatchObject({
      type: 'Warning',
      note: 'MountVolume.SetUp failed for volume "config" : configmap "redis-config" not found',
    });
    world.api.create(world.type('', 'configmaps'), 'team-a', {
      metadata: { name: 'redis-config' },
      data: { 'redis.conf': 'port 6379' },
    });
    await world.advance(6_000);
    pod = world.api.get(pods, 'team-a', 'needs-config');
    expect(statusOf(pod).phase).toBe('Running');
    expect(logsOf(world, pod, 'app')).toContain('Ready to accept connections tcp');
  });
});

function logsOf(current: ManualWorld, pod: KubeObject, container?: string): string {
  return current.logs(
    current.api.get(current.type('', 'pods'), pod.metadata?.namespace, pod.metadata?.name ?? ''),
    container,
  );
}
