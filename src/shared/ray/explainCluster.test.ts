import { describe, expect, it } from 'vitest';

import type { Fixture, FixtureScenario } from '../../../test/fixtures/loadFixture.ts';
import { fixtureScenarios, loadFixture } from '../../../test/fixtures/loadFixture.ts';
import type { CoreV1EventResource, KubeEventResource, PodResource } from '../k8s/kubeTypes.ts';
import type { ExplainClusterInput, GroupExplanation } from './explainCluster.ts';
import { explainCluster } from './explainCluster.ts';
import { normalizeEvent } from './normalizeEvent.ts';
import type { RayClusterResource } from './rayTypes.ts';

type Row = Pick<
  GroupExplanation,
  'group' | 'state' | 'desired' | 'ready' | 'pending' | 'failing' | 'notCreated' | 'summary'
> & { sources: string[] };

const expected: Record<FixtureScenario, Row[]> = {
  'raycluster-crash-loop': [
    {
      group: 'headgroup',
      state: 'failing',
      desired: 1,
      ready: 0,
      pending: 0,
      failing: 1,
      notCreated: 0,
      summary:
        'Head pod failing: container ray-head keeps crashing (5 restarts, last exit code 1).',
      sources: ['crash'],
    },
    {
      group: 'cpu',
      state: 'waiting',
      desired: 1,
      ready: 0,
      pending: 1,
      failing: 0,
      notCreated: 0,
      summary: "0 of 1 worker ready (1 starting): waiting for the head's GCS.",
      sources: [],
    },
  ],
  'raycluster-degraded': [
    {
      group: 'headgroup',
      state: 'ok',
      desired: 1,
      ready: 1,
      pending: 0,
      failing: 0,
      notCreated: 0,
      summary: 'Head pod ready.',
      sources: [],
    },
    {
      group: 'cpu',
      state: 'failing',
      desired: 2,
      ready: 1,
      pending: 0,
      failing: 1,
      notCreated: 0,
      summary:
        '1 of 2 workers ready (1 failing): container ray-worker keeps crashing (3 restarts, last exit OOMKilled, code 137).',
      sources: ['crash'],
    },
  ],
  'raycluster-deleting': [
    {
      group: 'headgroup',
      state: 'waiting',
      desired: 1,
      ready: 0,
      pending: 0,
      failing: 0,
      notCreated: 1,
      summary: 'Cluster is being deleted; 1 pod still terminating.',
      sources: [],
    },
    {
      group: 'cpu',
      state: 'waiting',
      desired: 1,
      ready: 0,
      pending: 0,
      failing: 0,
      notCreated: 1,
      summary: 'Cluster is being deleted; 1 pod still terminating.',
      sources: [],
    },
  ],
  'raycluster-image-pull-backoff': [
    {
      group: 'headgroup',
      state: 'failing',
      desired: 1,
      ready: 0,
      pending: 0,
      failing: 1,
      notCreated: 0,
      summary:
        'Head pod failing: image rayproject/ray:2.99.0 cannot be pulled (ImagePullBackOff: not found).',
      sources: ['image'],
    },
    {
      group: 'cpu',
      state: 'failing',
      desired: 1,
      ready: 0,
      pending: 0,
      failing: 1,
      notCreated: 0,
      summary:
        '0 of 1 worker ready (1 failing): image rayproject/ray:2.99.0 cannot be pulled (ErrImagePull: not found).',
      sources: ['image'],
    },
  ],
  'raycluster-invalid-spec': [
    {
      group: 'headgroup',
      state: 'failing',
      desired: 1,
      ready: 0,
      pending: 0,
      failing: 0,
      notCreated: 1,
      summary:
        'Head pod not created: the operator rejected the spec: worker group cpu has minReplicas 3 greater than maxReplicas 1.',
      sources: ['spec'],
    },
    {
      group: 'cpu',
      state: 'failing',
      desired: 1,
      ready: 0,
      pending: 0,
      failing: 0,
      notCreated: 1,
      summary:
        '0 of 1 worker ready (1 not created): the operator rejected the spec: worker group cpu has minReplicas 3 greater than maxReplicas 1.',
      sources: ['spec'],
    },
  ],
  'raycluster-pending-gpu': [
    {
      group: 'headgroup',
      state: 'ok',
      desired: 1,
      ready: 1,
      pending: 0,
      failing: 0,
      notCreated: 0,
      summary: 'Head pod ready.',
      sources: [],
    },
    {
      group: 'a100',
      state: 'blocked',
      desired: 3,
      ready: 0,
      pending: 2,
      failing: 0,
      notCreated: 1,
      summary:
        "0 of 3 workers ready (2 pending, 1 not created): no node has a free NVIDIA A100 (4 in use by team-a/train-big); team-b's quota allows 2 GPUs, 2 used.",
      sources: ['scheduler', 'quota'],
    },
  ],
  'raycluster-provisioning': [
    {
      group: 'headgroup',
      state: 'waiting',
      desired: 1,
      ready: 0,
      pending: 1,
      failing: 0,
      notCreated: 0,
      summary: 'Head pod starting: waiting for the readiness probe.',
      sources: [],
    },
    {
      group: 'cpu',
      state: 'waiting',
      desired: 2,
      ready: 0,
      pending: 2,
      failing: 0,
      notCreated: 0,
      summary: "0 of 2 workers ready (2 starting): waiting for the head's GCS.",
      sources: [],
    },
  ],
  'raycluster-quota-rejected': [
    {
      group: 'headgroup',
      state: 'ok',
      desired: 1,
      ready: 1,
      pending: 0,
      failing: 0,
      notCreated: 0,
      summary: 'Head pod ready.',
      sources: [],
    },
    {
      group: 'rtx',
      state: 'blocked',
      desired: 3,
      ready: 2,
      pending: 0,
      failing: 0,
      notCreated: 1,
      summary: "2 of 3 workers ready (1 not created): team-b's quota allows 2 GPUs, 2 used.",
      sources: ['quota'],
    },
  ],
  'raycluster-ready': [
    {
      group: 'headgroup',
      state: 'ok',
      desired: 1,
      ready: 1,
      pending: 0,
      failing: 0,
      notCreated: 0,
      summary: 'Head pod ready.',
      sources: [],
    },
    {
      group: 'rtx',
      state: 'ok',
      desired: 1,
      ready: 1,
      pending: 0,
      failing: 0,
      notCreated: 0,
      summary: '1 of 1 worker ready.',
      sources: [],
    },
  ],
  'raycluster-resumed': [
    {
      group: 'headgroup',
      state: 'ok',
      desired: 1,
      ready: 1,
      pending: 0,
      failing: 0,
      notCreated: 0,
      summary: 'Head pod ready.',
      sources: [],
    },
    {
      group: 'rtx',
      state: 'ok',
      desired: 1,
      ready: 1,
      pending: 0,
      failing: 0,
      notCreated: 0,
      summary: '1 of 1 worker ready.',
      sources: [],
    },
  ],
  'raycluster-scaling-quota-blocked': [
    {
      group: 'headgroup',
      state: 'ok',
      desired: 1,
      ready: 1,
      pending: 0,
      failing: 0,
      notCreated: 0,
      summary: 'Head pod ready.',
      sources: [],
    },
    {
      group: 'rtx',
      state: 'blocked',
      desired: 3,
      ready: 2,
      pending: 0,
      failing: 0,
      notCreated: 1,
      summary: "2 of 3 workers ready (1 not created): team-b's quota allows 2 GPUs, 2 used.",
      sources: ['quota'],
    },
  ],
  'raycluster-scaling-up': [
    {
      group: 'headgroup',
      state: 'ok',
      desired: 1,
      ready: 1,
      pending: 0,
      failing: 0,
      notCreated: 0,
      summary: 'Head pod ready.',
      sources: [],
    },
    {
      group: 'rtx',
      state: 'waiting',
      desired: 2,
      ready: 1,
      pending: 1,
      failing: 0,
      notCreated: 0,
      summary: "1 of 2 workers ready (1 starting): waiting for the head's GCS.",
      sources: [],
    },
  ],
  'raycluster-suspended': [
    {
      group: 'headgroup',
      state: 'ok',
      desired: 0,
      ready: 0,
      pending: 0,
      failing: 0,
      notCreated: 0,
      summary: 'Head pod stopped: the cluster is suspended.',
      sources: [],
    },
    {
      group: 'rtx',
      state: 'ok',
      desired: 0,
      ready: 0,
      pending: 0,
      failing: 0,
      notCreated: 0,
      summary: 'No workers: the cluster is suspended.',
      sources: [],
    },
  ],
  'raycluster-suspending': [
    {
      group: 'headgroup',
      state: 'waiting',
      desired: 0,
      ready: 0,
      pending: 0,
      failing: 0,
      notCreated: 0,
      summary: 'Head pod stopping: the cluster is being suspended.',
      sources: [],
    },
    {
      group: 'cpu',
      state: 'waiting',
      desired: 0,
      ready: 0,
      pending: 0,
      failing: 0,
      notCreated: 0,
      summary: 'No workers: the cluster is being suspended; 2 pods still terminating.',
      sources: [],
    },
  ],
};

