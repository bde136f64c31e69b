import { describe, expect, it } from 'vitest';

import type { FixtureScenario } from '../../../test/fixtures/loadFixture.ts';
import { fixtureScenarios, loadFixture } from '../../../test/fixtures/loadFixture.ts';
import type { PodResource } from '../k8s/kubeTypes.ts';
import type { ClusterPhaseResult } from './deriveClusterPhase.ts';
import { deriveClusterPhase } from './deriveClusterPhase.ts';
import type { RayClusterResource } from './rayTypes.ts';

const withPods: Record<FixtureScenario, ClusterPhaseResult> = {
  'raycluster-crash-loop': {
    phase: 'Failed',
    reason:
      'Head pod crashy-head-7vcmq container ray-head is crash-looping (5 restarts, last exit code 1).',
  },
  'raycluster-degraded': {
    phase: 'Degraded',
    reason:
      'Was ready, now 1 of 2 workers ready; serve-prod-cpu-worker-95vd6 container ray-worker is crash-looping (3 restarts, last exit code 137).',
  },
  'raycluster-deleting': {
    phase: 'Deleting',
    reason:
      'Deletion requested; 3 pods left, finalizer ray.io/gcs-ft-redis-cleanup-finalizer pending.',
  },
  'raycluster-image-pull-backoff': {
    phase: 'Failed',
    reason:
      'Head pod bad-image-head-m9t9d cannot pull image rayproject/ray:2.99.0 (ImagePullBackOff).',
  },
  'raycluster-invalid-spec': { phase: 'Pending', reason: '2 pods not created yet.' },
  'raycluster-pending-gpu': {
    phase: 'Pending',
    reason:
      "2 pods cannot be scheduled (0/4 nodes are available: 1 Insufficient nvidia.com/gpu, 3 node(s) didn't match Pod's node affinity/selector); 1 pod cannot be created (exceeded quota team-b-quota).",
  },
  'raycluster-provisioning': {
    phase: 'Provisioning',
    reason: 'Pods starting: head pod waiting for the readiness probe.',
  },
  'raycluster-quota-rejected': {
    phase: 'Pending',
    reason: '1 pod cannot be created (exceeded quota team-b-quota).',
  },
  'raycluster-ready': { phase: 'Ready', reason: 'Head pod and 1 worker ready.' },
  'raycluster-resumed': { phase: 'Ready', reason: 'Head pod and 1 worker ready.' },
  'raycluster-scaling-quota-blocked': {
    phase: 'Scaling',
    reason: 'Scaling: 2 of 3 workers ready; 1 pod cannot be created (exceeded quota team-b-quota).',
  },
  'raycluster-scaling-up': {
    phase: 'Scaling',
    reason: "Scaling: 1 of 2 workers ready; 1 pod starting (waiting for the head's GCS).",
  },
  'raycluster-suspended': { phase: 'Suspended', reason: 'Suspended: all Ray pods are deleted.' },
  'raycluster-suspending': {
    phase: 'Suspending',
    reason: 'Suspend requested; 3 pods still to delete.',
  },
};

