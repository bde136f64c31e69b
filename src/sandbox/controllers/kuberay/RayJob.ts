import type { KubeObject, ObjectMeta } from '../../apiserver/resourceType.ts';
import type { PodTemplateSpec, RayClusterSpec, RayClusterStatus } from './RayCluster.ts';

/** `DeletionPolicyType` of kuberay-api.md §1.3. */
export type DeletionPolicy = 'DeleteCluster' | 'DeleteWorkers' | 'DeleteSelf' | 'DeleteNone';

/** One `deletionStrategy.deletionRules[]` entry. */
export interface DeletionRule {
  policy: DeletionPolicy;
  condition: { jobStatus?: string; jobDeploymentStatus?: string; ttlSeconds?: number };
}

/** `RayJobSpec` of kuberay-api.md §1.3. */
export interface RayJobSpec {
  entrypoint?: string;
  runtimeEnvYAML?: string;
  metadata?: Record<string, string>;
  jobId?: string;
  entrypointNumCpus?: number;
  entrypointNumGpus?: number;
  entrypointResources?: string;
  rayClusterSpec?: RayClusterSpec;
  clusterSelector?: Record<string, string>;
  submissionMode?: string;
  submitterPodTemplate?: PodTemplateSpec;
  submitterConfig?: { backoffLimit?: number };
  shutdownAfterJobFinishes?: boolean;
  ttlSecondsAfterFinished?: number;
  activeDeadlineSeconds?: number;
  preRunningDeadlineSeconds?: number;
  backoffLimit?: number;
  suspend?: boolean;
  managedBy?: string;
  deletionStrategy?: {
    onSuccess?: { policy?: DeletionPolicy };
    onFailure?: { policy?: DeletionPolicy };
    deletionRules?: DeletionRule[];
  };
}

/** `RayJobStatus` of kuberay-api.md §1.4. */
export interface RayJobStatus {
  jobStatus?: string;
  jobDeploymentStatus?: string;
  reason?: string;
  message?: string;
  jobId?: string;
  rayClusterName?: string;
  dashboardURL?: string;
  startTime?: string;
  endTime?: string;
  rayJobInfo?: { startTime?: string; endTime?: string };
  succeeded?: number;
  failed?: number;
  rayClusterStatus?: RayClusterStatus;
  jobStatusCheckFailureStartTime?: string;
  observedGeneration?: number;
}

/** A `ray.io/v1` RayJob. */
export interface RayJob extends KubeObject {
  metadata: ObjectMeta;
  spec: RayJobSpec;
  status?: RayJobStatus;
}

/** Ray job statuses (kuberay-api.md §4.1); `''` is KubeRay's `JobStatusNew`. */
export const rayJobStatuses = {
  new: '',
  pending: 'PENDING',
  running: 'RUNNING',
  stopped: 'STOPPED',
  succeeded: 'SUCCEEDED',
  failed: 'FAILED',
} as const;

/** RayJob `jobDeploymentStatus` values (kuberay-api.md §1.4); `''` is New. */
export const jobDeploymentStatuses = {
  new: '',
  initializing: 'Initializing',
  running: 'Running',
  complete: 'Complete',
  failed: 'Failed',
  validationFailed: 'ValidationFailed',
  suspending: 'Suspending',
  suspended: 'Suspended',
  retrying: 'Retrying',
  waiting: 'Waiting',
} as const;

/** Whether a Ray job status is terminal (STOPPED, SUCCEEDED, FAILED). */
export function isJobTerminal(status: string | undefined): boolean {
  return status === 'STOPPED' || status === 'SUCCEEDED' || status === 'FAILED';
}
