import type { KubeObject } from '../../apiserver/resourceType.ts';
import { StatusError } from '../../apiserver/statusError.ts';
import type { RunningController, WorldContext } from '../../world/worldContext.ts';
import { type ReconcileResult, WorkQueue } from '../WorkQueue.ts';
import {
  type CoreTypes,
  isNotFound,
  isPodActive,
  isPodReady,
  onlyStatusChanged,
  podStatusOf,
  timeString,
  writeStatus,
} from './coreApi.ts';
import type { PodIndex } from './PodIndex.ts';
import { podFromTemplate, type PodTemplate, stableJson } from './workloadHelpers.ts';

/** Name of the Job controller in events (`reportingController`). */
export const jobControllerName = 'job-controller';

/** Delay before replacing a failed pod: 10 s doubling per failure, capped at 6 minutes. */
const podFailureBackoffMs = 10_000;
const maxPodFailureBackoffMs = 360_000;

interface JobSpec {
  parallelism?: number;
  completions?: number | null;
  backoffLimit?: number;
  activeDeadlineSeconds?: number;
  ttlSecondsAfterFinished?: number;
  suspend?: boolean;
  template?: PodTemplate;
}

interface JobCondition {
  type: string;
  status: string;
  lastProbeTime: string;
  lastTransitionTime: string;
  reason?: string;
  message?: string;
}

interface JobStatus {
  conditions?: JobCondition[];
  startTime?: string;
  completionTime?: string;
  active?: number;
  succeeded?: number;
  failed?: number;
  terminating?: number;
  ready?: number;
  uncountedTerminatedPods?: Record<string, never>;
}

function finishedCondition(status: JobStatus): JobCondition | undefined {
  return status.conditions?.find(
    (condition) =>
      (condition.type === 'Complete' || condition.type === 'Failed') && condition.status === 'True',
  );
}

function containerRestarts(pod: KubeObject): number {
  const statuses = [
    ...((podStatusOf(pod)['initContainerStatuses'] as { restartCount?: number }[] | undefined) ??
      []),
    ...((podStatusOf(pod)['containerStatuses'] as { restartCount?: number }[] | undefined) ?? []),
  ];
  return statuses.reduce((total, status) => total + (status.restartCount ?? 0), 0);
}

/**
 * The Job controller: runs `parallelism` pods (`<job>-<5 random>`) until `completions` have
 * succeeded, replaces failed pods after a 10 s–6 min backoff until more than `backoffLimit`
 * failed (container restarts count for `OnFailure`), honours `activeDeadlineSeconds`,
 * `suspend` and `ttlSecondsAfterFinished`, and reports the status of Kubernetes 1.35: `active`,
 * `ready`, `terminating`, `succeeded`, `failed`, `startTime`, `completionTime`, and the
 * SuccessCriteriaMet + Complete or FailureTarget + Failed conditions.
 */