/** Without pods (a list view): conditions and status counts only. */
const withoutPods: Record<FixtureScenario, ClusterPhaseResult> = {
  'raycluster-crash-loop': { phase: 'Failed', reason: 'Head pod: CrashLoopBackOff.' },
  'raycluster-degraded': { phase: 'Degraded', reason: '1 of 2 workers ready.' },
  'raycluster-deleting': {
    phase: 'Deleting',
    reason: 'Deletion requested; finalizer ray.io/gcs-ft-redis-cleanup-finalizer pending.',
  },
  'raycluster-image-pull-backoff': { phase: 'Failed', reason: 'Head pod: ImagePullBackOff.' },
  'raycluster-invalid-spec': {
    phase: 'Pending',
    reason: 'Waiting for the operator to create the pods.',
  },
  'raycluster-pending-gpu': {
    phase: 'Pending',
    reason: 'Pods cannot be created: exceeded quota team-b-quota.',
  },
  'raycluster-provisioning': {
    phase: 'Provisioning',
    reason: 'Pods starting: 0 of 2 workers ready.',
  },
  'raycluster-quota-rejected': {
    phase: 'Pending',
    reason: 'Pods cannot be created: exceeded quota team-b-quota.',
  },
  'raycluster-ready': { phase: 'Ready', reason: 'Head pod and 1 worker ready.' },
  'raycluster-resumed': { phase: 'Ready', reason: 'Head pod and 1 worker ready.' },
  'raycluster-scaling-quota-blocked': {
    phase: 'Scaling',
    reason: 'Scaling: 2 of 3 workers ready; pods cannot be created (exceeded quota team-b-quota).',
  },
  'raycluster-scaling-up': { phase: 'Scaling', reason: 'Scaling: 1 of 2 workers ready.' },
  'raycluster-suspended': { phase: 'Suspended', reason: 'Suspended: all Ray pods are deleted.' },
  'raycluster-suspending': { phase: 'Suspending', reason: 'Suspend requested; deleting Ray pods.' },
};

describe('deriveClusterPhase on every fixture', () => {
  it.each(fixtureScenarios)('%s, with pods', (scenario) => {
    const { cluster, pods } = loadFixture(scenario);
    expect(deriveClusterPhase(cluster, pods)).toEqual(withPods[scenario]);
  });

  it.each(fixtureScenarios)('%s, from conditions only', (scenario) => {
    expect(deriveClusterPhase(loadFixture(scenario).cluster)).toEqual(withoutPods[scenario]);
  });

  it('ignores pods of other clusters', () => {
    const { cluster, allPods } = loadFixture('raycluster-pending-gpu');
    expect(deriveClusterPhase(cluster, allPods)).toEqual(withPods['raycluster-pending-gpu']);
  });
});

function patchCluster(
  scenario: FixtureScenario,
  change: (cluster: RayClusterResource) => RayClusterResource,
): { cluster: RayClusterResource; pods: PodResource[] } {
  const fixture = loadFixture(scenario);
  return { cluster: change(fixture.cluster), pods: fixture.pods };
}

