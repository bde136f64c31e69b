import { describe, expect, it } from 'vitest';

import { isExtendedResource, podNonZeroRequests, podRequests } from './podResources.ts';

describe('pod resources', () => {
  it('defaults requests to limits, sums containers and sidecars, and takes the init peak', () => {
    expect(
      podRequests({
        initContainers: [
          { name: 'sidecar', restartPolicy: 'Always', resources: { requests: { cpu: '100m' } } },
          { name: 'init', resources: { requests: { cpu: '2', memory: '64Mi' } } },
        ],
        containers: [
          { name: 'a', resources: { limits: { cpu: '1', 'nvidia.com/gpu': 1 } } },
          {
            name: 'b',
            resources: { requests: { cpu: '250m', memory: '1Gi' }, limits: { memory: '2Gi' } },
          },
        ],
        overhead: { cpu: '10m' },
      }),
    ).toEqual({ cpu: 2110, memory: 1073741824, 'nvidia.com/gpu': 1 });
  });

  it('counts containers without requests as 100m and 200 MB for scoring', () => {
    expect(
      podNonZeroRequests({
        containers: [{ name: 'a' }, { name: 'b', resources: { requests: { cpu: '1' } } }],
      }),
    ).toEqual({
      cpu: 1100,
      memory: 2 * 200 * 1024 * 1024,
    });
  });

  it('knows extended resources', () => {
    expect(isExtendedResource('nvidia.com/gpu')).toBe(true);
    expect(isExtendedResource('cpu')).toBe(false);
    expect(isExtendedResource('kubernetes.io/batch')).toBe(false);
    expect(isExtendedResource('requests.nvidia.com/gpu')).toBe(false);
  });
});
