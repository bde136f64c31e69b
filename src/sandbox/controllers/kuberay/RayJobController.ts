import { jsonEqual, randomNameSuffix } from '../../apiserver/objectMetaHelpers.ts';
import type { KubeObject } from '../../apiserver/resourceType.ts';
import { StatusError } from '../../apiserver/statusError.ts';
import { exitContainer } from '../core/kubelet.ts';
import { type ReconcileResult, WorkQueue } from '../WorkQueue.ts';
import { buildOwnerHeadService, servicePortsOf } from './buildHeadService.ts';
import { headServiceName } from './buildRayPod.ts';
import { buildSidecarSubmitter, buildSubmitterJob } from './buildSubmitterJob.ts';
import { isRayClusterStatusInconsistent } from './computeRayClusterStatus.ts';
import { controllerReference } from './controllerReference.ts';
import { kubeRayConstants, kubeRayTimings } from './kubeRayConstants.ts';
import { namespacedKey, splitKey } from './KubeRayIndex.ts';
import { errorMessage, type KubeRayRuntime, timestampOf } from './KubeRayRuntime.ts';
import type { Pod, RayCluster, Service } from './RayCluster.ts';
import type { RayHeadApi, RayJobInfo } from './RayHeadRegistry.ts';
import {
  type DeletionPolicy,
  type DeletionRule,
  isJobTerminal,
  jobDeploymentStatuses as phases,
  type RayJob,
  type RayJobStatus,
} from './RayJob.ts';
import { parseRuntimeEnv, validateRayJob } from './validateRayJob.ts';
import { withZeroValueSpec } from './withZeroValueSpec.ts';

const controllerName = 'rayjob-controller';
const { labels: labelKeys, annotations: annotationKeys, finalizers } = kubeRayConstants;

/** A batch/v1 Job, as far as the RayJob controller reads it. */
interface BatchJob extends KubeObject {
  status?: {
    conditions?: {
      type: string;
      status: string;
      reason?: string;
      message?: string;
      lastTransitionTime?: string;
    }[];
  };
}