describe('deriveClusterPhase branches', () => {
  it('never reads the sticky status.state', () => {
    const degraded = loadFixture('raycluster-degraded');
    expect(degraded.cluster.status?.state).toBe('ready');
    const ready = patchCluster('raycluster-ready', (cluster) => ({
      ...cluster,
      status: { ...cluster.status, state: 'failed' },
    }));
    expect(deriveClusterPhase(ready.cluster, ready.pods).phase).toBe('Ready');
  });

  it('is Pending while resuming (Suspended=True but spec.suspend false)', () => {
    const { cluster } = patchCluster('raycluster-suspended', (c) => ({
      ...c,
      spec: { ...c.spec, suspend: false },
    }));
    expect(deriveClusterPhase(cluster, [])).toEqual({
      phase: 'Pending',
      reason: 'Resume requested; waiting for the operator to recreate the pods.',
    });
  });

  it('is Suspended from spec.suspend and no pods when conditions are off', () => {
    const { cluster } = patchCluster('raycluster-suspended', (c) => ({ ...c, status: {} }));
    expect(deriveClusterPhase(cluster, []).phase).toBe('Suspended');
  });

  it('is Suspending as soon as spec.suspend is set', () => {
    const { cluster, pods } = patchCluster('raycluster-ready', (c) => ({
      ...c,
      spec: { ...c.spec, suspend: true },
    }));
    expect(deriveClusterPhase(cluster, pods)).toEqual({
      phase: 'Suspending',
      reason: 'Suspend requested; 2 pods still to delete.',
    });
  });

  it('is Failed when the head pod cannot be created (ReplicaFailure FailedCreateHeadPod)', () => {
    const { cluster } = patchCluster('raycluster-quota-rejected', (c) => ({
      ...c,
      status: {
        conditions: [
          {
            type: 'ReplicaFailure',
            status: 'True',
            reason: 'FailedCreateHeadPod',
            message:
              'FailedCreateHeadPod\npods "vision-dev-head-x2k4p" is forbidden: exceeded quota: team-b-quota, requested: requests.cpu=2, used: requests.cpu=15, limited: requests.cpu=16',
          },
        ],
      },
    }));
    const expected = {
      phase: 'Failed',
      reason: 'The head pod cannot be created: exceeded quota team-b-quota.',
    };
    expect(deriveClusterPhase(cluster, [])).toEqual(expected);
    expect(deriveClusterPhase(cluster)).toEqual(expected);
  });

  it('is Failed when the head pod has failed (restartPolicy Never)', () => {
    const { cluster, pods } = loadFixture('raycluster-ready');
    const failed = pods.map((pod) =>
      pod.metadata.labels?.['ray.io/node-type'] === 'head'
        ? { ...pod, status: { ...pod.status, phase: 'Failed', reason: 'Error' } }
        : pod,
    );
    expect(deriveClusterPhase(cluster, failed).phase).toBe('Failed');
    expect(deriveClusterPhase(cluster, failed).reason).toMatch(
      /^Head pod rtx-dev-head-\w+ has failed \(Error\)\.$/,
    );
  });

  it('is Ready with a head only', () => {
    const { cluster, pods } = patchCluster('raycluster-ready', (c) => ({
      ...c,
      spec: { ...c.spec, workerGroupSpecs: [] },
    }));
    expect(deriveClusterPhase(cluster, pods)).toEqual({
      phase: 'Ready',
      reason: 'Head pod ready; no workers wanted.',
    });
  });

  it('names a failing worker while provisioning', () => {
    const degraded = loadFixture('raycluster-degraded');
    const notProvisioned: RayClusterResource = {
      ...degraded.cluster,
      status: {
        ...degraded.cluster.status,
        conditions: degraded.cluster.status?.conditions?.filter(
          (condition) => condition.type !== 'RayClusterProvisioned',
        ),
      },
    };
    expect(deriveClusterPhase(notProvisioned, degraded.pods)).toEqual({
      phase: 'Provisioning',
      reason:
        'Pods starting; serve-prod-cpu-worker-95vd6 container ray-worker is crash-looping (3 restarts, last exit code 137).',
    });
  });

  it('is Degraded when a provisioned cluster lost its head pod', () => {
    const { cluster } = loadFixture('raycluster-degraded');
    expect(deriveClusterPhase(cluster, [])).toEqual({
      phase: 'Degraded',
      reason: 'Was ready, now no head pod.',
    });
  });

  it('counts ready and missing pods per group (surplus pods of another group do not count)', () => {
    const { cluster, pods } = loadFixture('raycluster-ready');
    const worker = pods.find((pod) => pod.metadata.labels?.['ray.io/node-type'] === 'worker');
    const group = cluster.spec.workerGroupSpecs?.[0];
    if (!worker || !group) throw new Error('fixture changed');
    const twoGroups: RayClusterResource = {
      ...cluster,
      status: undefined,
      spec: {
        ...cluster.spec,
        workerGroupSpecs: [
          { ...group, replicas: 0, minReplicas: 0 },
          { ...group, groupName: 'cpu', replicas: 1 },
        ],
      },
    };
    // The rtx worker is surplus (its group wants 0): it neither counts as ready nor hides
    // the missing cpu worker.
    expect(deriveClusterPhase(twoGroups, pods)).toEqual({
      phase: 'Pending',
      reason: '1 pod not created yet.',
    });
    expect(worker.metadata.labels?.['ray.io/group']).toBe('rtx');
  });

  it('is Pending before the operator created any pod', () => {
    const { cluster } = patchCluster('raycluster-ready', (c) => ({ ...c, status: undefined }));
    expect(deriveClusterPhase(cluster, [])).toEqual({
      phase: 'Pending',
      reason: '2 pods not created yet.',
    });
  });

  it('is Degraded, not Scaling, when a worker that ran is lost (phase Unknown)', () => {
    const { cluster, pods } = loadFixture('raycluster-scaling-up');
    const lost = pods.map((pod) =>
      pod.metadata.name === 'rtx-grow-rtx-worker-zhgdv'
        ? { ...pod, status: { ...pod.status, phase: 'Unknown', conditions: [] } }
        : pod,
    );
    expect(deriveClusterPhase(cluster, lost)).toEqual({
      phase: 'Degraded',
      reason:
        'Was ready, now 0 of 2 workers ready; rtx-grow-rtx-worker-zhgdv is lost (its node stopped answering).',
    });
  });

  it('is Degraded when the head of a scaling cluster stops being ready', () => {
    const { cluster, pods } = loadFixture('raycluster-scaling-up');
    const headDown = pods.map((pod): PodResource =>
      pod.metadata.labels?.['ray.io/node-type'] === 'head'
        ? {
            ...pod,
            status: {
              ...pod.status,
              conditions: (pod.status?.conditions ?? []).map((condition) =>
                condition.type === 'Ready' ? { ...condition, status: 'False' as const } : condition,
              ),
            },
          }
        : pod,
    );
    expect(deriveClusterPhase(cluster, headDown).phase).toBe('Degraded');
  });

  it('says Scaling with the scheduler headline when new workers do not fit', () => {
    const { cluster, pods } = loadFixture('raycluster-scaling-up');
    const message =
      "0/4 nodes are available: 1 Insufficient nvidia.com/gpu, 3 node(s) didn't match Pod's node affinity/selector.";
    const unschedulable = pods.map((pod): PodResource =>
      pod.metadata.name === 'rtx-grow-rtx-worker-k7p2q'
        ? {
            ...pod,
            spec: { ...pod.spec, nodeName: '' },
            status: {
              phase: 'Pending',
              conditions: [
                {
                  type: 'PodScheduled',
                  status: 'False' as const,
                  reason: 'Unschedulable',
                  message,
                },
              ],
            },
          }
        : pod,
    );
    expect(deriveClusterPhase(cluster, unschedulable)).toEqual({
      phase: 'Scaling',
      reason: `Scaling: 1 of 2 workers ready; 1 pod cannot be scheduled (${message.slice(0, -1)}).`,
    });
  });

  it('is Ready again once a scale-down leaves only terminating surplus workers', () => {
    const { cluster, pods } = loadFixture('raycluster-scaling-up');
    const group = cluster.spec.workerGroupSpecs?.[0];
    if (!group) throw new Error('fixture changed');
    const scaledDown: RayClusterResource = {
      ...cluster,
      spec: { ...cluster.spec, workerGroupSpecs: [{ ...group, replicas: 1 }] },
    };
    const leaving = pods.map((pod) =>
      pod.metadata.name === 'rtx-grow-rtx-worker-k7p2q'
        ? { ...pod, metadata: { ...pod.metadata, deletionTimestamp: '2026-11-27T10:01:00Z' } }
        : pod,
    );
    expect(deriveClusterPhase(scaledDown, leaving).phase).toBe('Ready');
  });

  it('is Queued when Kueue holds a labelled cluster suspended, Suspended when its owner did', () => {
    const { cluster } = patchCluster('raycluster-suspended', (c) => ({
      ...c,
      metadata: {
        ...c.metadata,
        labels: { ...c.metadata.labels, 'kueue.x-k8s.io/queue-name': 'team-a-gpus' },
      },
    }));
    expect(deriveClusterPhase(cluster, [])).toEqual({
      phase: 'Queued',
      reason: 'Queued in Kueue queue team-a-gpus; waiting for admission.',
    });
    expect(deriveClusterPhase(cluster).phase).toBe('Queued');
    const bySomeone: RayClusterResource = {
      ...cluster,
      metadata: {
        ...cluster.metadata,
        annotations: { ...cluster.metadata.annotations, 'raydeck.dev/suspended-by': 'alice' },
      },
    };
    expect(deriveClusterPhase(bySomeone, []).phase).toBe('Suspended');
    // Admitted (spec.suspend false): the label alone changes nothing.
    const admitted = { ...cluster, spec: { ...cluster.spec, suspend: false } };
    expect(deriveClusterPhase(admitted, []).phase).not.toBe('Queued');
  });
});
