import type { Static } from 'typebox';
import { Errors } from 'typebox/value';
import { describe, expect, expectTypeOf, it } from 'vitest';

import { fixtureScenarios, loadFixture } from '../../../test/fixtures/loadFixture.ts';
import {
  explainCluster,
  type GroupExplanation as ComputedExplanation,
} from '../ray/explainCluster.ts';
import { GroupExplanation } from './explanationSchemas.ts';

describe('GroupExplanation schema', () => {
  it('is the type explainCluster computes, in both directions (checked by tsc)', () => {
    expectTypeOf<ComputedExplanation>().toExtend<Static<typeof GroupExplanation>>();
    expectTypeOf<Static<typeof GroupExplanation>>().toExtend<ComputedExplanation>();
  });

  it.each(fixtureScenarios)('accepts every group explained in fixture %s', (scenario) => {
    const fixture = loadFixture(scenario);
    const groups = explainCluster({
      cluster: fixture.cluster,
      pods: fixture.pods,
      events: fixture.events,
      quotas: fixture.quotas,
      nodes: fixture.nodes,
      ...(fixture.allPods ? { allPods: fixture.allPods } : {}),
    });
    expect(groups.length).toBeGreaterThan(0);
    for (const group of groups) {
      expect([...Errors(GroupExplanation, JSON.parse(JSON.stringify(group)))]).toEqual([]);
    }
  });
});