function inputOf(fixture: Fixture): ExplainClusterInput {
  return {
    cluster: fixture.cluster,
    pods: fixture.pods,
    events: fixture.events,
    quotas: fixture.quotas,
    nodes: fixture.nodes,
    ...(fixture.allPods ? { allPods: fixture.allPods } : {}),
  };
}

function rows(result: readonly GroupExplanation[]): Row[] {
  return result.map(({ causes, kind: _kind, ...row }) => ({
    ...row,
    sources: causes.map((cause) => cause.source),
  }));
}

function workerOf(result: readonly GroupExplanation[]): GroupExplanation {
  const worker = result.find((group) => group.kind === 'worker');
  if (!worker) throw new Error('no worker group');
  return worker;
}

describe('explainCluster on every fixture', () => {
  it.each(fixtureScenarios)('%s', (scenario) => {
    const result = explainCluster(inputOf(loadFixture(scenario)));
    expect(rows(result)).toEqual(expected[scenario]);
    expect(result.map((group) => group.kind)).toEqual(['head', 'worker']);
  });
});

describe('explainCluster causes', () => {
  it('keeps the Kubernetes text of each cause as detail', () => {
    const causes = workerOf(explainCluster(inputOf(loadFixture('raycluster-pending-gpu')))).causes;
    expect(causes).toEqual([
      {
        source: 'scheduler',
        message: 'no node has a free NVIDIA A100 (4 in use by team-a/train-big)',
        detail: expect.stringMatching(/^0\/4 nodes are available: 1 Insufficient nvidia.com\/gpu/),
      },
      {
        source: 'quota',
        message: "team-b's quota allows 2 GPUs, 2 used",
        detail: expect.stringMatching(/is forbidden: exceeded quota: team-b-quota, /),
      },
    ]);
  });

  it('names the owner of the GPUs when known', () => {
    const input = {
      ...inputOf(loadFixture('raycluster-pending-gpu')),
      clusterOwners: { 'team-a/train-big': 'alice' },
    };
    expect(workerOf(explainCluster(input)).causes[0]?.message).toBe(
      'no node has a free NVIDIA A100 (4 in use by team-a/train-big (alice))',
    );
  });

  it('reads the same from either event API shape', () => {
    const fixture = loadFixture('raycluster-pending-gpu');
    const asCore = fixture.events.map((event): CoreV1EventResource => {
      const normalized = normalizeEvent(event);
      return {
        apiVersion: 'v1',
        metadata: event.metadata,
        involvedObject: normalized.regarding,
        reason: normalized.reason,
        message: normalized.message,
        type: normalized.type,
        count: normalized.count,
        firstTimestamp: normalized.firstTime ?? null,
        lastTimestamp: normalized.lastTime ?? null,
      };
    });
    expect(explainCluster({ ...inputOf(fixture), events: asCore })).toEqual(
      explainCluster(inputOf(fixture)),
    );
  });

  it('reads a quota rejection from events alone (status conditions gate off)', () => {
    const fixture = loadFixture('raycluster-quota-rejected');
    const cluster: RayClusterResource = {
      ...fixture.cluster,
      status: { ...fixture.cluster.status, conditions: [] },
    };
    expect(workerOf(explainCluster({ ...inputOf(fixture), cluster })).summary).toBe(
      "2 of 3 workers ready (1 not created): team-b's quota allows 2 GPUs, 2 used.",
    );
  });

  it('reads a quota rejection from the ReplicaFailure condition alone (events expired)', () => {
    const fixture = loadFixture('raycluster-quota-rejected');
    expect(workerOf(explainCluster({ ...inputOf(fixture), events: [] })).summary).toBe(
      "2 of 3 workers ready (1 not created): team-b's quota allows 2 GPUs, 2 used.",
    );
  });

  it('uses current quota usage when the quota is known, the message otherwise', () => {
    const fixture = loadFixture('raycluster-quota-rejected');
    const quotas = fixture.quotas.map((quota) => ({
      ...quota,
      status: {
        ...quota.status,
        hard: { 'requests.nvidia.com/gpu': '3' },
        used: { 'requests.nvidia.com/gpu': '2' },
      },
    }));
    expect(workerOf(explainCluster({ ...inputOf(fixture), quotas })).causes[0]?.message).toBe(
      "team-b's quota allows 3 GPUs, 2 used, a pod needs 1",
    );
    expect(workerOf(explainCluster({ ...inputOf(fixture), quotas: [] })).causes[0]?.message).toBe(
      "team-b's quota allows 2 GPUs, 2 used",
    );
  });

  it('ignores create failures once every wanted pod exists', () => {
    const fixture = loadFixture('raycluster-quota-rejected');
    const cluster = structuredClone(fixture.cluster);
    const group = cluster.spec.workerGroupSpecs?.[0];
    if (group) group.replicas = 2;
    expect(workerOf(explainCluster({ ...inputOf(fixture), cluster }))).toMatchObject({
      state: 'ok',
      summary: '2 of 2 workers ready.',
      causes: [],
    });
  });

  it('ignores a spec event once the operator has reconciled the current generation', () => {
    const fixture = loadFixture('raycluster-invalid-spec');
    const cluster: RayClusterResource = {
      ...fixture.cluster,
      status: { observedGeneration: fixture.cluster.metadata.generation ?? 1 },
    };
    const result = explainCluster({ ...inputOf(fixture), cluster });
    expect(result.map((group) => [group.state, group.summary])).toEqual([
      ['waiting', 'Head pod not created yet.'],
      ['waiting', '0 of 1 worker ready (1 not created): not created yet.'],
    ]);
  });

  it('does not mistake a spec warning the operator reconciles through for a rejection', () => {
    const fixture = loadFixture('raycluster-invalid-spec');
    const events = fixture.events.map((event) => ({
      ...event,
      note: 'RayCluster spec warning team-a/bad-spec: restartPolicy for worker groups [cpu] should be Never or unset when using autoscaler V1',
    }));
    const result = explainCluster({ ...inputOf(fixture), events });
    expect(result.map((group) => group.causes)).toEqual([[], []]);
  });

  it('reports a non-quota create error as the operator’s', () => {
    const fixture = loadFixture('raycluster-quota-rejected');
    const error =
      'pods "vision-dev-rtx-worker-zz9kq" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "ray-worker" must set securityContext.allowPrivilegeEscalation=false)';
    const events: KubeEventResource[] = [
      {
        apiVersion: 'events.k8s.io/v1',
        metadata: { name: 'e', namespace: 'team-b' },
        regarding: { kind: 'RayCluster', name: 'vision-dev', namespace: 'team-b' },
        reason: 'FailedToCreateWorkerPod',
        type: 'Warning',
        note: `Failed to create worker Pod for the cluster team-b/vision-dev, ${error}`,
      },
    ];
    const cluster: RayClusterResource = { ...fixture.cluster, status: {} };
    expect(workerOf(explainCluster({ ...inputOf(fixture), cluster, events }))).toMatchObject({
      state: 'blocked',
      causes: [
        {
          source: 'operator',
          message: `the operator cannot create worker pods: ${error}`,
          detail: error,
        },
      ],
    });
  });

  it("reports a quota rejection of the head pod as the head's", () => {
    const fixture = loadFixture('raycluster-quota-rejected');
    const error =
      'pods "vision-dev-head-" is forbidden: exceeded quota: team-b-compute, requested: requests.memory=8Gi, used: requests.memory=60Gi, limited: requests.memory=64Gi';
    const cluster: RayClusterResource = {
      ...fixture.cluster,
      status: {
        conditions: [
          {
            type: 'ReplicaFailure',
            status: 'True',
            reason: 'FailedCreateHeadPod',
            message: `FailedCreateHeadPod\n${error}`,
          },
        ],
      },
    };
    const pods = fixture.pods.filter((pod) => pod.metadata.labels?.['ray.io/node-type'] !== 'head');
    const [head] = explainCluster({ ...inputOf(fixture), cluster, pods, events: [], quotas: [] });
    expect(head).toMatchObject({
      state: 'blocked',
      notCreated: 1,
      summary:
        "Head pod not created: team-b's quota allows 64Gi of memory, 60Gi used, a pod needs 8Gi.",
    });
  });

  it('explains a "must specify" quota rejection', () => {
    const fixture = loadFixture('raycluster-quota-rejected');
    const cluster: RayClusterResource = {
      ...fixture.cluster,
      status: {
        conditions: [
          {
            type: 'ReplicaFailure',
            status: 'True',
            reason: 'FailedCreateWorkerPod',
            message:
              'FailedCreateWorkerPod\npods "vision-dev-rtx-worker-b2kq9" is forbidden: failed quota: team-b-compute: must specify limits.cpu for: ray-worker; limits.memory for: ray-worker',
          },
        ],
      },
    };
    expect(workerOf(explainCluster({ ...inputOf(fixture), cluster, events: [] })).causes).toEqual([
      expect.objectContaining({
        source: 'quota',
        message:
          "team-b's quota team-b-compute requires every pod to set limits.cpu, limits.memory (missing in ray-worker)",
      }),
    ]);
  });
});

