import { describe, expect, it } from 'vitest';

import type { FixtureScenario } from '../../../test/fixtures/loadFixture.ts';
import { loadFixture } from '../../../test/fixtures/loadFixture.ts';
import type { PodResource } from '../k8s/kubeTypes.ts';
import { podState } from './podState.ts';

function podOf(scenario: FixtureScenario, nodeType: string, index = 0): PodResource {
  const pod = loadFixture(scenario).pods.filter(
    (candidate) => candidate.metadata.labels?.['ray.io/node-type'] === nodeType,
  )[index];
  if (!pod) throw new Error(`no ${nodeType} pod ${index} in ${scenario}`);
  return pod;
}

describe('podState', () => {
  it.each([
    [
      'raycluster-ready',
      'head',
      0,
      { phase: 'Running', ready: true, progress: 'waiting for the readiness probe' },
    ],
    [
      'raycluster-provisioning',
      'head',
      0,
      { ready: false, progress: 'waiting for the readiness probe' },
    ],
    [
      'raycluster-provisioning',
      'worker',
      0,
      { phase: 'Pending', progress: "waiting for the head's GCS" },
    ],
    [
      'raycluster-provisioning',
      'worker',
      1,
      { phase: 'Pending', progress: 'starting init containers' },
    ],
    [
      'raycluster-pending-gpu',
      'worker',
      0,
      { nodeName: undefined, progress: 'waiting to be scheduled' },
    ],
    [
      'raycluster-suspending',
      'head',
      0,
      { ready: true, terminating: true, progress: 'terminating' },
    ],
  ] as const)('%s %s pod %i', (scenario, nodeType, index, expected) => {
    const state = podState(podOf(scenario, nodeType, index));
    expect(state).toMatchObject(expected);
    expect(state.failure).toBeUndefined();
  });

  it('reads the scheduler message of an unschedulable pod', () => {
    expect(podState(podOf('raycluster-pending-gpu', 'worker')).unschedulableMessage).toMatch(
      /^0\/4 nodes are available: 1 Insufficient nvidia.com\/gpu/,
    );
    expect(podState(podOf('raycluster-ready', 'worker')).unschedulableMessage).toBeUndefined();
  });

  it('reads an image pull back-off with the image as the spec names it', () => {
    expect(podState(podOf('raycluster-image-pull-backoff', 'head')).failure).toMatchObject({
      kind: 'image',
      container: 'ray-head',
      init: false,
      reason: 'ImagePullBackOff',
      image: 'rayproject/ray:2.99.0',
      message: expect.stringContaining('not found'),
    });
  });

  it("reads a failing init container (KubeRay's wait-gcs-ready pulls the Ray image too)", () => {
    expect(podState(podOf('raycluster-image-pull-backoff', 'worker')).failure).toMatchObject({
      kind: 'image',
      container: 'wait-gcs-ready',
      init: true,
      reason: 'ErrImagePull',
      image: 'rayproject/ray:2.99.0',
    });
  });

  it('reads a crash loop with restarts and the last exit', () => {
    expect(podState(podOf('raycluster-crash-loop', 'head')).failure).toMatchObject({
      kind: 'crash',
      container: 'ray-head',
      reason: 'CrashLoopBackOff',
      restartCount: 5,
      lastExitCode: 1,
      lastReason: 'Error',
    });
    expect(podState(podOf('raycluster-degraded', 'worker', 1)).failure).toMatchObject({
      kind: 'crash',
      restartCount: 3,
      lastExitCode: 137,
      lastReason: 'OOMKilled',
    });
  });

  it('reads container config errors and failed pods', () => {
    const base = podOf('raycluster-ready', 'worker');
    const configError: PodResource = {
      ...base,
      status: {
        phase: 'Pending',
        containerStatuses: [
          {
            name: 'ray-worker',
            ready: false,
            restartCount: 0,
            state: {
              waiting: {
                reason: 'CreateContainerConfigError',
                message: 'secret "hf-token" not found',
              },
            },
          },
        ],
      },
    };
    expect(podState(configError).failure).toMatchObject({
      kind: 'config',
      message: 'secret "hf-token" not found',
    });
    const evicted: PodResource = {
      ...base,
      status: {
        phase: 'Failed',
        reason: 'Evicted',
        message: 'The node was low on resource: memory.',
      },
    };
    expect(podState(evicted).failure).toMatchObject({
      kind: 'failed',
      container: undefined,
      reason: 'Evicted',
      message: 'The node was low on resource: memory.',
    });
  });

  it('treats a pod without status as pending and unscheduled', () => {
    expect(podState({ metadata: { name: 'new' }, spec: { containers: [{ name: 'c' }] } })).toEqual({
      name: 'new',
      phase: 'Pending',
      ready: false,
      terminating: false,
      nodeName: undefined,
      unschedulableMessage: undefined,
      failure: undefined,
      progress: 'waiting to be scheduled',
    });
  });
});
