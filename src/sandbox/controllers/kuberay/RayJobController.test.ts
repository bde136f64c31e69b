import { afterEach, describe, expect, it } from 'vitest';

import {
  type KubeRayTestWorld,
  startKubeRayTestWorld,
} from '../../../../test/support/startKubeRayTestWorld.ts';
import type { KubeObject } from '../../apiserver/resourceType.ts';
import type { Pod, RayCluster, RayClusterSpec } from './RayCluster.ts';
import type { RayJob, RayJobSpec } from './RayJob.ts';

const clusterSpec: RayClusterSpec = {
  rayVersion: '2.52.0',
  headGroupSpec: {
    rayStartParams: {},
    template: {
      spec: {
        containers: [
          {
            name: 'ray-head',
            image: 'rayproject/ray:2.52.0',
            resources: {
              limits: { cpu: '1', memory: '2Gi' },
              requests: { cpu: '1', memory: '2Gi' },
            },
          },
        ],
      },
    },
  },
  workerGroupSpecs: [
    {
      groupName: 'small-group',
      replicas: 1,
      minReplicas: 1,
      maxReplicas: 2,
      rayStartParams: {},
      template: {
        spec: {
          containers: [
            {
              name: 'ray-worker',
              image: 'rayproject/ray:2.52.0',
              resources: {
                limits: { cpu: '1', memory: '1Gi' },
                requests: { cpu: '1', memory: '1Gi' },
              },
            },
          ],
        },
      },
    },
  ],
};

function rayJob(name: string, spec: Partial<RayJobSpec>): RayJob {
  return {
    apiVersion: 'ray.io/v1',
    kind: 'RayJob',
    metadata: { name, namespace: 'default' },
    spec: { entrypoint: 'echo hello', rayClusterSpec: structuredClone(clusterSpec), ...spec },
  };
}

let world: KubeRayTestWorld;
afterEach(() => world.stop());

function jobOf(name: string): RayJob | undefined {
  return world.get<RayJob>('ray.io', 'rayjobs', 'default', name);
}

function statusOf(name: string): NonNullable<RayJob['status']> {
  return jobOf(name)?.status ?? {};
}

/** Plays the scheduler and kubelet: every pending Ray pod starts and becomes ready. */
function runRayPods(): void {
  for (const pod of world.list<Pod>('', 'pods', 'default')) {
    if (pod.metadata.labels?.['ray.io/cluster'] && pod.status?.phase === 'Pending')
      world.runPod(pod);
  }
}

/** Advances time, starting Ray pods as they appear, until `done()` or `limitMs` passed. */
async function runUntil(done: () => boolean, limitMs = 120_000): Promise<void> {
  for (let elapsed = 0; elapsed < limitMs && !done(); elapsed += 1000) {
    runRayPods();
    await world.advance(1000);
  }
}

