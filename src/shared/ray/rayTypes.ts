import type {
  KubeCondition,
  KubeObjectMeta,
  PodTemplateSpec,
  ResourceRequirements,
  ServiceResource,
} from '../k8s/kubeTypes.ts';

/**
 * Shapes of the KubeRay custom resources (group `ray.io`, version `v1`) as JSON, with the
 * fields Raydeck reads. Field names are those of KubeRay's Go types
 * (`ray-operator/apis/ray/v1/{raycluster,rayjob,rayservice}_types.go`, v1.7 line).
 * @see https://ray-project.github.io/kuberay/reference/api/
 */

/** RayCluster condition types, as written on the wire (`ReplicaFailure` has no `RayCluster` prefix). */
export const RayClusterConditionType = {
  headPodReady: 'HeadPodReady',
  provisioned: 'RayClusterProvisioned',
  replicaFailure: 'ReplicaFailure',
  suspending: 'RayClusterSuspending',
  suspended: 'RayClusterSuspended',
} as const;
/** One of the RayCluster condition types KubeRay sets. */
export type RayClusterConditionType =
  (typeof RayClusterConditionType)[keyof typeof RayClusterConditionType];

/** Pod labels KubeRay sets on every Ray pod (not overridable for cluster, node type, group). */
export const RayLabel = {
  cluster: 'ray.io/cluster',
  nodeType: 'ray.io/node-type',
  group: 'ray.io/group',
  identifier: 'ray.io/identifier',
  isRayNode: 'ray.io/is-ray-node',
  originatedFromCrName: 'ray.io/originated-from-cr-name',
  originatedFromCrd: 'ray.io/originated-from-crd',
} as const;

/** `ray.io/group` value of the head pod. */
export const headGroupLabelValue = 'headgroup';

/** `headGroupSpec.ingressOptions` (KubeRay ≥ 1.6). */
export interface RayIngressOptions {
  host?: string;
  /** Default `/`. */
  path?: string;
  pathType?: 'Exact' | 'Prefix' | 'ImplementationSpecific';
}

/** `spec.headGroupSpec`. */
export interface HeadGroupSpec {
  template: PodTemplateSpec;
  rayStartParams?: Readonly<Record<string, string>>;
  /** `ClusterIP` (headless by default), `NodePort`, `LoadBalancer`. */
  serviceType?: string;
  headService?: Partial<ServiceResource>;
  enableIngress?: boolean;
  ingressOptions?: RayIngressOptions;
  resources?: Readonly<Record<string, string>>;
  labels?: Readonly<Record<string, string>>;
}

/** One entry of `spec.workerGroupSpecs`. */
export interface WorkerGroupSpec {
  groupName: string;
  /** Default 0; clamped to [minReplicas, maxReplicas] by the operator. */
  replicas?: number;
  /** Default 0. */
  minReplicas?: number;
  /** Default 2147483647. */
  maxReplicas?: number;
  /** Pods per replica (multi-host TPU). Default 1. */
  numOfHosts?: number;
  /** Internal (RayJob DeleteWorkers); a suspended group wants 0 pods. */
  suspend?: boolean;
  idleTimeoutSeconds?: number;
  rayStartParams?: Readonly<Record<string, string>>;
  template: PodTemplateSpec;
  scaleStrategy?: { workersToDelete?: readonly string[] };
  resources?: Readonly<Record<string, string>>;
  labels?: Readonly<Record<string, string>>;
}

/** `spec` of a RayCluster (and `rayClusterSpec` / `rayClusterConfig` of RayJob / RayService). */
export interface RayClusterSpec {
  headGroupSpec: HeadGroupSpec;
  workerGroupSpecs?: readonly WorkerGroupSpec[];
  rayVersion?: string;
  enableInTreeAutoscaling?: boolean;
  autoscalerOptions?: {
    resources?: ResourceRequirements;
    idleTimeoutSeconds?: number;
    /** `Default`, `Aggressive` or `Conservative` (KubeRay's `UpscalingMode`). */
    upscalingMode?: string;
  };
  /** Deletes all pods; conditions go RayClusterSuspending → RayClusterSuspended. */
  suspend?: boolean;
  managedBy?: string;
  authOptions?: { mode?: 'disabled' | 'token'; secretName?: string };
  gcsFaultToleranceOptions?: { redisAddress?: string; backend?: string };
  headServiceAnnotations?: Readonly<Record<string, string>>;
}

/** `status.head`. With a headless head service, `serviceIP` is the head pod IP. */
export interface RayClusterHeadInfo {
  podIP?: string;
  serviceIP?: string;
  podName?: string;
  serviceName?: string;
}

