import type { Kysely } from 'kysely';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { type StoreBackend, storeBackends } from '../../../test/support/storeBackends.ts';
import { AuditLog } from '../audit/AuditLog.ts';
import type { KubeCache } from '../k8s/KubeCache.ts';
import type { Database } from '../store/database.ts';
import { idempotencyKeyDigest, IdempotencyStore } from '../store/IdempotencyStore.ts';
import type { ClusterService } from './ClusterService.ts';
import { idempotencyKeyAnnotation } from './raydeckLabels.ts';
import { reconcileInterruptedMutations } from './reconcileInterruptedMutations.ts';

let db: Kysely<Database> | undefined;
afterEach(async () => {
  await db?.destroy();
  db = undefined;
});

const before = new Date('2026-01-01T10:00:00Z');
const startedAt = new Date('2026-01-01T11:00:00Z');

/** A RayCluster as the cache holds it. */
const cluster = (name: string, digest: string | undefined, extra: object = {}) => ({
  apiVersion: 'ray.io/v1',
  kind: 'RayCluster',
  metadata: {
    name,
    namespace: 'team-a',
    uid: `uid-${name}`,
    ...(digest ? { annotations: { [idempotencyKeyAnnotation]: digest } } : {}),
    ...extra,
  },
});
let backend: StoreBackend;

describe.each(storeBackends())('on $name', (each) => {
  beforeAll(() => {
    backend = each;
  });

  describe('reconcileInterruptedMutations', () => {
    it('completes keys whose cluster exists, releases the rest, resolves pending entries', async () => {
      db = await backend.open();
      await db
        .insertInto('users')
        .values({
          id: 'u1',
          username: 'ana',
          display_name: 'Ana',
          password_hash: null,
          role: 'member',
          disabled: 0,
          created_at: before.toISOString(),
        })
        .execute();
      const idempotency = new IdempotencyStore(db, { now: () => before });
      const auditLog = new AuditLog(db);
      const digest = (key: string) => idempotencyKeyDigest('u1', key);
      for (const key of ['made', 'lost']) {
        expect(await idempotency.begin('u1', key, 'POST', '/api/v1/clusters', 'h')).toEqual({
          kind: 'reserved',
        });
      }
      const entry = (name: string, action: string, details: Record<string, unknown> = {}) =>
        auditLog.begin({
          actor: 'ana',
          action,
          targetKind: 'raycluster',
          targetNamespace: 'team-a',
          targetName: name,
          details,
          at: before,
        });
      const madeEntry = await entry('made', 'cluster.create', {
        idempotencyKeyDigest: digest('made'),
      });
      const lostEntry = await entry('lost', 'cluster.create', {
        idempotencyKeyDigest: digest('lost'),
      });
      // Same name, but another request's cluster: not this create's success.
      const takenEntry = await entry('taken', 'cluster.create', { idempotencyKeyDigest: 'other' });
      const deleteEntry = await entry('gone', 'cluster.delete');
      const scaleEntry = await entry('made', 'cluster.scale');

      const objects = [cluster('made', digest('made')), cluster('taken', 'someone-else')];
      const cache = {
        list: () => objects,
        get: (_kind: string, namespace: string, name: string) =>
          objects.find(
            (object) => object.metadata.namespace === namespace && object.metadata.name === name,
          ),
      } as unknown as KubeCache;
      const clusters = {
        findCreatedWithKey: async (namespace: string, name: string, wanted: string) => {
          const found = objects.find(
            (object) => object.metadata.name === name && object.metadata.namespace === namespace,
          );
          return found?.metadata.annotations?.[idempotencyKeyAnnotation] === wanted
            ? { manifest: found, yaml: '' }
            : undefined;
        },
      } as unknown as ClusterService;

      const report = await reconcileInterruptedMutations({
        idempotency,
        auditLog,
        cache,
        clusters,
        startedAt,
      });
      expect(report).toEqual({ keysCompleted: 1, keysReleased: 1, auditResolved: 5 });

      // The created cluster's key replays its 201; the lost one runs for real.
      const replay = await idempotency.begin('u1', 'made', 'POST', '/api/v1/clusters', 'h');
      expect(replay).toMatchObject({ kind: 'replay', statusCode: 201 });
      expect(await idempotency.begin('u1', 'lost', 'POST', '/api/v1/clusters', 'h')).toEqual({
        kind: 'reserved',
      });

      const { items } = await auditLog.query();
      const byId = new Map(items.map((item) => [item.id, item]));
      expect(byId.get(madeEntry)).toMatchObject({
        result: 'success',
        details: { reconciled: true, uid: 'uid-made' },
      });
      expect(byId.get(lostEntry)?.result).toBe('failure');
      expect(byId.get(takenEntry)?.result).toBe('failure');
      expect(byId.get(deleteEntry)?.result).toBe('success');
      expect(byId.get(scaleEntry)).toMatchObject({
        result: 'failure',
        details: { reconciled: true },
      });
      expect(await auditLog.pending(startedAt)).toEqual([]);
    });
  });
});