describe('explainCluster scheduler phrases', () => {
  const fixture = loadFixture('raycluster-pending-gpu');

  function withSchedulingMessage(
    message: string,
    change?: (pod: PodResource) => PodResource,
  ): GroupExplanation {
    const pods = fixture.pods.map((pod) => {
      if (pod.metadata.labels?.['ray.io/node-type'] !== 'worker') return pod;
      const changed: PodResource = {
        ...pod,
        status: {
          ...pod.status,
          conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message }],
        },
      };
      return change ? change(changed) : changed;
    });
    const cluster: RayClusterResource = { ...fixture.cluster, status: {} };
    return workerOf(explainCluster({ ...inputOf(fixture), cluster, pods, events: [] }));
  }

  it('names the tainted node the pods do not tolerate', () => {
    const worker = withSchedulingMessage(
      '0/4 nodes are available: 1 node(s) had untolerated taint {nvidia.com/gpu: present}, 3 Insufficient nvidia.com/gpu. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.',
    );
    expect(worker.causes.map((cause) => cause.message)).toEqual([
      'gpu-a100-1 has a taint nvidia.com/gpu=present the pods do not tolerate',
      'no node has a free NVIDIA A100 (4 in use by team-a/train-big)',
    ]);
  });

  it('says when a GPU is free in total but no node has enough at once', () => {
    const inventoryPods = (fixture.allPods ?? []).map((pod) =>
      pod.metadata.labels?.['ray.io/cluster'] === 'train-big' && pod.spec.nodeName === 'gpu-a100-1'
        ? {
            ...pod,
            spec: {
              ...pod.spec,
              containers: pod.spec.containers.map((c) => ({
                ...c,
                resources: { limits: { 'nvidia.com/gpu': '3' } },
              })),
            },
          }
        : pod,
    );
    const pods = fixture.pods.map((pod) =>
      pod.metadata.labels?.['ray.io/node-type'] === 'worker'
        ? {
            ...pod,
            spec: {
              ...pod.spec,
              containers: pod.spec.containers.map((c) => ({
                ...c,
                resources: { limits: { 'nvidia.com/gpu': '2' } },
              })),
            },
          }
        : pod,
    );
    const cluster = structuredClone(fixture.cluster);
    const template = cluster.spec.workerGroupSpecs?.[0]?.template.spec.containers[0];
    if (template) template.resources = { limits: { 'nvidia.com/gpu': '2' } };
    const worker = workerOf(
      explainCluster({
        ...inputOf(fixture),
        cluster: { ...cluster, status: {} },
        pods,
        events: [],
        allPods: inventoryPods,
      }),
    );
    expect(worker.causes[0]?.message).toBe(
      'no NVIDIA A100 node has 2 free at once (1 free in total; 3 in use by team-a/train-big)',
    );
  });

  it('explains CPU, memory, cordoned nodes and an impossible selector', () => {
    const worker = withSchedulingMessage(
      "0/4 nodes are available: 1 node(s) were unschedulable, 1 Insufficient cpu, 1 Insufficient memory, 4 node(s) didn't match Pod's node affinity/selector.",
    );
    expect(worker.causes.map((cause) => cause.message)).toEqual([
      '1 node is cordoned',
      'not enough free CPU on 1 node',
      'not enough free memory on 1 node',
      "no node matches the pods' node selector (nvidia.com/gpu.product=NVIDIA-A100-SXM4-80GB)",
    ]);
  });

  it('falls back to the FailedScheduling event when the pod has no scheduler message yet', () => {
    const pods = fixture.pods.map((pod) =>
      pod.metadata.labels?.['ray.io/node-type'] === 'worker'
        ? { ...pod, status: { phase: 'Pending' } }
        : pod,
    );
    const cluster: RayClusterResource = { ...fixture.cluster, status: {} };
    const worker = workerOf(explainCluster({ ...inputOf(fixture), cluster, pods }));
    expect(worker.state).toBe('blocked');
    expect(worker.causes.map((cause) => cause.source)).toEqual(['scheduler', 'quota']);
  });

  it('says when no node offers the wanted product', () => {
    const cluster = structuredClone(fixture.cluster);
    const template = cluster.spec.workerGroupSpecs?.[0]?.template.spec;
    if (template) template.nodeSelector = { 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' };
    const message = "0/4 nodes are available: 4 node(s) didn't match Pod's node affinity/selector.";
    const pods = fixture.pods.map((pod) =>
      pod.metadata.labels?.['ray.io/node-type'] === 'worker'
        ? {
            ...pod,
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
    const worker = workerOf(
      explainCluster({
        ...inputOf(fixture),
        cluster: { ...cluster, status: {} },
        pods,
        events: [],
      }),
    );
    expect(worker.causes.map((cause) => cause.message)).toEqual([
      'no node offers NVIDIA H100 GPUs',
    ]);
  });
});
