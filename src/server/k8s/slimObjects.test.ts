import { describe, expect, it } from 'vitest';

import type { PodResource } from '../../shared/k8s/kubeTypes.ts';
import type { RayClusterResource } from '../../shared/ray/rayTypes.ts';
import { slimPod, slimRayCluster } from './slimObjects.ts';

const lastApplied = 'kubectl.kubernetes.io/last-applied-configuration';

describe('slimObjects', () => {
  it('keeps a Ray pod’s placement, resources and container states, and drops the rest', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'head',
        namespace: 'team-a',
        labels: { 'ray.io/is-ray-node': 'yes' },
        annotations: { [lastApplied]: '{}', note: 'kept' },
        managedFields: [{ manager: 'kubectl' }],
      },
      spec: {
        nodeName: 'gpu-1',
        tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists' }],
        serviceAccountName: 'dropped',
        containers: [
          {
            name: 'ray-head',
            image: 'rayproject/ray:2.9.0',
            command: ['ray', 'start'],
            resources: { requests: { cpu: '1' } },
          },
        ],
      },
      status: {
        phase: 'Running',
        hostIP: '10.0.0.1',
        containerStatuses: [
          { name: 'ray-head', ready: true, restartCount: 0, image: 'dropped', state: {} },
        ],
      },
    } satisfies PodResource & { metadata: { managedFields: unknown } };
    expect(slimPod(pod)).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'head',
        namespace: 'team-a',
        labels: { 'ray.io/is-ray-node': 'yes' },
        annotations: { note: 'kept' },
      },
      spec: {
        nodeName: 'gpu-1',
        tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists' }],
        containers: [
          {
            name: 'ray-head',
            image: 'rayproject/ray:2.9.0',
            resources: { requests: { cpu: '1' } },
          },
        ],
      },
      status: {
        phase: 'Running',
        containerStatuses: [{ name: 'ray-head', ready: true, restartCount: 0, state: {} }],
      },
    });
  });

  it('slims every group template of a RayCluster and keeps the rest of its spec', () => {
    const template = {
      metadata: { labels: { app: 'ray' } },
      spec: { nodeSelector: { gpu: 'h100' }, containers: [{ name: 'ray', args: ['dropped'] }] },
    };
    const cluster: RayClusterResource = {
      metadata: { name: 'c', namespace: 'team-a', annotations: { [lastApplied]: '{}' } },
      spec: {
        rayVersion: '2.9.0',
        headGroupSpec: { template, rayStartParams: { 'num-cpus': '0' } },
        workerGroupSpecs: [{ groupName: 'gpu', replicas: 2, template }],
      },
    };
    const slimTemplate = {
      metadata: { labels: { app: 'ray' } },
      spec: { nodeSelector: { gpu: 'h100' }, containers: [{ name: 'ray' }] },
    };
    expect(slimRayCluster(cluster)).toEqual({
      metadata: { name: 'c', namespace: 'team-a' },
      spec: {
        rayVersion: '2.9.0',
        headGroupSpec: { template: slimTemplate, rayStartParams: { 'num-cpus': '0' } },
        workerGroupSpecs: [{ groupName: 'gpu', replicas: 2, template: slimTemplate }],
      },
    });
  });
});