export function startJobController(
  context: WorldContext,
  types: CoreTypes,
  pods: PodIndex,
): RunningController {
  const { api, clock, events } = context;
  /** Pods already counted in status.succeeded/failed, per job uid (a job-tracking finalizer's role). */
  const counted = new Map<string, Set<string>>();
  const lastFailureAt = new Map<string, number>();

  const record = (job: KubeObject, type: 'Normal' | 'Warning', reason: string, note: string) =>
    events.record({ regarding: job, type, reason, note, reportingController: jobControllerName });

  const reconcile = (key: string): ReconcileResult => {
    const [namespace = '', name = ''] = key.split('/');
    const job = api.find(types.jobs, namespace, name);
    if (!job) return undefined;
    const uid = job.metadata?.uid ?? '';
    if (job.metadata?.deletionTimestamp) {
      counted.delete(uid);
      return undefined;
    }
    const spec = (job['spec'] ?? {}) as JobSpec;
    const previous = (job['status'] ?? {}) as JobStatus;
    const now = clock.now();
    const stamp = timeString(now);
    const owned = pods.ownedBy(uid);
    let seen = counted.get(uid);
    if (!seen) {
      // First look since start: terminal pods that exist are already in the stored counts.
      seen = new Set(
        (previous.startTime ? owned : [])
          .filter((pod) => !isPodActive(pod) && !pod.metadata?.deletionTimestamp)
          .map((pod) => pod.metadata?.uid ?? ''),
      );
      counted.set(uid, seen);
    }

    const finished = finishedCondition(previous);
    if (finished) {
      const ttl = spec.ttlSecondsAfterFinished;
      if (ttl === undefined) return undefined;
      const due = Date.parse(previous.completionTime ?? finished.lastTransitionTime) + ttl * 1000;
      if (now < due) return { requeueAfterMs: due - now };
      try {
        api.delete(types.jobs, namespace, name, { propagationPolicy: 'Background' });
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
      return undefined;
    }

    let succeeded = previous.succeeded ?? 0;
    let failed = previous.failed ?? 0;
    for (const pod of owned) {
      const phase = podStatusOf(pod).phase;
      const podUid = pod.metadata?.uid ?? '';
      if ((phase !== 'Succeeded' && phase !== 'Failed') || seen.has(podUid)) continue;
      seen.add(podUid);
      if (phase === 'Succeeded') succeeded++;
      else {
        failed++;
        lastFailureAt.set(uid, now);
      }
    }
    const active = owned.filter(isPodActive);
    const conditions = [...(previous.conditions ?? [])];
    const addCondition = (type: string, reason: string, message: string) => {
      if (conditions.some((condition) => condition.type === type)) return;
      conditions.push({
        type,
        status: 'True',
        lastProbeTime: stamp,
        lastTransitionTime: stamp,
        reason,
        message,
      });
    };
    const startTime = previous.startTime ?? (spec.suspend ? undefined : stamp);
    let completionTime = previous.completionTime;
    let requeueAfterMs: number | undefined;

    const deleteActive = () => {
      for (const pod of active) {
        try {
          api.delete(types.pods, namespace, pod.metadata?.name ?? '');
          record(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata?.name ?? ''}`);
        } catch (error) {
          if (!isNotFound(error)) throw error;
        }
      }
    };

    const completions = spec.completions === null ? undefined : (spec.completions ?? 1);
    const parallelism = spec.parallelism ?? 1;
    const backoffLimit = spec.backoffLimit ?? 6;
    const restarts =
      (job['spec'] as { template?: { spec?: { restartPolicy?: string } } }).template?.spec
        ?.restartPolicy === 'OnFailure'
        ? active.reduce((total, pod) => total + containerRestarts(pod), 0)
        : 0;
    const deadline = spec.activeDeadlineSeconds;
    const started = startTime ? Date.parse(startTime) : now;
    let failure: { reason: string; message: string } | undefined;
    const pastRestartLimit = restarts > 0 && (backoffLimit === 0 || restarts >= backoffLimit);
    if (failed > backoffLimit || pastRestartLimit) {
      failure = {
        reason: 'BackoffLimitExceeded',
        message: 'Job has reached the specified backoff limit',
      };
    } else if (deadline !== undefined && !spec.suspend && now - started >= deadline * 1000) {
      failure = {
        reason: 'DeadlineExceeded',
        message: 'Job was active longer than specified deadline',
      };
    }
    const complete =
      !failure &&
      (completions !== undefined ? succeeded >= completions : succeeded > 0 && active.length === 0);

    if (failure) {
      deleteActive();
      addCondition('FailureTarget', failure.reason, failure.message);
      addCondition('Failed', failure.reason, failure.message);
      record(job, 'Warning', failure.reason, failure.message);
    } else if (complete) {
      deleteActive();
      addCondition(
        'SuccessCriteriaMet',
        'CompletionsReached',
        'Reached expected number of succeeded pods',
      );
      addCondition('Complete', 'CompletionsReached', 'Reached expected number of succeeded pods');
      completionTime = stamp;
      record(job, 'Normal', 'Completed', 'Job completed');
    } else if (spec.suspend) {
      deleteActive();
      addCondition('Suspended', 'JobSuspended', 'Job suspended');
    } else {
      const suspendedIndex = conditions.findIndex((condition) => condition.type === 'Suspended');
      if (suspendedIndex >= 0) {
        conditions[suspendedIndex] = {
          ...(conditions[suspendedIndex] as JobCondition),
          status: 'False',
          lastProbeTime: stamp,
          lastTransitionTime: stamp,
          reason: 'JobResumed',
          message: 'Job resumed',
        };
      }
      const remaining = completions !== undefined ? completions - succeeded : parallelism;
      const wanted = Math.max(0, Math.min(parallelism, remaining));
      const lastFailure = lastFailureAt.get(uid);
      const backoff =
        failed > 0 ? Math.min(maxPodFailureBackoffMs, podFailureBackoffMs * 2 ** (failed - 1)) : 0;
      const allowedAt = lastFailure !== undefined ? lastFailure + backoff : now;
      if (active.length < wanted && now < allowedAt) {
        requeueAfterMs = allowedAt - now;
      } else if (active.length < wanted) {
        for (let index = active.length; index < wanted; index++) {
          try {
            const created = api.create(
              types.pods,
              namespace,
              podFromTemplate({
                template: spec.template ?? {},
                owner: job,
                generateName: `${name}-`,
              }),
            ).object;
            record(
              job,
              'Normal',
              'SuccessfulCreate',
              `Created pod: ${created.metadata?.name ?? ''}`,
            );
          } catch (error) {
            if (!(error instanceof StatusError)) throw error;
            record(job, 'Warning', 'FailedCreate', `Error creating: ${error.message}`);
            requeueAfterMs = 10_000;
            break;
          }
        }
      } else if (active.length > wanted) {
        for (const pod of active.slice(wanted)) {
          try {
            api.delete(types.pods, namespace, pod.metadata?.name ?? '');
            record(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata?.name ?? ''}`);
          } catch (error) {
            if (!isNotFound(error)) throw error;
          }
        }
      }
      if (deadline !== undefined && requeueAfterMs === undefined) {
        requeueAfterMs = Math.max(0, started + deadline * 1000 - now);
      }
    }

    const current = pods.ownedBy(uid);
    const activeNow = current.filter(isPodActive);
    const status: JobStatus = {
      ...(conditions.length > 0 ? { conditions } : {}),
      ...(startTime ? { startTime } : {}),
      ...(completionTime ? { completionTime } : {}),
      ...(activeNow.length ? { active: activeNow.length } : {}),
      ...(succeeded ? { succeeded } : {}),
      ...(failed ? { failed } : {}),
      terminating: current.filter((pod) => pod.metadata?.deletionTimestamp).length,
      uncountedTerminatedPods: {},
      ready: activeNow.filter((pod) => isPodReady(pod)).length,
    };
    if (stableJson(status) !== stableJson(previous)) {
      writeStatus(api, types.jobs, namespace, name, status, uid);
    }
    if ((failure || complete) && spec.ttlSecondsAfterFinished !== undefined) {
      requeueAfterMs = spec.ttlSecondsAfterFinished * 1000;
    }
    return requeueAfterMs !== undefined ? { requeueAfterMs } : undefined;
  };

  const queue = new WorkQueue({ name: jobControllerName, clock, reconcile });
  const keyOf = (object: KubeObject) =>
    `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
  for (const entry of api.store.list(types.jobs.storageKey)) queue.add(keyOf(entry.object));
  const unsubscribeJobs = api.store.subscribe(types.jobs.storageKey, (event) => {
    if (event.type === 'DELETED') {
      counted.delete(event.record.object.metadata?.uid ?? '');
      lastFailureAt.delete(event.record.object.metadata?.uid ?? '');
      return;
    }
    if (onlyStatusChanged(event)) return;
    queue.add(keyOf(event.record.object));
  });
  const unsubscribePods = pods.onChange((change) => {
    const owner = change.pod.metadata?.ownerReferences?.find(
      (reference) => reference.controller && reference.kind === 'Job',
    );
    if (owner) queue.add(`${change.pod.metadata?.namespace ?? ''}/${owner.name}`);
  });
  return {
    stop: () => {
      unsubscribeJobs();
      unsubscribePods();
      queue.stop();
    },
  };
}
