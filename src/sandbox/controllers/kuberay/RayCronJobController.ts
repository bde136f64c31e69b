import { StatusError } from '../../apiserver/statusError.ts';
import { type ReconcileResult, WorkQueue } from '../WorkQueue.ts';
import { controllerReference } from './controllerReference.ts';
import { CronSchedule } from './CronSchedule.ts';
import { kubeRayConstants } from './kubeRayConstants.ts';
import { splitKey } from './KubeRayIndex.ts';
import { errorMessage, type KubeRayRuntime, timestampOf } from './KubeRayRuntime.ts';
import type { RayCronJob } from './RayCronJob.ts';
import type { RayJob } from './RayJob.ts';
import { validateRayJob } from './validateRayJob.ts';

const controllerName = 'raycronjob-controller';
const { labels: labelKeys, annotations: annotationKeys } = kubeRayConstants;

/** Requeue after errors (`RayCronJobDefaultRequeueDuration`), in ms. */
const errorRequeueMs = 2_000;

/** KubeRay `ValidateRayCronJobSpec`: the error message, or undefined when valid. */
export function validateRayCronJob(
  cronJob: RayCronJob,
  gates: Readonly<Record<string, boolean>>,
): string | undefined {
  const name = cronJob.metadata.name ?? '';
  const max = kubeRayConstants.maxNameLength.RayCronJob;
  if (name.length > max) return `RayCronJob name should be no more than ${max} characters`;
  if (cronJob.spec.schedule.includes('TZ'))
    return 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead';
  try {
    new CronSchedule(cronJob.spec.schedule);
  } catch (error) {
    return `invalid cron schedule: ${errorMessage(error)}`;
  }
  const timeZone = cronJob.spec.timeZone;
  if (timeZone !== undefined) {
    if (timeZone === '')
      return 'timeZone must not be empty string, omit the field to use the local time zone of the KubeRay operator';
    try {
      new CronSchedule('* * * * *', timeZone);
    } catch {
      return `invalid time zone: unknown time zone ${timeZone}`;
    }
  }
  const template: RayJob = {
    apiVersion: kubeRayConstants.apiVersion,
    kind: 'RayJob',
    metadata: { name: 'template' },
    spec: cronJob.spec.jobTemplate,
  };
  const invalid = validateRayJob(template, gates);
  if (invalid && invalid.reason !== 'InvalidRayJobMetadata')
    return `invalid RayJob template: ${invalid.message}`;
  return undefined;
}

/**
 * The simulated KubeRay RayCronJob controller (kuberay-api.md §1.6, gate `RayCronJob`): at each
 * schedule tick after the last one (or the creation time) it creates the RayJob
 * `<cronjob>-<unix minute>` from `jobTemplate`, labelled `ray.io/cronjob-name`, annotated with the
 * scheduled time and owned by the RayCronJob, and records `status.lastScheduleTime`. Missed ticks
 * are caught up one per reconcile, as KubeRay does; `suspend` stops scheduling.
 */
export class RayCronJobController {
  readonly queue: WorkQueue;
  private readonly runtime: KubeRayRuntime;
  /** `namespace/name/uid` → simulated time the controller first saw the RayCronJob. */
  private readonly firstSeen = new Map<string, number>();

  constructor(runtime: KubeRayRuntime) {
    this.runtime = runtime;
    this.queue = new WorkQueue({
      name: controllerName,
      clock: runtime.context.clock,
      reconcile: (key) => this.reconcile(key),
      onError: (key, error) =>
        process.emitWarning(`${controllerName} ${key}: ${errorMessage(error)}`),
    });
  }

  private forget(namespace: string, name: string): void {
    const prefix = `${namespace}/${name}/`;
    for (const seen of [...this.firstSeen.keys()])
      if (seen.startsWith(prefix)) this.firstSeen.delete(seen);
  }

  /** Reconciles the RayCronJob `namespace/name`. */
  reconcile(key: string): ReconcileResult {
    const { namespace, name } = splitKey(key);
    const runtime = this.runtime;
    const cronJob = runtime.find<RayCronJob>('rayCronJobs', namespace, name);
    if (!cronJob || cronJob.metadata.deletionTimestamp) {
      if (!cronJob) this.forget(namespace, name);
      return;
    }
    const invalid = validateRayCronJob(cronJob, runtime.gates);
    if (invalid) {
      runtime.event(
        controllerName,
        cronJob,
        'Warning',
        'InvalidRayCronJobSpec',
        `${namespace}/${name}: ${invalid}`,
        'Validate',
      );
      return;
    }
    if (cronJob.spec.suspend) {
      runtime.event(
        controllerName,
        cronJob,
        'Normal',
        'SuspendedRayCronJob',
        'RayCronJob suspended, no new RayJobs will be created',
        'Suspend',
      );
      return;
    }
    const schedule = new CronSchedule(cronJob.spec.schedule, cronJob.spec.timeZone ?? 'UTC');
    const now = runtime.nowMs();
    // lastScheduleTime is simulated time; creationTimestamp is wall-clock time (metadata).
    const lastScheduled = Date.parse(cronJob.status?.lastScheduleTime ?? '');
    const created = Date.parse(cronJob.metadata.creationTimestamp ?? '');
    const earliest =
      (Number.isNaN(lastScheduled)
        ? Number.isNaN(created)
          ? undefined
          : runtime.context.clock.simTimeOf(created)
        : lastScheduled) ?? now;
    const scheduled = schedule.next(earliest);
    if (scheduled === undefined) return;
    if (scheduled > now) return { requeueAfterMs: scheduled - now };

    const rayJobName = `${name}-${Math.floor(scheduled / 60_000)}`;
    try {
      runtime.create('rayJobs', {
        apiVersion: kubeRayConstants.apiVersion,
        kind: 'RayJob',
        metadata: {
          name: rayJobName,
          namespace,
          labels: { [labelKeys.cronJobName]: name },
          annotations: { [annotationKeys.cronJobScheduledTimestamp]: timestampOf(scheduled) },
          ownerReferences: [controllerReference(cronJob)],
        },
        spec: structuredClone(cronJob.spec.jobTemplate),
      });
    } catch (error) {
      if (!(error instanceof StatusError)) throw error;
      if (error.reason !== 'AlreadyExists') return { requeueAfterMs: errorRequeueMs };
    }
    try {
      runtime.writeStatus('rayCronJobs', cronJob, {
        ...(cronJob.status ?? {}),
        lastScheduleTime: timestampOf(scheduled),
      });
    } catch (error) {
      if (!(error instanceof StatusError)) throw error;
      return { requeueAfterMs: errorRequeueMs };
    }
    const next = schedule.next(scheduled);
    return next === undefined ? undefined : { requeueAfterMs: Math.max(0, next - now) };
  }
}
