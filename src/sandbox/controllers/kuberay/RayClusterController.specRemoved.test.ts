import { afterEach, describe, expect, it, vi } from 'vitest';

import {
  type KubeRayTestWorld,
  startKubeRayTestWorld,
} from '../../../../test/support/startKubeRayTestWorld.ts';
import type { RayCluster } from './RayCluster.ts';

let world: KubeRayTestWorld | undefined;
afterEach(() => {
  world?.stop();
  world = undefined;
  vi.restoreAllMocks();
});

const cluster: RayCluster = {
  apiVersion: 'ray.io/v1',
  kind: 'RayCluster',
  metadata: { name: 'demo', namespace: 'default' },
  spec: {
    rayVersion: '2.52.0',
    headGroupSpec: {
      rayStartParams: {},
      template: { spec: { containers: [{ name: 'ray-head', image: 'rayproject/ray:2.52.0' }] } },
    },
  },
};

describe('RayCluster controller, spec removed', () => {
  it('records InvalidRayClusterSpec once and neither throws nor retries hot', async () => {
    const warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    world = startKubeRayTestWorld({ core: true });
    world.apply(cluster);
    // Running with its head pod Ready and a Ray head, so every component knows the cluster.
    await world.advance(30_000, 500);
    const clusterOf = () => world?.get<RayCluster>('ray.io', 'rayclusters', 'default', 'demo');
    expect(clusterOf()?.status?.state).toBe('ready');
    const type = world.api.registry.lookup('ray.io', 'v1', 'rayclusters');
    if (!type) throw new Error('rayclusters are not served');
    // The CRD requires headGroupSpec inside spec, but not spec itself.
    world.api.patch(type, 'default', 'demo', 'json', [{ op: 'remove', path: '/spec' }]);
    await world.settle();
    await world.advance(10_000, 500);

    const invalid = world
      .eventsFor('demo')
      .filter((event) => event.reason === 'InvalidRayClusterSpec');
    expect(invalid).toEqual([
      {
        reason: 'InvalidRayClusterSpec',
        type: 'Warning',
        note: 'The RayCluster spec is invalid default/demo: headGroupSpec should have at least one container',
        count: 1,
      },
    ]);
    expect(warnings.mock.calls).toEqual([]);
    // The status is left as it was, as KubeRay leaves it.
    expect(clusterOf()?.status?.state).toBe('ready');
  });
});