/** `status` of a RayCluster. */
export interface RayClusterStatus {
  /**
   * Deprecated and sticky: becomes `ready` once and is never reset when pods later fail (only to
   * `suspended`). Raydeck never derives a phase from it.
   */
  state?: string;
  reason?: string;
  conditions?: readonly KubeCondition[];
  /** Worker pods Running and Ready. Omitted when 0. */
  readyWorkerReplicas?: number;
  /** Worker pods Running. */
  availableWorkerReplicas?: number;
  /** Σ clamp(replicas, min, max) × numOfHosts over non-suspended groups. */
  desiredWorkerReplicas?: number;
  minWorkerReplicas?: number;
  maxWorkerReplicas?: number;
  /** Quantities, e.g. `"9"`, `"20Gi"`, `"2"`. */
  desiredCPU?: string;
  desiredMemory?: string;
  desiredGPU?: string;
  desiredTPU?: string;
  /** Head service port name → port (nodePort when set), e.g. `{ dashboard: '8265' }`. */
  endpoints?: Readonly<Record<string, string>>;
  head?: RayClusterHeadInfo;
  lastUpdateTime?: string;
  stateTransitionTimes?: Readonly<Record<string, string>>;
  observedGeneration?: number;
}

/** A `ray.io/v1` RayCluster. */
export interface RayClusterResource {
  apiVersion?: string;
  kind?: string;
  metadata: KubeObjectMeta;
  spec: RayClusterSpec;
  status?: RayClusterStatus;
}

/** `status` of a RayJob. */
export interface RayJobStatus {
  /** Ray's job status: `PENDING`, `RUNNING`, `STOPPED`, `SUCCEEDED`, `FAILED`, or empty (new). */
  jobStatus?: string;
  /**
   * `Initializing`, `Running`, `Complete`, `Failed`, `ValidationFailed`, `Suspending`,
   * `Suspended`, `Retrying`, `Waiting`, or empty (new).
   */
  jobDeploymentStatus?: string;
  /** E.g. `SubmissionFailed`, `DeadlineExceeded`, `AppFailed`, `ValidationFailed`. */
  reason?: string;
  message?: string;
  jobId?: string;
  rayClusterName?: string;
  /** `<head-svc>.<ns>.svc.cluster.local:8265`, without a scheme. */
  dashboardURL?: string;
  startTime?: string;
  endTime?: string;
  succeeded?: number;
  failed?: number;
  rayClusterStatus?: RayClusterStatus;
  observedGeneration?: number;
}

/** A `ray.io/v1` RayJob. */
export interface RayJobResource {
  apiVersion?: string;
  kind?: string;
  metadata: KubeObjectMeta;
  spec: {
    entrypoint?: string;
    runtimeEnvYAML?: string;
    jobId?: string;
    entrypointNumCpus?: number;
    entrypointNumGpus?: number;
    entrypointResources?: string;
    rayClusterSpec?: RayClusterSpec;
    clusterSelector?: Readonly<Record<string, string>>;
    /** Default `K8sJobMode`. */
    submissionMode?: string;
    shutdownAfterJobFinishes?: boolean;
    ttlSecondsAfterFinished?: number;
    activeDeadlineSeconds?: number;
    backoffLimit?: number;
    suspend?: boolean;
  };
  status?: RayJobStatus;
}

/** One `applicationStatuses` entry of a RayService cluster status. */
export interface RayServeApplicationStatus {
  /** `NOT_STARTED`, `DEPLOYING`, `RUNNING`, `DEPLOY_FAILED`, `DELETING`, `UNHEALTHY`. */
  status?: string;
  message?: string;
  serveDeploymentStatuses?: Readonly<Record<string, { status?: string; message?: string }>>;
}

/** `activeServiceStatus` / `pendingServiceStatus` of a RayService. */
export interface RayServiceClusterStatus {
  rayClusterName?: string;
  rayClusterStatus?: RayClusterStatus;
  applicationStatuses?: Readonly<Record<string, RayServeApplicationStatus>>;
}

/** A `ray.io/v1` RayService. */
export interface RayServiceResource {
  apiVersion?: string;
  kind?: string;
  metadata: KubeObjectMeta;
  spec: {
    rayClusterConfig: RayClusterSpec;
    /** Multi-line YAML Serve config. */
    serveConfigV2?: string;
    serveService?: Partial<ServiceResource>;
    upgradeStrategy?: { type?: string };
    suspend?: boolean;
  };
  status?: {
    /** Types `Ready`, `UpgradeInProgress`, `RollbackInProgress`, `Suspending`, `Suspended`. */
    conditions?: readonly KubeCondition[];
    /** Deprecated: `Running` or empty. */
    serviceStatus?: string;
    numServeEndpoints?: number;
    activeServiceStatus?: RayServiceClusterStatus;
    pendingServiceStatus?: RayServiceClusterStatus;
    observedGeneration?: number;
  };
}
