import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

import type { KubeObject } from '../../src/sandbox/apiserver/resourceType.ts';
import { startKubeRayTestWorld } from '../support/startKubeRayTestWorld.ts';

const manifestsDir = fileURLToPath(new URL('../../manifests/', import.meta.url));
const workloadsDir = fileURLToPath(new URL('../../workloads/', import.meta.url));
const manifests = readdirSync(manifestsDir)
  .filter((file) => file.endsWith('.yaml'))
  .sort();

interface Condition {
  type: string;
  status: string;
}

function conditionTrue(object: KubeObject | undefined, type: string): boolean {
  const conditions =
    (object?.['status'] as { conditions?: Condition[] } | undefined)?.conditions ?? [];
  return conditions.some((condition) => condition.type === type && condition.status === 'True');
}

/** What "it works" means for each Ray kind, as in the issue: Ready, Complete/SUCCEEDED, Ready. */
function reachedGoal(object: KubeObject | undefined): boolean {
  if (!object) return false;
  const status = (object['status'] ?? {}) as { jobDeploymentStatus?: string; jobStatus?: string };
  if (object.kind === 'RayCluster')
    return conditionTrue(object, 'HeadPodReady') && conditionTrue(object, 'RayClusterProvisioned');
  if (object.kind === 'RayJob')
    return status.jobDeploymentStatus === 'Complete' && status.jobStatus === 'SUCCEEDED';
  if (object.kind === 'RayService') return conditionTrue(object, 'Ready');
  return true;
}

const plurals: Record<string, string> = {
  RayCluster: 'rayclusters',
  RayJob: 'rayjobs',
  RayService: 'rayservices',
};

describe('manifests/ in the sandbox world (default lab, simulated clock)', () => {
  it.each(manifests)(
    '%s reaches its goal',
    async (file) => {
      const world = startKubeRayTestWorld({ core: true });
      try {
        world.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ray' } });
        // The RayJob and RayService examples mount the scripts from this ConfigMap (manifests/README.md).
        const scripts = Object.fromEntries(
          readdirSync(workloadsDir)
            .filter((name) => name.endsWith('.py'))
            .map((name) => [name, readFileSync(`${workloadsDir}${name}`, 'utf8')]),
        );
        world.apply({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'ray-workloads', namespace: 'ray' },
          data: scripts,
        });
        const objects = parseAllDocuments(readFileSync(`${manifestsDir}${file}`, 'utf8'))
          .map((document) => document.toJSON() as KubeObject | null)
          .filter((object): object is KubeObject => object !== null && object.kind !== undefined);
        const rayObjects = objects.filter((object) => plurals[object.kind ?? ''] !== undefined);
        expect(rayObjects.length, 'a manifest holds at least one Ray object').toBeGreaterThan(0);
        for (const object of objects)
          world.apply({ ...object, metadata: { ...object.metadata, namespace: 'ray' } });

        const current = () =>
          rayObjects.map((object) =>
            world.get(
              'ray.io',
              plurals[object.kind ?? ''] ?? '',
              'ray',
              object.metadata?.name ?? '',
            ),
          );
        for (let minute = 0; minute < 20 && !current().every(reachedGoal); minute++)
          await world.advance(60_000, 5_000);
        const summary = current().map(
          (object) =>
            `${object?.kind}/${object?.metadata?.name}: ${JSON.stringify(object?.['status'] ?? {}).slice(0, 400)}`,
        );
        expect(current().every(reachedGoal), summary.join('\n')).toBe(true);
      } finally {
        world.operator.stop();
      }
    },
    120_000,
  );
});
