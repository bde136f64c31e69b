import type { Static } from 'typebox';
import { Check, Errors } from 'typebox/value';
import { describe, expect, expectTypeOf, it } from 'vitest';

import { fixtureScenarios, loadFixture } from '../../../test/fixtures/loadFixture.ts';
import { type GpuInventory as ComputedInventory, gpuInventory } from '../ray/gpuInventory.ts';
import { GpuInventory } from './gpuSchemas.ts';

describe('GpuInventory schema', () => {
  it('is the type gpuInventory computes, in both directions (checked by tsc)', () => {
    expectTypeOf<ComputedInventory>().toExtend<Static<typeof GpuInventory>>();
    expectTypeOf<Static<typeof GpuInventory>>().toExtend<ComputedInventory>();
  });

  it.each(fixtureScenarios)('accepts the inventory of fixture %s', (scenario) => {
    const fixture = loadFixture(scenario);
    const inventory = gpuInventory({ nodes: fixture.nodes, pods: fixture.allPods ?? fixture.pods });
    // Through JSON, as it travels: an absent `cluster` is dropped, not sent as undefined.
    const wire: unknown = JSON.parse(JSON.stringify(inventory));
    expect([...Errors(GpuInventory, wire)]).toEqual([]);
    expect(Check(GpuInventory, wire)).toBe(true);
  });
});
