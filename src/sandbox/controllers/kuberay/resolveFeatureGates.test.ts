import { describe, expect, it } from 'vitest';

import {
  defaultFeatureGates,
  parseFeatureGates,
  resolveFeatureGates,
} from './resolveFeatureGates.ts';

describe('feature gates', () => {
  it('start from KubeRay’s defaults', () => {
    const gates = resolveFeatureGates({}, {});
    expect(gates).toEqual(defaultFeatureGates);
    expect(gates['RayCronJob']).toBe(false);
    expect(gates['RayClusterStatusConditions']).toBe(true);
  });

  it('take the world file’s map, else RAYDECK_SANDBOX_FEATURE_GATES', () => {
    expect(resolveFeatureGates({ featureGates: { RayCronJob: true } }, {})['RayCronJob']).toBe(
      true,
    );
    const fromEnvironment = resolveFeatureGates(
      {},
      { RAYDECK_SANDBOX_FEATURE_GATES: 'RayCronJob=true, RayJobDeletionPolicy=false' },
    );
    expect(fromEnvironment).toMatchObject({
      RayCronJob: true,
      RayJobDeletionPolicy: false,
      RayMultiHostIndexing: true,
    });
  });

  it('reject entries that are not Name=true|false', () => {
    expect(() => parseFeatureGates('RayCronJob')).toThrow(
      'RAYDECK_SANDBOX_FEATURE_GATES: "RayCronJob" is not Name=true|false',
    );
  });
});
