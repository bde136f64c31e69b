import { describe, expect, it } from 'vitest';

import type { Template } from './templateSchemas.ts';
import {
  allowedExposureOf,
  type ClusterPolicyRequest,
  parseImage,
  validateClusterRequest,
  validateReplicaBounds,
} from './validateClusterRequest.ts';

/** Like the sandbox's `rtx4090-1`: one GPU per worker, at most 2 workers. */
const template: Template = {
  name: 'rtx4090-1',
  description: '1× RTX 4090 per worker',
  head: { cpu: 2, memory: '8Gi' },
  worker: { cpu: 8, memory: '32Gi', gpu: 1, gpuProduct: 'NVIDIA-GeForce-RTX-4090' },
  allowedRayVersions: ['2.52.0', '2.51.1'],
  allowedImages: ['registry.lab:5000/ray'],
  maxWorkers: 2,
  defaultWorkers: 1,
  defaultIdleTimeoutSeconds: 1800,
  namespace: 'raydeck',
  version: 3,
  retired: false,
  origin: 'raydeck',
};

const check = (request: ClusterPolicyRequest, against: Template = template) =>
  validateClusterRequest(request, against);

describe('validateClusterRequest', () => {
  it('accepts a request within the template, and one that leaves everything to it', () => {
    expect(
      check({
        rayVersion: '2.51.1',
        image: 'registry.lab:5000/ray:2.51.1-gpu',
        exposure: 'ClusterIP',
        workerGroups: [
          { name: 'a', replicas: 1, minReplicas: 0, maxReplicas: 1 },
          { name: 'b', replicas: 1, minReplicas: 1, maxReplicas: 1 },
        ],
      }),
    ).toEqual([]);
    expect(check({})).toEqual([]);
  });

  it('per group: replicas within min and max', () => {
    expect(check({ workerGroups: [{ name: 'w', replicas: 0, minReplicas: 1 }] })).toEqual([
      { path: 'workerGroups[0].replicas', message: 'at least minReplicas (1)' },
    ]);
    expect(
      check({ workerGroups: [{ name: 'w', replicas: 1, minReplicas: 2, maxReplicas: 1 }] }),
    ).toEqual([
      { path: 'workerGroups[0].minReplicas', message: 'at most maxReplicas (1)' },
      { path: 'workerGroups[0].replicas', message: 'at least minReplicas (2)' },
    ]);
    expect(check({ workerGroups: [{ name: 'w', replicas: 2, maxReplicas: 1 }] })).toEqual([
      { path: 'workerGroups[0].replicas', message: 'at most maxReplicas (1)' },
    ]);
  });

  it('per group: at most the template’s workers, naming the template', () => {
    expect(check({ workerGroups: [{ name: 'w', replicas: 50, maxReplicas: 1000 }] })).toEqual([
      { path: 'workerGroups[0].maxReplicas', message: 'at most 2 workers (template rtx4090-1)' },
      { path: 'workerGroups[0].replicas', message: 'at most 2 workers (template rtx4090-1)' },
      {
        path: 'workerGroups',
        message: '50 workers in all; at most 2 workers (template rtx4090-1)',
      },
    ]);
  });

  it('across groups: replicas in all, and every maxReplicas when autoscaling', () => {
    expect(
      check({
        workerGroups: [
          { name: 'a', replicas: 2 },
          { name: 'b', replicas: 1 },
        ],
      }),
    ).toEqual([
      { path: 'workerGroups', message: '3 workers in all; at most 2 workers (template rtx4090-1)' },
    ]);
    const eight = Array.from({ length: 8 }, (_, index) => ({
      name: `g${index}`,
      replicas: 0,
      minReplicas: 0,
      maxReplicas: 2,
    }));
    expect(check({ autoscaling: { enabled: true }, workerGroups: eight })).toEqual([
      {
        path: 'workerGroups',
        message:
          '16 workers in all at the autoscaling maximum; at most 2 workers (template rtx4090-1)',
      },
    ]);
    // Without the autoscaler, maxReplicas only bounds what a scale may ask for.
    expect(check({ workerGroups: eight })).toEqual([]);
  });

  it('across groups: GPUs, when workers carry more GPUs than the template gives', () => {
    expect(
      check({
        workerGroups: [
          { name: 'old', replicas: 1, maxReplicas: 1, gpusPerWorker: 4 },
          { name: 'new', replicas: 1, maxReplicas: 1 },
        ],
      }),
    ).toEqual([
      { path: 'workerGroups', message: '5 GPUs in all; at most 2 GPUs (template rtx4090-1)' },
    ]);
  });

  it('group names are unique, and there is at least one group', () => {
    expect(
      check({
        workerGroups: [
          { name: 'w', replicas: 1 },
          { name: 'w', replicas: 0 },
        ],
      }),
    ).toEqual([{ path: 'workerGroups[1].name', message: 'is used by another group' }]);
    expect(check({ workerGroups: [] })).toEqual([
      { path: 'workerGroups', message: 'at least one worker group' },
    ]);
  });

  it('Ray version allowed by the template', () => {
    expect(check({ rayVersion: '2.9.0' })).toEqual([
      { path: 'rayVersion', message: 'one of 2.52.0, 2.51.1 (template rtx4090-1)' },
    ]);
  });

  it('images from allowed repositories, tagged with the Ray version', () => {
    expect(check({ image: 'evil/miner:2.52.0' })).toEqual([
      {
        path: 'image',
        message: 'repository one of rayproject/ray, registry.lab:5000/ray (template rtx4090-1)',
      },
    ]);
    const tagMessage = 'tag 2.52.0 or 2.52.0-<variant>, the Ray version (template rtx4090-1)';
    for (const image of ['rayproject/ray:2.9.0', 'rayproject/ray', 'rayproject/ray@sha256:ab']) {
      expect(check({ image }), image).toEqual([{ path: 'image', message: tagMessage }]);
    }
    expect(check({ image: 'rayproject/ray:2.52.0-py311-gpu' })).toEqual([]);
    expect(
      check({
        image: 'rayproject/ray:2.52.0',
        workerGroups: [{ name: 'w', replicas: 1, image: 'other/ray:2.52.0' }],
      }),
    ).toEqual([
      {
        path: 'workerGroups[0].image',
        message: 'repository one of rayproject/ray, registry.lab:5000/ray (template rtx4090-1)',
      },
    ]);
  });

  it('exposure: ClusterIP unless the template grants more, and an Ingress host', () => {
    expect(check({ exposure: 'LoadBalancer' })).toEqual([
      { path: 'exposure', message: 'ClusterIP only (template rtx4090-1)' },
    ]);
    const open: Template = { ...template, allowedExposure: ['Ingress'] };
    expect(check({ exposure: 'NodePort' }, open)).toEqual([
      { path: 'exposure', message: 'one of ClusterIP, Ingress (template rtx4090-1)' },
    ]);
    expect(check({ exposure: 'Ingress', ingressHost: 'ray.lab.example' }, open)).toEqual([]);
    expect(check({ exposure: 'Ingress' }, open)).toEqual([
      { path: 'ingressHost', message: 'required when exposure is Ingress' },
    ]);
  });
});

describe('helpers', () => {
  it('always allows ClusterIP exposure', () => {
    expect(allowedExposureOf({})).toEqual(['ClusterIP']);
    expect(allowedExposureOf({ allowedExposure: ['NodePort', 'ClusterIP'] })).toEqual([
      'ClusterIP',
      'NodePort',
    ]);
  });

  it.each([
    ['rayproject/ray:2.52.0', { repository: 'rayproject/ray', tag: '2.52.0' }],
    ['registry.lab:5000/ray', { repository: 'registry.lab:5000/ray' }],
    [
      'registry.lab:5000/ray:2.52.0-gpu',
      { repository: 'registry.lab:5000/ray', tag: '2.52.0-gpu' },
    ],
    ['ray@sha256:ab', { repository: 'ray', digest: 'sha256:ab' }],
  ])('parses %s', (image, parsed) => {
    expect(parseImage(image)).toEqual(parsed);
  });

  it('checks bounds of a group outside any template', () => {
    expect(
      validateReplicaBounds({ replicas: 5, minReplicas: 0, maxReplicas: 3 }, 'workerGroups[1]'),
    ).toEqual([{ path: 'workerGroups[1].replicas', message: 'at most maxReplicas (3)' }]);
  });
});