describe('RayJob controller', () => {
  it('runs an HTTPMode job to Complete and deletes the cluster after the TTL', async () => {
    world = startKubeRayTestWorld();
    world.apply(
      rayJob('http-job', {
        submissionMode: 'HTTPMode',
        shutdownAfterJobFinishes: true,
        ttlSecondsAfterFinished: 10,
      }),
    );
    await world.settle();
    const initializing = statusOf('http-job');
    expect(initializing.jobDeploymentStatus).toBe('Initializing');
    expect(initializing.jobId).toMatch(/^http-job-[a-z0-9]{5}$/);
    expect(initializing.rayClusterName).toMatch(/^http-job-[a-z0-9]{5}$/);
    expect(initializing.startTime).toBeDefined();
    expect(jobOf('http-job')?.metadata.finalizers).toEqual(['ray.io/rayjob-finalizer']);
    const clusterName = initializing.rayClusterName ?? '';
    const cluster = world.get<RayCluster>('ray.io', 'rayclusters', 'default', clusterName);
    expect(cluster?.metadata.labels).toMatchObject({
      'ray.io/originated-from-cr-name': 'http-job',
      'ray.io/originated-from-crd': 'RayJob',
      'ray.io/job-submission-mode': 'HTTPMode',
    });
    expect(cluster?.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'RayJob',
      name: 'http-job',
    });

    await runUntil(() => statusOf('http-job').jobDeploymentStatus === 'Running');
    const running = statusOf('http-job');
    expect(running.dashboardURL).toBe(`${clusterName}-head-svc.default.svc.cluster.local:8265`);
    expect(world.get('', 'services', 'default', 'http-job-head-svc')).toBeDefined();

    await runUntil(() => statusOf('http-job').jobDeploymentStatus === 'Complete');
    const complete = statusOf('http-job');
    expect(complete).toMatchObject({ jobStatus: 'SUCCEEDED', succeeded: 1, failed: 0, reason: '' });
    expect(complete.endTime).toBeDefined();
    expect(complete.rayJobInfo?.startTime).toBeDefined();
    expect(complete.rayJobInfo?.endTime).toBeDefined();
    expect(complete.message).toBe('Job finished successfully.');

    await world.advance(5000);
    expect(world.get('ray.io', 'rayclusters', 'default', clusterName)).toBeDefined();
    await world.advance(10_000);
    expect(world.get('ray.io', 'rayclusters', 'default', clusterName)).toBeUndefined();
    expect(world.eventsFor('http-job').map((event) => event.reason)).toEqual(
      expect.arrayContaining(['CreatedRayCluster', 'CreatedService', 'DeletedRayCluster']),
    );
  });

  it('retries a failing job on a new cluster up to backoffLimit, then stays Failed', async () => {
    world = startKubeRayTestWorld();
    world.apply(
      rayJob('flaky', { submissionMode: 'HTTPMode', entrypoint: 'exit 3', backoffLimit: 1 }),
    );
    await world.settle();
    const firstCluster = statusOf('flaky').rayClusterName;
    const clusters = new Set<string>();
    await runUntil(() => {
      const name = statusOf('flaky').rayClusterName;
      if (name) clusters.add(name);
      return (statusOf('flaky').failed ?? 0) >= 2;
    }, 300_000);
    const failed = statusOf('flaky');
    expect(failed).toMatchObject({
      jobDeploymentStatus: 'Failed',
      jobStatus: 'FAILED',
      reason: 'AppFailed',
      failed: 2,
      succeeded: 0,
    });
    expect(clusters.size).toBe(2);
    expect(clusters.has(firstCluster ?? '')).toBe(true);
    expect(world.get('ray.io', 'rayclusters', 'default', firstCluster ?? '')).toBeUndefined();
  });

  it('fails with DeadlineExceeded when activeDeadlineSeconds passes, without retrying', async () => {
    world = startKubeRayTestWorld();
    world.apply(
      rayJob('slow', { submissionMode: 'HTTPMode', activeDeadlineSeconds: 5, backoffLimit: 2 }),
    );
    await world.settle();
    await world.advance(10_000);
    const status = statusOf('slow');
    expect(status).toMatchObject({
      jobDeploymentStatus: 'Failed',
      reason: 'DeadlineExceeded',
      failed: 1,
    });
    expect(status.message).toMatch(
      /^The RayJob has passed the activeDeadlineSeconds\. StartTime: .* ActiveDeadlineSeconds: 5$/,
    );
  });

  it('waits in InteractiveMode until spec.jobId is set', async () => {
    world = startKubeRayTestWorld();
    world.apply(rayJob('interactive', { submissionMode: 'InteractiveMode' }));
    await runUntil(() => statusOf('interactive').jobDeploymentStatus === 'Waiting');
    expect(statusOf('interactive').jobId ?? '').toBe('');
    const clusterName = statusOf('interactive').rayClusterName ?? '';
    const head = world.operator.runtime.heads.get(`default/${clusterName}`);
    head?.submitJob({ entrypoint: 'echo hi', submissionId: 'my-interactive-job' });
    const current = jobOf('interactive') as RayJob;
    world.api.update(
      world.api.registry.lookup('ray.io', 'v1', 'rayjobs') as NonNullable<
        ReturnType<typeof world.api.registry.lookup>
      >,
      'default',
      'interactive',
      {
        ...current,
        spec: { ...current.spec, jobId: 'my-interactive-job' },
      },
    );
    await runUntil(() => statusOf('interactive').jobDeploymentStatus === 'Complete');
    expect(statusOf('interactive')).toMatchObject({
      jobId: 'my-interactive-job',
      jobStatus: 'SUCCEEDED',
    });
  });

  it('marks a spec KubeRay rejects as ValidationFailed', async () => {
    world = startKubeRayTestWorld();
    world.apply(rayJob('bad-suspend', { suspend: true }));
    await world.settle();
    expect(statusOf('bad-suspend')).toMatchObject({
      jobDeploymentStatus: 'ValidationFailed',
      reason: 'ValidationFailed',
      message:
        'The RayJob spec is invalid: a RayJob with shutdownAfterJobFinishes set to false is not allowed to be suspended',
    });
    expect(world.eventsFor('bad-suspend')[0]).toMatchObject({
      type: 'Warning',
      reason: 'InvalidRayJobSpec',
    });
  });

  it('creates the submitter Job in K8sJobMode and completes when its pod finished', async () => {
    world = startKubeRayTestWorld();
    world.apply(rayJob('k8s-job', { entrypoint: 'python -c "print(42)"' }));
    await runUntil(() => statusOf('k8s-job').jobDeploymentStatus === 'Running');
    const job = world.get<
      KubeObject & {
        spec: {
          backoffLimit: number;
          template: { spec: { containers: { name: string; command: string[]; args: string[] }[] } };
        };
      }
    >('batch', 'jobs', 'default', 'k8s-job');
    expect(job?.spec.backoffLimit).toBe(2);
    const container = job?.spec.template.spec.containers[0];
    expect(container?.name).toBe('ray-job-submitter');
    expect(container?.command).toEqual(['/bin/bash', '-ce', '--']);
    const jobId = statusOf('k8s-job').jobId ?? '';
    expect(container?.args[0]).toContain(
      `ray job submit --address http://${statusOf('k8s-job').dashboardURL} --no-wait --submission-id ${jobId} -- python -c "print(42)" ;`,
    );

    // Play the Job controller and kubelet: a submitter pod that starts running.
    const pod = world.apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'k8s-job-abcde',
        namespace: 'default',
        labels: {
          ...(job?.spec.template as { metadata?: { labels?: Record<string, string> } }).metadata
            ?.labels,
        },
        ownerReferences: [
          {
            apiVersion: 'batch/v1',
            kind: 'Job',
            name: 'k8s-job',
            uid: job?.metadata?.uid ?? '',
            controller: true,
          },
        ],
      },
      spec: job?.spec.template.spec,
    }) as Pod;
    world.runPod(pod);
    await world.advance(2000);
    const head = world.operator.runtime.heads.get(`default/${statusOf('k8s-job').rayClusterName}`);
    expect(head?.getJob(jobId)).toBeDefined();
    await runUntil(
      () => world.get<Pod>('', 'pods', 'default', 'k8s-job-abcde')?.status?.phase === 'Succeeded',
    );
    const ended = world.get<Pod>('', 'pods', 'default', 'k8s-job-abcde');
    expect(ended?.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({
      exitCode: 0,
      reason: 'Completed',
    });
    expect(statusOf('k8s-job').jobStatus).toBe('SUCCEEDED');
    expect(statusOf('k8s-job').jobDeploymentStatus).toBe('Running');
  });

  it('stops the Ray job and removes its finalizer when the RayJob is deleted', async () => {
    world = startKubeRayTestWorld();
    world.apply(rayJob('doomed', { submissionMode: 'HTTPMode', entrypoint: 'sleep 600' }));
    await runUntil(() => statusOf('doomed').jobStatus === 'RUNNING');
    const { jobId, rayClusterName } = statusOf('doomed');
    const head = world.operator.runtime.heads.get(`default/${rayClusterName}`);
    world.api.delete(
      world.api.registry.lookup('ray.io', 'v1', 'rayjobs') as NonNullable<
        ReturnType<typeof world.api.registry.lookup>
      >,
      'default',
      'doomed',
    );
    await world.settle();
    expect(jobOf('doomed')).toBeUndefined();
    expect(head?.getJob(jobId ?? '')?.status).toBe('STOPPED');
  });
});
