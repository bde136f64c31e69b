import type { KubeObject } from '../../apiserver/resourceType.ts';
import type { RunningController, WorldContext } from '../../world/worldContext.ts';
import { type ReconcileResult, WorkQueue } from '../WorkQueue.ts';
import {
  type CoreTypes,
  isNotFound,
  onlyStatusChanged,
  timeString,
  writeStatus,
} from './coreApi.ts';
import {
  computeTemplateHash,
  controllerRef,
  type PodTemplate,
  scaledValue,
  stableJson,
} from './workloadHelpers.ts';

/** Name of the Deployment controller in events (`reportingController`). */
export const deploymentControllerName = 'deployment-controller';

const hashLabel = 'pod-template-hash';
const revisionAnnotation = 'deployment.kubernetes.io/revision';

interface DeploymentSpec {
  replicas?: number;
  selector?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
  template?: PodTemplate;
  strategy?: {
    type?: string;
    rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string };
  };
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  progressDeadlineSeconds?: number;
  paused?: boolean;
}

interface ReplicaSetStatus {
  replicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
}

interface DeploymentCondition {
  type: string;
  status: string;
  lastUpdateTime: string;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

function replicasOf(rs: KubeObject): number {
  return (rs['spec'] as { replicas?: number } | undefined)?.replicas ?? 0;
}

function statusOf(rs: KubeObject): ReplicaSetStatus {
  return (rs['status'] ?? {}) as ReplicaSetStatus;
}

function revisionOf(rs: KubeObject): number {
  return Number(rs.metadata?.annotations?.[revisionAnnotation] ?? 0) || 0;
}

/** The template without the pod-template-hash label, for comparing with the Deployment's. */
function templateWithoutHash(template: PodTemplate | undefined): unknown {
  const labels = Object.fromEntries(
    Object.entries(template?.metadata?.labels ?? {}).filter(([key]) => key !== hashLabel),
  );
  return { ...template, metadata: { ...template?.metadata, labels } };
}

/**
 * The Deployment controller: one ReplicaSet per pod template named `<deployment>-<hash>` with
 * the `pod-template-hash` label, rolled out with the RollingUpdate arithmetic (maxSurge,
 * maxUnavailable) or Recreate, scaled on `spec.replicas` changes, old ReplicaSets pruned to
 * `revisionHistoryLimit`, and the status Kubernetes reports (replicas, updated, ready,
 * available, unavailable, observedGeneration, Available and Progressing conditions with their
 * reasons and the progress deadline).
 */
export function startDeploymentController(
  context: WorldContext,
  types: CoreTypes,
): RunningController {
  const { api, clock, events } = context;

  const scale = (deployment: KubeObject, rs: KubeObject, replicas: number): KubeObject => {
    const from = replicasOf(rs);
    if (from === replicas) return rs;
    const desired = (deployment['spec'] as DeploymentSpec).replicas ?? 1;
    const updated = api.update(types.replicaSets, rs.metadata?.namespace, rs.metadata?.name ?? '', {
      ...rs,
      metadata: {
        ...rs.metadata,
        annotations: {
          ...rs.metadata?.annotations,
          'deployment.kubernetes.io/desired-replicas': String(desired),
        },
      },
      spec: { ...(rs['spec'] as object), replicas },
    }).object;
    events.record({
      regarding: deployment,
      type: 'Normal',
      reason: 'ScalingReplicaSet',
      note: `Scaled ${from < replicas ? 'up' : 'down'} replica set ${rs.metadata?.name ?? ''} from ${from} to ${replicas}`,
      reportingController: deploymentControllerName,
    });
    return updated;
  };

  const reconcile = (key: string): ReconcileResult => {
    const [namespace = '', name = ''] = key.split('/');
    const deployment = api.find(types.deployments, namespace, name);
    if (!deployment || deployment.metadata?.deletionTimestamp) return undefined;
    const spec = (deployment['spec'] ?? {}) as DeploymentSpec;
    const desired = spec.replicas ?? 1;
    const uid = deployment.metadata?.uid ?? '';
    const now = clock.now();
    const all = api.store
      .list(types.replicaSets.storageKey, namespace)
      .map((record) => record.object)
      .filter((rs) =>
        rs.metadata?.ownerReferences?.some((owner) => owner.controller && owner.uid === uid),
      );
    const wanted = stableJson(templateWithoutHash(spec.template));
    let newRs = all.find(
      (rs) =>
        stableJson(templateWithoutHash((rs['spec'] as { template?: PodTemplate }).template)) ===
        wanted,
    );
    let old = all.filter((rs) => rs !== newRs);
    const surge = scaledValue(
      spec.strategy?.rollingUpdate?.maxSurge,
      desired,
      true,
      Math.ceil(desired / 4),
    );
    let unavailable = scaledValue(
      spec.strategy?.rollingUpdate?.maxUnavailable,
      desired,
      false,
      Math.floor(desired / 4),
    );
    if (surge === 0 && unavailable === 0) unavailable = 1;
    const recreate = spec.strategy?.type === 'Recreate';
    const maxUnavailable = recreate ? 0 : Math.min(unavailable, desired);
    let createdRs = false;

    if (!spec.paused) {
      if (!newRs) {
        const hash = computeTemplateHash(templateWithoutHash(spec.template));
        const revision = Math.max(0, ...all.map(revisionOf)) + 1;
        const total = all.reduce((sum, rs) => sum + replicasOf(rs), 0);
        const initial = recreate
          ? 0
          : old.length === 0
            ? desired
            : Math.max(0, Math.min(desired, desired + surge - total));
        const labels = { ...spec.template?.metadata?.labels, [hashLabel]: hash };
        newRs = api.create(types.replicaSets, namespace, {
          metadata: {
            name: `${name}-${hash}`,
            labels,
            annotations: {
              'deployment.kubernetes.io/desired-replicas': String(desired),
              'deployment.kubernetes.io/max-replicas': String(desired + (recreate ? 0 : surge)),
              [revisionAnnotation]: String(revision),
            },
            ownerReferences: [controllerRef(deployment)],
          },
          spec: {
            replicas: initial,
            minReadySeconds: spec.minReadySeconds ?? 0,
            selector: {
              ...spec.selector,
              matchLabels: { ...spec.selector?.matchLabels, [hashLabel]: hash },
            },
            template: {
              ...spec.template,
              metadata: { ...spec.template?.metadata, labels },
            },
          },
        }).object;
        createdRs = true;
        if (initial > 0) {
          events.record({
            regarding: deployment,
            type: 'Normal',
            reason: 'ScalingReplicaSet',
            note: `Scaled up replica set ${newRs.metadata?.name ?? ''} from 0 to ${initial}`,
            reportingController: deploymentControllerName,
          });
        }
      }
      old = all.filter((rs) => rs.metadata?.uid !== newRs?.metadata?.uid);
      const oldActive = old.filter((rs) => replicasOf(rs) > 0);

      if (recreate) {
        for (const rs of oldActive) scale(deployment, rs, 0);
        const oldPods = old.reduce((sum, rs) => sum + (statusOf(rs).replicas ?? 0), 0);
        if (oldActive.length === 0 && oldPods === 0) newRs = scale(deployment, newRs, desired);
      } else if (oldActive.length === 0) {
        newRs = scale(deployment, newRs, desired);
      } else {
        // reconcileNewReplicaSet
        const total = old.reduce((sum, rs) => sum + replicasOf(rs), 0) + replicasOf(newRs);
        const newReplicas = replicasOf(newRs);
        if (newReplicas > desired) newRs = scale(deployment, newRs, desired);
        else if (newReplicas < desired) {
          const up = Math.min(desired + surge - total, desired - newReplicas);
          if (up > 0) newRs = scale(deployment, newRs, newReplicas + up);
        }
        // reconcileOldReplicaSets
        const allPods = old.reduce((sum, rs) => sum + replicasOf(rs), 0) + replicasOf(newRs);
        const minAvailable = desired - maxUnavailable;
        const newUnavailable = replicasOf(newRs) - (statusOf(newRs).availableReplicas ?? 0);
        let budget = allPods - minAvailable - newUnavailable;
        const byAge = [...oldActive].sort(
          (a, b) =>
            Date.parse(a.metadata?.creationTimestamp ?? '') -
            Date.parse(b.metadata?.creationTimestamp ?? ''),
        );
        for (const rs of byAge) {
          if (budget <= 0) break;
          const unhealthy = replicasOf(rs) - (statusOf(rs).availableReplicas ?? 0);
          const cut = Math.min(budget, unhealthy);
          if (cut > 0) {
            scale(deployment, rs, replicasOf(rs) - cut);
            budget -= cut;
          }
        }
        const refreshed = byAge.map(
          (rs) => api.find(types.replicaSets, namespace, rs.metadata?.name ?? '') ?? rs,
        );
        const availableAll =
          refreshed.reduce((sum, rs) => sum + (statusOf(rs).availableReplicas ?? 0), 0) +
          (statusOf(newRs).availableReplicas ?? 0);
        let downCount = availableAll - minAvailable;
        for (const rs of refreshed) {
          if (downCount <= 0) break;
          const cut = Math.min(downCount, replicasOf(rs));
          if (cut > 0) {
            scale(deployment, rs, replicasOf(rs) - cut);
            downCount -= cut;
          }
        }
      }

      // Revision history: drop the oldest fully scaled-down ReplicaSets beyond the limit.
      const limit = spec.revisionHistoryLimit ?? 10;
      const idle = api.store
        .list(types.replicaSets.storageKey, namespace)
        .map((record) => record.object)
        .filter(
          (rs) =>
            rs.metadata?.ownerReferences?.some((owner) => owner.controller && owner.uid === uid) &&
            rs.metadata?.uid !== newRs?.metadata?.uid &&
            replicasOf(rs) === 0 &&
            (statusOf(rs).replicas ?? 0) === 0,
        )
        .sort((a, b) => revisionOf(a) - revisionOf(b));
      for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) {
        try {
          api.delete(types.replicaSets, namespace, rs.metadata?.name ?? '');
        } catch (error) {
          if (!isNotFound(error)) throw error;
        }
      }
      const revision = String(revisionOf(newRs));
      if (deployment.metadata?.annotations?.[revisionAnnotation] !== revision) {
        const fresh = api.get(types.deployments, namespace, name);
        api.update(types.deployments, namespace, name, {
          ...fresh,
          metadata: {
            ...fresh.metadata,
            annotations: { ...fresh.metadata?.annotations, [revisionAnnotation]: revision },
          },
        });
      }
    }

    // Status.
    const sets = api.store
      .list(types.replicaSets.storageKey, namespace)
      .map((record) => record.object)
      .filter((rs) =>
        rs.metadata?.ownerReferences?.some((owner) => owner.controller && owner.uid === uid),
      );
    const current = newRs
      ? (sets.find((rs) => rs.metadata?.uid === newRs?.metadata?.uid) ?? newRs)
      : undefined;
    const sum = (field: keyof ReplicaSetStatus) =>
      sets.reduce((total, rs) => total + (statusOf(rs)[field] ?? 0), 0);
    const replicas = sum('replicas');
    const updated = current ? (statusOf(current).replicas ?? 0) : 0;
    const ready = sum('readyReplicas');
    const available = sum('availableReplicas');
    const specTotal = sets.reduce((total, rs) => total + replicasOf(rs), 0);
    const unavailableCount = Math.max(0, specTotal - available);
    const fresh = api.find(types.deployments, namespace, name) ?? deployment;
    const previous = (fresh['status'] ?? {}) as {
      conditions?: DeploymentCondition[];
      replicas?: number;
      updatedReplicas?: number;
      readyReplicas?: number;
      availableReplicas?: number;
    };
    let conditions = [...(previous.conditions ?? [])];
    const stamp = timeString(now);
    const setCondition = (
      condition: Omit<DeploymentCondition, 'lastUpdateTime' | 'lastTransitionTime'>,
      forceUpdate = false,
    ) => {
      const existing = conditions.find((entry) => entry.type === condition.type);
      if (
        existing &&
        existing.status === condition.status &&
        existing.reason === condition.reason &&
        !forceUpdate
      )
        return;
      const next: DeploymentCondition = {
        type: condition.type,
        status: condition.status,
        lastUpdateTime: stamp,
        lastTransitionTime:
          existing && existing.status === condition.status ? existing.lastTransitionTime : stamp,
        reason: condition.reason,
        message: condition.message,
      };
      conditions = conditions.filter((entry) => entry.type !== condition.type);
      conditions.push(next);
    };
    setCondition(
      available >= desired - maxUnavailable
        ? {
            type: 'Available',
            status: 'True',
            reason: 'MinimumReplicasAvailable',
            message: 'Deployment has minimum availability.',
          }
        : {
            type: 'Available',
            status: 'False',
            reason: 'MinimumReplicasUnavailable',
            message: 'Deployment does not have minimum availability.',
          },
    );
    const rsName = current?.metadata?.name ?? '';
    const complete = updated === desired && replicas === desired && available === desired;
    // DeploymentProgressing: more updated, ready or available replicas, or fewer old ones.
    const oldBefore = (previous.replicas ?? 0) - (previous.updatedReplicas ?? 0);
    const progressed =
      updated > (previous.updatedReplicas ?? 0) ||
      ready > (previous.readyReplicas ?? 0) ||
      available > (previous.availableReplicas ?? 0) ||
      replicas - updated < oldBefore;
    const deadlineMs = (spec.progressDeadlineSeconds ?? 600) * 1000;
    const progressing = conditions.find((entry) => entry.type === 'Progressing');
    let requeueAfterMs: number | undefined;
    if (createdRs) {
      setCondition(
        {
          type: 'Progressing',
          status: 'True',
          reason: 'NewReplicaSetCreated',
          message: `Created new replica set "${rsName}"`,
        },
        true,
      );
    } else if (spec.paused) {
      setCondition({
        type: 'Progressing',
        status: 'Unknown',
        reason: 'DeploymentPaused',
        message: 'Deployment is paused',
      });
    } else if (complete) {
      setCondition({
        type: 'Progressing',
        status: 'True',
        reason: 'NewReplicaSetAvailable',
        message: `ReplicaSet "${rsName}" has successfully progressed.`,
      });
    } else if (progressed || !progressing) {
      setCondition(
        {
          type: 'Progressing',
          status: 'True',
          reason: 'ReplicaSetUpdated',
          message: `ReplicaSet "${rsName}" is progressing.`,
        },
        true,
      );
    } else if (progressing.status === 'True' && progressing.reason !== 'NewReplicaSetAvailable') {
      const since = Date.parse(progressing.lastUpdateTime);
      if (now >= since + deadlineMs) {
        setCondition({
          type: 'Progressing',
          status: 'False',
          reason: 'ProgressDeadlineExceeded',
          message: `ReplicaSet "${rsName}" has timed out progressing.`,
        });
      } else {
        requeueAfterMs = since + deadlineMs - now;
      }
    }
    if (!complete && requeueAfterMs === undefined && !spec.paused) requeueAfterMs = deadlineMs;
    const status = {
      ...(fresh.metadata?.generation ? { observedGeneration: fresh.metadata.generation } : {}),
      ...(replicas ? { replicas } : {}),
      ...(updated ? { updatedReplicas: updated } : {}),
      ...(ready ? { readyReplicas: ready } : {}),
      ...(available ? { availableReplicas: available } : {}),
      ...(unavailableCount ? { unavailableReplicas: unavailableCount } : {}),
      conditions,
    };
    if (stableJson(status) !== stableJson(fresh['status'] ?? {})) {
      writeStatus(api, types.deployments, namespace, name, status, uid);
    }
    return requeueAfterMs !== undefined ? { requeueAfterMs } : undefined;
  };

  const queue = new WorkQueue({ name: deploymentControllerName, clock, reconcile });
  const keyOf = (object: KubeObject) =>
    `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
  for (const record of api.store.list(types.deployments.storageKey))
    queue.add(keyOf(record.object));
  const unsubscribeDeployments = api.store.subscribe(types.deployments.storageKey, (event) => {
    if (event.type === 'DELETED') return;
    if (onlyStatusChanged(event)) return;
    queue.add(keyOf(event.record.object));
  });
  const unsubscribeSets = api.store.subscribe(types.replicaSets.storageKey, (event) => {
    const owner = event.record.object.metadata?.ownerReferences?.find(
      (reference) => reference.controller && reference.kind === 'Deployment',
    );
    if (owner) queue.add(`${event.record.object.metadata?.namespace ?? ''}/${owner.name}`);
  });
  return {
    stop: () => {
      unsubscribeDeployments();
      unsubscribeSets();
      queue.stop();
    },
  };
}
