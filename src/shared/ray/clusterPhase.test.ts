import { describe, expect, it } from 'vitest';

import { ClusterListQuery, ClusterPhaseSchema } from '../api/clusterSchemas.ts';
import { clusterPhaseInfo, clusterPhases, isClusterPhase } from './clusterPhase.ts';
import { ClusterPhase } from './deriveClusterPhase.ts';

describe('the one phase list', () => {
  it('is what the API schema accepts, in lifecycle order', () => {
    expect(ClusterPhaseSchema.enum).toEqual([...clusterPhases]);
    expect(ClusterListQuery.properties.phase.enum).toEqual([...clusterPhases]);
  });

  it('has looks for every phase and names every phase deriveClusterPhase uses', () => {
    expect(Object.keys(clusterPhaseInfo).sort()).toEqual([...clusterPhases].sort());
    expect(Object.values(ClusterPhase).sort()).toEqual([...clusterPhases].sort());
  });

  it('tells phase names from other strings', () => {
    expect(isClusterPhase('Scaling')).toBe(true);
    expect(isClusterPhase('scaling')).toBe(false);
  });
});
