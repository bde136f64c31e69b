import type { JobDeploymentStatus, JobPhase, JobWhy, RayJobStatus } from '../api/jobSchemas.ts';
import { jobDeploymentStatuses, rayJobStatuses } from '../api/jobSchemas.ts';

/** Ray's job status from any text (Ray Jobs API `status`, RayJob `status.jobStatus`). */
export function parseRayJobStatus(value: unknown): RayJobStatus | undefined {
  return rayJobStatuses.find((status) => status === value);
}

/** KubeRay's `jobDeploymentStatus` from any text; `""` (New) and unknown values are undefined. */
export function parseJobDeploymentStatus(value: unknown): JobDeploymentStatus | undefined {
  return jobDeploymentStatuses.find((status) => status === value);
}

/**
 * The portal's one phase from Ray's job status and (for RayJobs) KubeRay's deployment status.
 * Ray's terminal states win; then KubeRay's terminal states (a RayJob can fail before Ray ever
 * sees the job: validation, submitter, deadline); then Ray's PENDING/RUNNING; a RayJob without a
 * Ray status is `Waiting` (its cluster is on its way), a submission `Pending`.
 * @see kuberay-api.md §1.4 (RayJob status) and §4.1 (JobStatus)
 */
export function deriveJobPhase(
  rayStatus: RayJobStatus | undefined,
  deploymentStatus: JobDeploymentStatus | undefined,
): JobPhase {
  if (rayStatus === 'SUCCEEDED') return 'Succeeded';
  if (rayStatus === 'FAILED') return 'Failed';
  if (rayStatus === 'STOPPED') return 'Stopped';
  if (deploymentStatus === 'Failed' || deploymentStatus === 'ValidationFailed') return 'Failed';
  if (deploymentStatus === 'Complete') return 'Succeeded';
  if (deploymentStatus === 'Suspended' || deploymentStatus === 'Suspending') return 'Waiting';
  if (rayStatus === 'RUNNING') return 'Running';
  if (rayStatus === 'PENDING') return 'Pending';
  return deploymentStatus === undefined ? 'Pending' : 'Waiting';
}

/**
 * "Why is it not running" in plain words, from the phase and KubeRay's reason or Ray's error type;
 * undefined for a job that runs or succeeded.
 */
export function explainJob(input: {
  phase: JobPhase;
  kind: 'rayjob' | 'submission';
  reason?: string | undefined;
  message?: string | undefined;
  deploymentStatus?: JobDeploymentStatus | undefined;
}): JobWhy | undefined {
  const { phase, reason, message } = input;
  const detail = message ? ` Ray says: ${message}` : '';
  if (phase === 'Lost') {
    return {
      code: 'cluster-gone',
      message: 'The cluster went away before the job finished; the log up to then is kept.',
    };
  }
  if (reason === 'DeadlineExceeded' || reason === 'PreRunningDeadlineExceeded') {
    return {
      code: 'deadline-exceeded',
      message: `The job ran past its deadline (activeDeadlineSeconds) and KubeRay stopped it.${detail}`,
    };
  }
  if (reason === 'SubmissionFailed') {
    return {
      code: 'submitter-failed',
      message: `The submitter Job that hands the job to Ray failed; see its log.${detail}`,
    };
  }
  if (reason === 'ValidationFailed' || input.deploymentStatus === 'ValidationFailed') {
    return { code: 'validation-failed', message: `KubeRay refused the RayJob.${detail}` };
  }
  if (reason === 'RUNTIME_ENV_SETUP_FAILURE') {
    return {
      code: 'runtime-env',
      message: `Ray could not set up the runtime environment (pip, working dir).${detail}`,
    };
  }
  if (phase === 'Failed' || phase === 'Stopped') {
    return phase === 'Failed' ? { code: 'failed', message: `The job failed.${detail}` } : undefined;
  }
  if (input.deploymentStatus === 'Suspended' || input.deploymentStatus === 'Suspending') {
    return {
      code: 'suspended',
      message: 'The RayJob is suspended (queued by Kueue or by hand); it starts when admitted.',
    };
  }
  if (phase === 'Waiting') {
    return {
      code: 'waiting-for-cluster',
      message: "The job's Ray cluster is being created or is not ready yet.",
    };
  }
  if (phase === 'Pending') {
    return {
      code: 'pending-resources',
      message: `Ray has the job but has not started it: it waits for its runtime environment or for free resources (CPUs, GPUs) on the cluster.${detail}`,
    };
  }
  return undefined;
}
