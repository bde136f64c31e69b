import { afterEach, describe, expect, it, vi } from 'vitest';

import {
  type KubeRayTestWorld,
  startKubeRayTestWorld,
} from '../../../../test/support/startKubeRayTestWorld.ts';
import type { KubeObject } from '../../apiserver/resourceType.ts';
import { withZeroValueSpec } from './withZeroValueSpec.ts';

let world: KubeRayTestWorld | undefined;
afterEach(() => {
  world?.stop();
  world = undefined;
  vi.restoreAllMocks();
});

const headGroupSpec = {
  rayStartParams: {},
  template: { spec: { containers: [{ name: 'ray-head', image: 'rayproject/ray:2.52.0' }] } },
};

describe('withZeroValueSpec', () => {
  it('gives an object without a spec an empty one and leaves others alone', () => {
    const bare = { metadata: { name: 'x' } } as KubeObject & { spec: unknown };
    expect(withZeroValueSpec(bare)).toEqual({ metadata: { name: 'x' }, spec: {} });
    const withSpec = { metadata: {}, spec: { a: 1 } };
    expect(withZeroValueSpec(withSpec)).toBe(withSpec);
  });

  it('lets the RayJob and RayService controllers reject a removed spec with events, not exceptions', async () => {
    const warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    world = startKubeRayTestWorld({ core: true });
    world.apply({
      apiVersion: 'ray.io/v1',
      kind: 'RayJob',
      metadata: { name: 'job', namespace: 'default' },
      spec: { entrypoint: 'sleep 600', rayClusterSpec: { rayVersion: '2.52.0', headGroupSpec } },
    });
    world.apply({
      apiVersion: 'ray.io/v1',
      kind: 'RayService',
      metadata: { name: 'svc', namespace: 'default' },
      spec: { rayClusterConfig: { rayVersion: '2.52.0', headGroupSpec } },
    });
    await world.advance(20_000, 500);
    for (const [plural, name] of [
      ['rayjobs', 'job'],
      ['rayservices', 'svc'],
    ] as const) {
      const type = world.api.registry.lookup('ray.io', 'v1', plural);
      if (!type) throw new Error(`${plural} are not served`);
      world.api.patch(type, 'default', name, 'json', [{ op: 'remove', path: '/spec' }]);
    }
    await world.advance(10_000, 500);

    expect(warnings.mock.calls).toEqual([]);
    expect(world.eventsFor('job')).toContainEqual(
      expect.objectContaining({
        type: 'Warning',
        reason: 'InvalidRayJobSpec',
        note: 'default/job: The RayJob spec is invalid: one of RayClusterSpec or ClusterSelector must be set',
      }),
    );
    expect(
      world.get<KubeObject & { status?: { jobDeploymentStatus?: string } }>(
        'ray.io',
        'rayjobs',
        'default',
        'job',
      )?.status?.jobDeploymentStatus,
    ).toBe('ValidationFailed');
    expect(world.eventsFor('svc')).toContainEqual(
      expect.objectContaining({
        type: 'Warning',
        reason: 'InvalidRayServiceSpec',
      }),
    );
  });
});