function parseTime(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

function submissionModeOf(rayJob: RayJob): string {
  return rayJob.spec.submissionMode || 'K8sJobMode';
}

function isSelectorMode(rayJob: RayJob): boolean {
  return Object.keys(rayJob.spec.clusterSelector ?? {}).length > 0;
}

function hasSubmitter(rayJob: RayJob): boolean {
  const mode = submissionModeOf(rayJob);
  return mode === 'K8sJobMode' || mode === 'SidecarMode';
}

/**
 * The simulated KubeRay RayJob controller: the state machine of kuberay-api.md §2.6
 * (`rayjob_controller.go`) with its submission modes, retries, deadlines, suspension, deletion
 * strategies and the `ray.io/rayjob-finalizer`. The Ray job runs on the cluster's Ray head
 * simulation.
 *
 * K8sJobMode coordination (the simulation's choice): the submitter batch/v1 Job is created as
 * KubeRay builds it, and the simulated kubelet runs its pod. When that pod is Running, the
 * controller performs what its `ray job submit --no-wait` would (submits the job to the head with
 * the RayJob's submission id, unless already known); when the Ray job reaches a terminal state,
 * the controller ends the pod as its `ray job logs --follow` would end it: the pod's status is
 * written Succeeded (exit code 0) for SUCCEEDED/STOPPED or Failed (exit code 1) for FAILED. The
 * batch Job controller then completes or retries the Job, which the RayJob follows as in KubeRay.
 * SidecarMode submits when the head is ready and treats the Ray job's end as the sidecar's exit.
 */
export class RayJobController {
  readonly queue: WorkQueue;
  private readonly runtime: KubeRayRuntime;

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

  private event(
    rayJob: RayJob,
    type: 'Normal' | 'Warning',
    reason: string,
    note: string,
    action: string,
  ): void {
    this.runtime.event(controllerName, rayJob, type, reason, note, action);
  }

  /** Brings the RayJob `namespace/name` one step along its state machine. */
  reconcile(key: string): ReconcileResult {
    const { namespace, name } = splitKey(key);
    const runtime = this.runtime;
    const found = runtime.find<RayJob>('rayJobs', namespace, name);
    if (!found) {
      runtime.heads.unalias(namespace, `${name}-head-svc`);
      return;
    }
    const rayJob = withZeroValueSpec(found);
    const managedBy = rayJob.spec.managedBy;
    if (managedBy && managedBy !== kubeRayConstants.managedByKubeRay) return;
    if (rayJob.metadata.deletionTimestamp) return this.finalize(rayJob);

    const original = rayJob.status ?? {};
    const invalid = validateRayJob(rayJob, runtime.gates);
    if (invalid) {
      this.event(
        rayJob,
        'Warning',
        invalid.reason,
        `${namespace}/${name}: ${invalid.message}`,
        'Validate',
      );
      const status: RayJobStatus = {
        ...original,
        jobDeploymentStatus: phases.validationFailed,
        reason: 'ValidationFailed',
        message: invalid.message,
      };
      if (!jsonEqual(status, original)) this.writeStatus(rayJob, status);
      return;
    }

    const status: RayJobStatus = structuredClone(original);
    const requeue = { requeueAfterMs: kubeRayTimings.rayJobRequeueMs };
    switch (status.jobDeploymentStatus ?? '') {
      case phases.new: {
        if (!(rayJob.metadata.finalizers ?? []).includes(finalizers.rayJob)) {
          runtime.update('rayJobs', {
            ...rayJob,
            metadata: {
              ...rayJob.metadata,
              finalizers: [...(rayJob.metadata.finalizers ?? []), finalizers.rayJob],
            },
          });
        }
        this.initStatus(rayJob, status);
        break;
      }
      case phases.initializing: {
        if (
          this.toSuspending(rayJob, status) ||
          this.activeDeadline(rayJob, status) ||
          this.preRunningDeadline(rayJob, status)
        )
          break;
        const cluster = this.getOrCreateCluster(rayJob, status);
        if (!cluster) return requeue;
        if (!status.dashboardURL) {
          if (cluster.status?.state !== 'ready') {
            status.rayClusterStatus = cluster.status ?? {};
            break;
          }
          const url = this.dashboardUrl(cluster);
          if (!url) return requeue;
          status.dashboardURL = url;
        }
        const mode = submissionModeOf(rayJob);
        if (mode === 'InteractiveMode') {
          status.jobDeploymentStatus = phases.waiting;
          break;
        }
        if (mode === 'K8sJobMode' && !this.createSubmitterJobIfNeeded(rayJob, status, cluster))
          return requeue;
        status.jobDeploymentStatus = phases.running;
        break;
      }
      case phases.waiting: {
        if (this.preRunningDeadline(rayJob, status)) break;
        if (!rayJob.spec.jobId) return requeue;
        status.jobId = rayJob.spec.jobId;
        status.jobDeploymentStatus = phases.running;
        break;
      }
      case phases.running: {
        if (
          this.toSuspending(rayJob, status) ||
          this.activeDeadline(rayJob, status) ||
          this.transitionGracePeriod(status) ||
          this.statusCheckTimeout(status)
        ) {
          break;
        }
        const cluster = this.getOrCreateCluster(rayJob, status);
        if (!cluster) return requeue;
        if (!this.reconcileHeadService(rayJob, cluster)) return requeue;
        const clusterKey = namespacedKey(namespace, cluster.metadata.name);
        const head = runtime.heads.get(clusterKey);
        let finishedAt: number | undefined;
        if (hasSubmitter(rayJob)) {
          const submitter = this.checkSubmitter(rayJob, status, cluster, head);
          finishedAt = submitter.finishedAt;
          if (
            finishedAt !== undefined &&
            runtime.nowMs() >= finishedAt + kubeRayTimings.submitterFinishedTimeoutMs
          ) {
            status.jobStatus = 'FAILED';
            status.jobDeploymentStatus = phases.failed;
            status.reason = 'JobDeploymentStatusTransitionGracePeriodExceeded';
            status.message = `The RayJob submitter finished at ${goDateTime(finishedAt)} but the ray job did not reach terminal state within 30s`;
            break;
          }
          if (submitter.shouldUpdate) break;
        }
        if (!head) {
          if (!status.jobStatusCheckFailureStartTime)
            status.jobStatusCheckFailureStartTime = runtime.now();
          else return requeue;
          break;
        }
        const info: RayJobInfo | undefined = head.getJob(status.jobId ?? '');
        if (!info) {
          if (submissionModeOf(rayJob) === 'HTTPMode') {
            try {
              head.submitJob(this.submission(rayJob, status));
              if (status.jobStatusCheckFailureStartTime) {
                delete status.jobStatusCheckFailureStartTime;
                break;
              }
            } catch {
              if (!status.jobStatusCheckFailureStartTime) {
                status.jobStatusCheckFailureStartTime = runtime.now();
                break;
              }
            }
            return requeue;
          }
          if (finishedAt !== undefined) {
            status.jobDeploymentStatus = phases.failed;
            status.reason = 'AppFailed';
            status.message = 'Submitter completed but Ray job not found in RayCluster.';
            break;
          }
          return requeue;
        }
        delete status.jobStatusCheckFailureStartTime;
        let terminal = isJobTerminal(info.status);
        if (hasSubmitter(rayJob)) terminal = terminal && finishedAt !== undefined;
        status.rayClusterStatus = cluster.status ?? {};
        status.jobStatus = info.status;
        status.jobDeploymentStatus = terminal
          ? info.status === 'FAILED'
            ? phases.failed
            : phases.complete
          : phases.running;
        status.reason = terminal && info.status === 'FAILED' ? 'AppFailed' : '';
        status.message = info.message;
        status.rayJobInfo = {
          ...(status.rayJobInfo ?? {}),
          ...(info.startTime ? { startTime: timestampOf(info.startTime) } : {}),
          ...(info.endTime ? { endTime: timestampOf(info.endTime) } : {}),
        };
        break;
      }
      case phases.suspending:
      case phases.retrying: {
        const clusterGone = this.deleteCluster(rayJob, status);
        const jobGone = this.deleteSubmitterJob(rayJob);
        if (!clusterGone || !jobGone) return requeue;
        status.rayClusterStatus = {};
        status.rayClusterName = '';
        status.dashboardURL = '';
        status.jobId = '';
        status.message = '';
        status.reason = '';
        status.rayJobInfo = {};
        delete status.jobStatusCheckFailureStartTime;
        status.jobStatus = '';
        status.jobDeploymentStatus =
          status.jobDeploymentStatus === phases.suspending ? phases.suspended : phases.new;
        break;
      }
      case phases.suspended: {
        if (rayJob.spec.suspend) return;
        status.jobStatus = '';
        status.jobDeploymentStatus = phases.new;
        break;
      }
      case phases.complete:
      case phases.failed:
        return this.afterFinished(rayJob);
      default:
        return requeue;
    }
    this.checkBackoffLimit(rayJob, status);
    this.updateStatus(rayJob, original, status);
    return requeue;
  }

  /** Removes the finalizer of a deleted RayJob, stopping its Ray job first when not terminal. */
  private finalize(rayJob: RayJob): ReconcileResult {
    const status = rayJob.status ?? {};
    if (!isJobTerminal(status.jobStatus) && status.rayClusterName && status.jobId) {
      const head = this.runtime.heads.get(
        namespacedKey(rayJob.metadata.namespace, status.rayClusterName),
      );
      try {
        head?.stopJob(status.jobId);
      } catch {
        // KubeRay removes the finalizer whether StopJob succeeds or not.
      }
    }
    if ((rayJob.metadata.finalizers ?? []).includes(finalizers.rayJob)) {
      this.runtime.update('rayJobs', {
        ...rayJob,
        metadata: {
          ...rayJob.metadata,
          finalizers: (rayJob.metadata.finalizers ?? []).filter(
            (finalizer) => finalizer !== finalizers.rayJob,
          ),
        },
      });
    }
    return { requeueAfterMs: kubeRayTimings.rayJobRequeueMs };
  }

  /** KubeRay `initRayJobStatusIfNeed`: job id, cluster name, start time; New → Initializing. */
  private initStatus(rayJob: RayJob, status: RayJobStatus): void {
    const name = rayJob.metadata.name ?? '';
    if (!status.jobId || !status.rayClusterName || !status.jobStatus) {
      if (submissionModeOf(rayJob) !== 'InteractiveMode' && !status.jobId) {
        status.jobId = rayJob.spec.jobId || `${name}-${randomNameSuffix()}`;
      }
      if (!status.rayClusterName) {
        status.rayClusterName =
          rayJob.spec.clusterSelector?.['ray.io/cluster'] || `${name}-${randomNameSuffix()}`;
      }
      status.jobStatus = status.jobStatus ?? '';
    }
    status.jobDeploymentStatus = phases.initializing;
    status.startTime = this.runtime.now();
  }

  private toSuspending(rayJob: RayJob, status: RayJobStatus): boolean {
    if (!rayJob.spec.suspend) return false;
    if (
      status.jobDeploymentStatus !== phases.running &&
      status.jobDeploymentStatus !== phases.initializing
    )
      return false;
    status.jobDeploymentStatus = phases.suspending;
    return true;
  }

  private activeDeadline(rayJob: RayJob, status: RayJobStatus): boolean {
    const seconds = rayJob.spec.activeDeadlineSeconds;
    const start = parseTime(status.startTime);
    if (
      seconds === undefined ||
      start === undefined ||
      this.runtime.nowMs() < start + seconds * 1000
    )
      return false;
    status.jobDeploymentStatus = phases.failed;
    status.reason = 'DeadlineExceeded';
    status.message = `The RayJob has passed the activeDeadlineSeconds. StartTime: ${goTime(start)}. ActiveDeadlineSeconds: ${seconds}`;
    return true;
  }

  private preRunningDeadline(rayJob: RayJob, status: RayJobStatus): boolean {
    const seconds = rayJob.spec.preRunningDeadlineSeconds;
    const start = parseTime(status.startTime);
    if (
      seconds === undefined ||
      start === undefined ||
      this.runtime.nowMs() < start + seconds * 1000
    )
      return false;
    status.jobDeploymentStatus = phases.failed;
    status.reason = 'PreRunningDeadlineExceeded';
    status.message = `The RayJob has passed the preRunningDeadlineSeconds. StartTime: ${goTime(start)}. PreRunningDeadlineSeconds: ${seconds}`;
    return true;
  }

  private transitionGracePeriod(status: RayJobStatus): boolean {
    if (!isJobTerminal(status.jobStatus) || status.jobDeploymentStatus !== phases.running)
      return false;
    const end = parseTime(status.rayJobInfo?.endTime);
    if (
      end === undefined ||
      this.runtime.nowMs() < end + kubeRayTimings.deploymentTransitionGraceMs
    )
      return false;
    status.jobDeploymentStatus = status.jobStatus === 'FAILED' ? phases.failed : phases.complete;
    status.reason = 'JobDeploymentStatusTransitionGracePeriodExceeded';
    status.message =
      'JobDeploymentStatus does not transition to Complete or Failed within the grace period after JobStatus reaches a terminal state.';
    return true;
  }

  private statusCheckTimeout(status: RayJobStatus): boolean {
    const since = parseTime(status.jobStatusCheckFailureStartTime);
    if (
      since === undefined ||
      this.runtime.nowMs() < since + kubeRayTimings.jobStatusCheckTimeoutMs
    )
      return false;
    status.jobDeploymentStatus = phases.failed;
    status.reason = 'JobStatusCheckTimeoutExceeded';
    status.message = `Job status checks have been failing since ${goDateTime(since)}; exceeded timeout of ${kubeRayTimings.jobStatusCheckTimeoutMs / 1000}s`;
    return true;
  }

  /** `<head svc>.<ns>.svc.cluster.local:<dashboard port>` (KubeRay `FetchHeadServiceURL`). */
  private dashboardUrl(cluster: RayCluster): string | undefined {
    const service = this.runtime.find<Service>(
      'services',
      cluster.metadata.namespace,
      headServiceName(cluster),
    );
    const port = service?.spec.ports?.find((candidate) => candidate.name === 'dashboard')?.port;
    if (!service || port === undefined) return undefined;
    return `${service.metadata.name}.${service.metadata.namespace}.svc.${kubeRayConstants.clusterDomain}:${port}`;
  }

  /** KubeRay `getOrCreateRayClusterInstance`. */
  private getOrCreateCluster(rayJob: RayJob, status: RayJobStatus): RayCluster | undefined {
    const runtime = this.runtime;
    const namespace = rayJob.metadata.namespace ?? 'default';
    const clusterName = status.rayClusterName ?? '';
    const existing = runtime.find<RayCluster>('rayClusters', namespace, clusterName);
    if (existing) return existing;
    if (isSelectorMode(rayJob)) {
      this.event(
        rayJob,
        'Warning',
        'RayClusterNotFound',
        `RayCluster ${namespace}/${clusterName} set in the clusterSelector is not found. It must be created manually`,
        'Validate',
      );
      return undefined;
    }
    const cluster = this.constructCluster(rayJob, clusterName, status);
    try {
      const created = runtime.create<RayCluster>('rayClusters', cluster);
      this.event(
        rayJob,
        'Normal',
        'CreatedRayCluster',
        `Created RayCluster ${namespace}/${clusterName}`,
        'Create',
      );
      return created;
    } catch (error) {
      if (!(error instanceof StatusError)) throw error;
      this.event(
        rayJob,
        'Warning',
        'FailedToCreateRayCluster',
        `Failed to create RayCluster ${namespace}/${clusterName}: ${error.message}`,
        'Create',
      );
      return undefined;
    }
  }

  /** KubeRay `constructRayClusterForRayJob`. */
  private constructCluster(rayJob: RayJob, clusterName: string, status: RayJobStatus): KubeObject {
    const mode = submissionModeOf(rayJob);
    const spec = structuredClone(rayJob.spec.rayClusterSpec) as RayCluster['spec'];
    const annotations = { ...(rayJob.metadata.annotations ?? {}) };
    if (mode === 'SidecarMode') {
      annotations[annotationKeys.disableProvisionedHeadRestart] = 'true';
      const head = spec.headGroupSpec.template.spec;
      const port =
        head.containers[0]?.ports?.find((candidate) => candidate.name === 'dashboard')
          ?.containerPort ?? kubeRayConstants.ports.dashboard;
      head.containers.push(
        buildSidecarSubmitter(rayJob, head.containers[0]?.image ?? '', port, status.jobId ?? ''),
      );
      head.restartPolicy = 'Never';
    }
    return {
      apiVersion: kubeRayConstants.apiVersion,
      kind: 'RayCluster',
      metadata: {
        name: clusterName,
        namespace: rayJob.metadata.namespace,
        labels: {
          ...(rayJob.metadata.labels ?? {}),
          [labelKeys.originatedFromCrName]: rayJob.metadata.name ?? '',
          [labelKeys.originatedFromCrd]: 'RayJob',
          [labelKeys.jobSubmissionMode]: mode,
        },
        annotations,
        ownerReferences: [controllerReference(rayJob)],
      },
      spec,
    };
  }

  /** KubeRay `createK8sJobIfNeed`; false when creation failed. */
  private createSubmitterJobIfNeeded(
    rayJob: RayJob,
    status: RayJobStatus,
    cluster: RayCluster,
  ): boolean {
    const runtime = this.runtime;
    const namespace = rayJob.metadata.namespace ?? 'default';
    const name = rayJob.metadata.name ?? '';
    if (runtime.find('jobs', namespace, name)) return true;
    const job = buildSubmitterJob({ ...rayJob, status }, cluster);
    try {
      runtime.create('jobs', job);
    } catch (error) {
      if (!(error instanceof StatusError)) throw error;
      this.event(
        rayJob,
        'Warning',
        'FailedToCreateRayJobSubmitter',
        `Failed to create new Kubernetes Job ${namespace}/${name}: ${error.message}`,
        'Create',
      );
      return false;
    }
    this.event(
      rayJob,
      'Normal',
      'CreatedRayJobSubmitter',
      `Created Kubernetes Job ${namespace}/${name}`,
      'Create',
    );
    return true;
  }

  /** KubeRay `reconcileServices`: `<rayjob>-head-svc` following the current cluster. */
  private reconcileHeadService(rayJob: RayJob, cluster: RayCluster): boolean {
    if (isSelectorMode(rayJob)) return true;
    const runtime = this.runtime;
    const namespace = rayJob.metadata.namespace ?? 'default';
    const desired = buildOwnerHeadService(rayJob, cluster);
    const serviceName = desired.metadata?.name ?? '';
    const dashboardPort =
      servicePortsOf(cluster).get('dashboard') ?? kubeRayConstants.ports.dashboard;
    const existing = runtime.find<Service>('services', namespace, serviceName);
    const clusterName = cluster.metadata.name ?? '';
    try {
      if (!existing) {
        runtime.create('services', desired);
        this.event(
          rayJob,
          'Normal',
          'CreatedService',
          `Created the service ${namespace}/${serviceName}`,
          'Create',
        );
      } else if (existing.spec.selector?.[labelKeys.cluster] !== clusterName) {
        runtime.update('services', {
          ...existing,
          spec: { ...(desired['spec'] as Service['spec']), clusterIP: existing.spec.clusterIP },
        });
        this.event(
          rayJob,
          'Normal',
          'UpdatedService',
          `Updated the service ${namespace}/${serviceName}`,
          'Update',
        );
      }
    } catch (error) {
      if (!(error instanceof StatusError)) throw error;
      const created = !existing;
      this.event(
        rayJob,
        'Warning',
        created ? 'FailedToCreateService' : 'FailedToUpdateService',
        `Failed to ${created ? 'create' : 'update'} the service ${namespace}/${serviceName}, ${error.message}`,
        created ? 'Create' : 'Update',
      );
      return false;
    }
    runtime.heads.alias(
      namespace,
      serviceName,
      namespacedKey(namespace, clusterName),
      dashboardPort,
    );
    return true;
  }

  private submission(rayJob: RayJob, status: RayJobStatus): Parameters<RayHeadApi['submitJob']>[0] {
    const spec = rayJob.spec;
    let resources: Record<string, number> | undefined;
    if (spec.entrypointResources) {
      try {
        resources = JSON.parse(spec.entrypointResources) as Record<string, number>;
      } catch {
        resources = undefined;
      }
    }
    const runtimeEnv = parseRuntimeEnv(spec.runtimeEnvYAML);
    return {
      entrypoint: (spec.entrypoint ?? '').trim(),
      submissionId: status.jobId ?? '',
      ...(runtimeEnv ? { runtimeEnv } : {}),
      ...(spec.metadata ? { metadata: spec.metadata } : {}),
      ...(spec.entrypointNumCpus ? { entrypointNumCpus: spec.entrypointNumCpus } : {}),
      ...(spec.entrypointNumGpus ? { entrypointNumGpus: spec.entrypointNumGpus } : {}),
      ...(resources ? { entrypointResources: resources } : {}),
    };
  }

  /**
   * KubeRay `checkSubmitterAndUpdateStatusIfNeeded`, plus the simulation of what the submitter
   * process does: submit when its pod runs, end its pod when the Ray job ends.
   */
  private checkSubmitter(
    rayJob: RayJob,
    status: RayJobStatus,
    cluster: RayCluster,
    head: RayHeadApi | undefined,
  ): { shouldUpdate: boolean; finishedAt: number | undefined } {
    const runtime = this.runtime;
    const namespace = rayJob.metadata.namespace ?? 'default';
    const jobId = status.jobId ?? '';
    if (submissionModeOf(rayJob) === 'SidecarMode') {
      const headPod = runtime.index
        .podsOfCluster(namespace, cluster.metadata.name ?? '')
        .find(
          (pod) =>
            pod.metadata.labels?.[labelKeys.nodeType] === 'head' && !pod.metadata.deletionTimestamp,
        );
      if (!headPod) {
        status.jobDeploymentStatus = phases.failed;
        status.reason = 'AppFailed';
        status.message = 'Ray head pod not found.';
        return { shouldUpdate: true, finishedAt: undefined };
      }
      const info = head ? this.submitOnce(rayJob, jobId, head) : undefined;
      const sidecar = headPod.status?.containerStatuses?.find(
        (containerStatus) => containerStatus.name === kubeRayConstants.submitterContainerName,
      );
      if (info && isJobTerminal(info.status) && sidecar?.state?.running) {
        const exited = exitContainer(runtime.api, {
          namespace,
          pod: headPod.metadata.name ?? '',
          container: kubeRayConstants.submitterContainerName,
          exitCode: info.status === 'FAILED' ? 1 : 0,
        });
        // Without a simulated kubelet the sidecar's end is the Ray job's end.
        if (!exited) return { shouldUpdate: false, finishedAt: info.endTime ?? runtime.nowMs() };
        return { shouldUpdate: false, finishedAt: undefined };
      }
      const terminated = sidecar?.state?.terminated;
      if (terminated && (terminated.exitCode ?? 0) !== 0) {
        status.jobDeploymentStatus = phases.failed;
        if (status.jobStatus === 'FAILED') {
          status.reason = 'AppFailed';
        } else {
          status.reason = 'SubmissionFailed';
          status.message = `Ray head pod container ${sidecar?.name} terminated with exit code ${terminated.exitCode ?? 0}: ${terminated.reason ?? ''}`;
        }
        return { shouldUpdate: true, finishedAt: parseTime(terminated.finishedAt) };
      }
      return { shouldUpdate: false, finishedAt: parseTime(terminated?.finishedAt) };
    }
    const job = runtime.find<BatchJob>('jobs', namespace, rayJob.metadata.name ?? '');
    if (!job) return { shouldUpdate: false, finishedAt: undefined };
    this.driveSubmitterPods(rayJob, jobId, head);
    let shouldUpdate = false;
    const conditions = job.status?.conditions ?? [];
    const failed = conditions.find(
      (condition) => condition.type === 'Failed' && condition.status === 'True',
    );
    if (failed) {
      shouldUpdate = true;
      status.jobDeploymentStatus = phases.failed;
      if (status.jobStatus === 'FAILED') {
        status.reason = 'AppFailed';
      } else {
        status.reason = 'SubmissionFailed';
        status.message = `Job submission has failed. Reason: ${failed.reason ?? ''}. Message: ${failed.message ?? ''}`;
      }
    }
    const finished = conditions.find(
      (condition) =>
        (condition.type === 'Complete' || condition.type === 'Failed') &&
        condition.status === 'True',
    );
    return { shouldUpdate, finishedAt: parseTime(finished?.lastTransitionTime) };
  }

  /** Submits the Ray job unless the head knows it (`ray job status` else `ray job submit`). */
  private submitOnce(rayJob: RayJob, jobId: string, head: RayHeadApi): RayJobInfo | undefined {
    const known = head.getJob(jobId);
    if (known) return known;
    try {
      head.submitJob(this.submission(rayJob, { ...(rayJob.status ?? {}), jobId }));
    } catch {
      return undefined;
    }
    return head.getJob(jobId);
  }

  /**
   * What the submitter pod's processes would do against the simulated head: submit once its
   * container runs, and exit (0, or 1 for FAILED) when the Ray job ends. The kubelet keeps
   * submitter containers running until then (see {@link submitterContainerPlanner}).
   */
  private driveSubmitterPods(rayJob: RayJob, jobId: string, head: RayHeadApi | undefined): void {
    const runtime = this.runtime;
    const namespace = rayJob.metadata.namespace ?? 'default';
    for (const pod of runtime.index.submitterPodsOf(namespace, rayJob.metadata.name ?? '')) {
      if (pod.status?.phase !== 'Running' || pod.metadata.deletionTimestamp || !head) continue;
      const info = this.submitOnce(rayJob, jobId, head);
      if (!info || !isJobTerminal(info.status)) continue;
      const exitCode = info.status === 'FAILED' ? 1 : 0;
      const container = pod.spec.containers[0]?.name ?? kubeRayConstants.submitterContainerName;
      if (
        !exitContainer(runtime.api, {
          namespace,
          pod: pod.metadata.name ?? '',
          container,
          exitCode,
        })
      ) {
        this.endSubmitterPod(pod, exitCode);
      }
    }
  }

  /**
   * Ends a submitter pod as its finished process would, Succeeded (exit 0) or Failed (exit 1),
   * when no simulated kubelet runs it (unit tests that play the kubelet themselves).
   */
  private endSubmitterPod(pod: Pod, exitCode: number): void {
    const runtime = this.runtime;
    const now = runtime.now();
    const containerName = pod.spec.containers[0]?.name ?? kubeRayConstants.submitterContainerName;
    const started = pod.status?.containerStatuses?.find((status) => status.name === containerName)
      ?.state?.running?.startedAt;
    const reason = exitCode === 0 ? 'Completed' : 'Error';
    const status = {
      ...(pod.status ?? {}),
      phase: exitCode === 0 ? 'Succeeded' : 'Failed',
      conditions: (pod.status?.conditions ?? []).map((condition) =>
        condition.type === 'Ready' || condition.type === 'ContainersReady'
          ? { ...condition, status: 'False', reason: 'PodCompleted', lastTransitionTime: now }
          : condition,
      ),
      containerStatuses: (pod.status?.containerStatuses ?? []).map((containerStatus) =>
        containerStatus.name === containerName
          ? {
              ...containerStatus,
              ready: false,
              started: false,
              state: {
                terminated: {
                  exitCode,
                  reason,
                  ...(started ? { startedAt: started } : {}),
                  finishedAt: now,
                },
              },
            }
          : containerStatus,
      ),
    };
    try {
      runtime.writeStatus('pods', pod, status);
    } catch (error) {
      if (!(error instanceof StatusError)) throw error;
    }
  }

  /** KubeRay `deleteClusterResources`: true once the cluster is gone. */
  private deleteCluster(rayJob: RayJob, status: RayJobStatus): boolean {
    if (isSelectorMode(rayJob)) return true;
    const namespace = rayJob.metadata.namespace ?? 'default';
    const clusterName = status.rayClusterName ?? '';
    const cluster = this.runtime.find<RayCluster>('rayClusters', namespace, clusterName);
    if (!cluster) return true;
    if (cluster.metadata.deletionTimestamp) return false;
    try {
      this.runtime.delete('rayClusters', namespace, clusterName);
    } catch (error) {
      if (!(error instanceof StatusError)) throw error;
      this.event(
        rayJob,
        'Warning',
        'FailedToDeleteRayCluster',
        `Failed to delete cluster ${namespace}/${clusterName}: ${error.message}`,
        'Delete',
      );
      return false;
    }
    this.event(
      rayJob,
      'Normal',
      'DeletedRayCluster',
      `Deleted cluster ${namespace}/${clusterName}`,
      'Delete',
    );
    return this.runtime.find('rayClusters', namespace, clusterName) === undefined;
  }

  /** KubeRay `deleteSubmitterJob`: true once the submitter Job is gone (or there is none). */
  private deleteSubmitterJob(rayJob: RayJob): boolean {
    const mode = submissionModeOf(rayJob);
    if (mode === 'HTTPMode' || mode === 'SidecarMode') return true;
    const namespace = rayJob.metadata.namespace ?? 'default';
    const name = rayJob.metadata.name ?? '';
    const job = this.runtime.find('jobs', namespace, name);
    if (!job) return true;
    if (job.metadata?.deletionTimestamp) return false;
    try {
      this.runtime.delete('jobs', namespace, name, 'Background');
    } catch (error) {
      if (!(error instanceof StatusError)) throw error;
      this.event(
        rayJob,
        'Warning',
        'FailedToDeleteRayJobSubmitter',
        `Failed to delete submitter K8s Job ${namespace}/${name}: ${error.message}`,
        'Delete',
      );
      return false;
    }
    this.event(
      rayJob,
      'Normal',
      'DeletedRayJobSubmitter',
      `Deleted submitter K8s Job ${namespace}/${name}`,
      'Delete',
    );
    return false;
  }

  /** KubeRay `checkBackoffLimitAndUpdateStatusIfNeeded`. */
  private checkBackoffLimit(rayJob: RayJob, status: RayJobStatus): void {
    let failed = status.failed ?? 0;
    let succeeded = status.succeeded ?? 0;
    if (status.jobDeploymentStatus === phases.failed) failed++;
    if (status.jobStatus === 'SUCCEEDED' && status.jobDeploymentStatus === phases.complete)
      succeeded++;
    status.failed = failed;
    status.succeeded = succeeded;
    const limit = rayJob.spec.backoffLimit;
    if (status.jobDeploymentStatus === phases.failed && limit !== undefined && failed < limit + 1) {
      if (status.reason === 'DeadlineExceeded' || status.reason === 'JobStatusCheckTimeoutExceeded')
        return;
      status.jobDeploymentStatus = phases.retrying;
    }
  }

  /** KubeRay `updateRayJobStatus`: writes only when a state-machine field changed. */
  private updateStatus(rayJob: RayJob, old: RayJobStatus, next: RayJobStatus): void {
    const changed =
      (old.jobStatus ?? '') !== (next.jobStatus ?? '') ||
      (old.jobDeploymentStatus ?? '') !== (next.jobDeploymentStatus ?? '') ||
      isRayClusterStatusInconsistent(old.rayClusterStatus, next.rayClusterStatus ?? {}) ||
      (old.jobStatusCheckFailureStartTime ?? '') !== (next.jobStatusCheckFailureStartTime ?? '');
    if (!changed) return;
    if (
      next.jobDeploymentStatus === phases.complete ||
      next.jobDeploymentStatus === phases.failed
    ) {
      next.endTime = this.runtime.now();
    }
    this.writeStatus(rayJob, next);
  }

  private writeStatus(rayJob: RayJob, status: RayJobStatus): void {
    const current = this.runtime.find<RayJob>(
      'rayJobs',
      rayJob.metadata.namespace,
      rayJob.metadata.name ?? '',
    );
    if (!current) return;
    try {
      this.runtime.writeStatus('rayJobs', current, status);
    } catch (error) {
      if (!(error instanceof StatusError)) throw error;
    }
  }

  /** Complete/Failed: deletion strategy, or `shutdownAfterJobFinishes` after the TTL. */
  private afterFinished(rayJob: RayJob): ReconcileResult {
    if (isSelectorMode(rayJob)) return;
    const strategy = rayJob.spec.deletionStrategy;
    if (this.runtime.gates['RayJobDeletionPolicy'] && strategy) {
      if (strategy.deletionRules) return this.applyDeletionRules(rayJob, strategy.deletionRules);
      const status = rayJob.status?.jobStatus;
      const policy =
        status === 'SUCCEEDED'
          ? strategy.onSuccess?.policy
          : status === 'FAILED'
            ? strategy.onFailure?.policy
            : undefined;
      if (!policy || policy === 'DeleteNone') return;
      const due = this.dueAfter(rayJob, rayJob.spec.ttlSecondsAfterFinished ?? 0);
      if (due > 0) return { requeueAfterMs: due + 2000 };
      return this.executePolicy(rayJob, policy);
    }
    if (rayJob.spec.shutdownAfterJobFinishes) {
      const due = this.dueAfter(rayJob, rayJob.spec.ttlSecondsAfterFinished ?? 0);
      if (due > 0) return { requeueAfterMs: due + 2000 };
      if (!this.deleteCluster(rayJob, rayJob.status ?? {}))
        return { requeueAfterMs: kubeRayTimings.rayJobRequeueMs };
    }
    return;
  }

  /** Milliseconds until `endTime + ttlSeconds`, or ≤ 0 when due. */
  private dueAfter(rayJob: RayJob, ttlSeconds: number): number {
    const end = parseTime(rayJob.status?.endTime) ?? this.runtime.nowMs();
    return end + ttlSeconds * 1000 - this.runtime.nowMs();
  }

  /** KubeRay `handleDeletionRules`: the most destructive overdue rule first, one per reconcile. */
  private applyDeletionRules(rayJob: RayJob, rules: readonly DeletionRule[]): ReconcileResult {
    const status = rayJob.status ?? {};
    const overdue: DeletionRule[] = [];
    let nextDue: number | undefined;
    for (const rule of rules) {
      const matches =
        rule.condition.jobStatus !== undefined
          ? rule.condition.jobStatus === status.jobStatus
          : rule.condition.jobDeploymentStatus === status.jobDeploymentStatus;
      if (!matches) continue;
      const due = this.dueAfter(rayJob, rule.condition.ttlSeconds ?? 0);
      if (due > 0) {
        nextDue = nextDue === undefined ? due : Math.min(nextDue, due);
        continue;
      }
      if (this.isPolicyDone(rayJob, rule.policy)) continue;
      overdue.push(rule);
    }
    if (overdue.length > 0) {
      const impact: Record<DeletionPolicy, number> = {
        DeleteSelf: 4,
        DeleteCluster: 3,
        DeleteWorkers: 2,
        DeleteNone: 1,
      };
      const rule = overdue.reduce((best, candidate) =>
        impact[candidate.policy] > impact[best.policy] ? candidate : best,
      );
      this.executePolicy(rayJob, rule.policy);
    }
    return nextDue !== undefined ? { requeueAfterMs: nextDue + 2000 } : undefined;
  }

  private isPolicyDone(rayJob: RayJob, policy: DeletionPolicy): boolean {
    const cluster = this.runtime.find<RayCluster>(
      'rayClusters',
      rayJob.metadata.namespace,
      rayJob.status?.rayClusterName ?? '',
    );
    switch (policy) {
      case 'DeleteWorkers':
        return (
          !cluster ||
          !!cluster.metadata.deletionTimestamp ||
          (cluster.spec.workerGroupSpecs ?? []).every((group) => group.suspend === true)
        );
      case 'DeleteCluster':
        return !cluster || !!cluster.metadata.deletionTimestamp;
      case 'DeleteSelf':
        return false;
      default:
        return true;
    }
  }

  /** KubeRay `executeDeletionPolicy`. */
  private executePolicy(rayJob: RayJob, policy: DeletionPolicy): ReconcileResult {
    const runtime = this.runtime;
    const namespace = rayJob.metadata.namespace ?? 'default';
    if (policy === 'DeleteCluster') {
      this.deleteCluster(rayJob, rayJob.status ?? {});
    } else if (policy === 'DeleteWorkers') {
      const clusterName = rayJob.status?.rayClusterName ?? '';
      const cluster = runtime.find<RayCluster>('rayClusters', namespace, clusterName);
      if (!cluster) return;
      try {
        runtime.update('rayClusters', {
          ...cluster,
          spec: {
            ...cluster.spec,
            workerGroupSpecs: (cluster.spec.workerGroupSpecs ?? []).map((group) => ({
              ...group,
              suspend: true,
            })),
          },
        });
      } catch (error) {
        if (!(error instanceof StatusError)) throw error;
        this.event(
          rayJob,
          'Warning',
          'FailedToUpdateRayCluster',
          `Failed to suspend worker groups in cluster ${namespace}/${clusterName}: ${error.message}`,
          'Update',
        );
        return { requeueAfterMs: kubeRayTimings.rayJobRequeueMs };
      }
      this.event(
        rayJob,
        'Normal',
        'UpdatedRayCluster',
        `Set the \`suspend\` field to true for all worker groups in cluster ${namespace}/${clusterName}`,
        'Update',
      );
    } else if (policy === 'DeleteSelf') {
      runtime.delete('rayJobs', namespace, rayJob.metadata.name ?? '');
    }
    return;
  }
}

/** Go's `time.Time` `%v` formatting in UTC: `2026-01-01 00:00:00 +0000 UTC`. */
function goTime(ms: number): string {
  return `${goDateTime(ms)} +0000 UTC`;
}

/** Go's `time.DateTime` layout: `2006-01-02 15:04:05`. */
function goDateTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}
