import type { AuditLog } from '../audit/AuditLog.ts';
import type { KubeCache } from '../k8s/KubeCache.ts';
import type { IdempotencyStore } from '../store/IdempotencyStore.ts';
import { idempotencyKeyDigest } from '../store/IdempotencyStore.ts';
import type { ClusterService } from './ClusterService.ts';
import { idempotencyKeyAnnotation } from './raydeckLabels.ts';

/** What {@link reconcileInterruptedMutations} changed, for the startup log line and tests. */
export interface ReconcileReport {
  /** Idempotency-Keys whose cluster exists: completed with the create answer (201). */
  keysCompleted: number;
  /** Idempotency-Keys whose create never reached Kubernetes: released for a real retry. */
  keysReleased: number;
  /** Pending audit entries resolved as success or failure. */
  auditResolved: number;
}

/** Path and method of the one keyed request the portal supports (cluster create). */
const createPath = '/api/v1/clusters';

/**
 * Startup repair after a crash (kill -9, OOM, power loss) between the steps of a mutation.
 * Call once the informers have synced, before serving traffic that depends on it:
 * - every Idempotency-Key still "in progress" is looked up among the RayClusters by its digest
 *   annotation: found, the key is completed with the create answer (a retry gets 201 and the same
 *   cluster); not found, the key is released (a retry creates the cluster once);
 * - every audit entry still `pending` is resolved: a create is a success when its cluster exists
 *   with the entry's key digest, a delete when its cluster is gone; anything else is a failure
 *   marked `reconciled`, because its outcome cannot be proven.
 * Assumes one portal replica: an entry another live replica is still working on would be
 * resolved too early (its Kubernetes name still prevents a duplicate cluster).
 */
export async function reconcileInterruptedMutations(input: {
  idempotency: IdempotencyStore;
  auditLog: AuditLog;
  cache: KubeCache;
  clusters: ClusterService;
  /** When this run started: only keys and entries older than this are the previous run's. */
  startedAt: Date;
}): Promise<ReconcileReport> {
  const { idempotency, auditLog, cache, clusters, startedAt } = input;
  const report: ReconcileReport = { keysCompleted: 0, keysReleased: 0, auditResolved: 0 };
  const byDigest = new Map<string, { namespace: string; name: string }>();
  for (const cluster of cache.list('RayCluster')) {
    const digest = cluster.metadata?.annotations?.[idempotencyKeyAnnotation];
    if (digest && cluster.metadata?.namespace && cluster.metadata.name) {
      byDigest.set(digest, { namespace: cluster.metadata.namespace, name: cluster.metadata.name });
    }
  }

  for (const row of await idempotency.inProgress(startedAt)) {
    const target =
      row.method === 'POST' && row.path === createPath
        ? byDigest.get(idempotencyKeyDigest(row.userId, row.key))
        : undefined;
    const answer = target
      ? await clusters.findCreatedWithKey(
          target.namespace,
          target.name,
          idempotencyKeyDigest(row.userId, row.key),
        )
      : undefined;
    if (answer) {
      await idempotency.complete(row.userId, row.key, 201, answer);
      report.keysCompleted++;
    } else {
      await idempotency.release(row.userId, row.key);
      report.keysReleased++;
    }
  }

  for (const entry of await auditLog.pending(startedAt)) {
    const cluster =
      entry.targetKind === 'raycluster' && entry.targetNamespace && entry.targetName
        ? cache.get('RayCluster', entry.targetNamespace, entry.targetName)
        : undefined;
    const details = { ...entry.details, reconciled: true };
    if (entry.action === 'cluster.create') {
      const digest = entry.details['idempotencyKeyDigest'];
      const created =
        typeof digest === 'string' &&
        cluster?.metadata?.annotations?.[idempotencyKeyAnnotation] === digest;
      await auditLog.resolve(
        entry.id,
        created
          ? {
              result: 'success',
              statusCode: 201,
              details: { ...details, uid: cluster.metadata?.uid },
            }
          : {
              result: 'failure',
              details: { ...details, error: 'the portal stopped before the cluster was created' },
            },
      );
    } else if (entry.action === 'cluster.delete') {
      const gone = !cluster || cluster.metadata?.deletionTimestamp !== undefined;
      await auditLog.resolve(
        entry.id,
        gone
          ? { result: 'success', details }
          : {
              result: 'failure',
              details: { ...details, error: 'the portal stopped before the cluster was deleted' },
            },
      );
    } else {
      await auditLog.resolve(entry.id, {
        result: 'failure',
        details: {
          ...details,
          error: 'the portal stopped before the outcome was known; check the object',
        },
      });
    }
    report.auditResolved++;
  }
  return report;
}
