import type { KubeObject, ObjectMeta } from '../../apiserver/resourceType.ts';

// The shapes of the KubeRay and Kubernetes objects the simulated operator reads and writes, as
// plain JSON (kuberay-api.md §1 for ray.io/v1, the Kubernetes 1.35 API for the core kinds). Only
// the fields the operator uses are typed; everything else is carried through untouched.

/** `corev1.EnvVar`. */
export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: Record<string, unknown>;
}

/** `corev1.ContainerPort`. */
export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol?: string;
}

/** `corev1.ResourceRequirements`: quantities by resource name. */
export interface ResourceRequirements {
  requests?: Record<string, string | number>;
  limits?: Record<string, string | number>;
}

/** `corev1.Container`, as far as the operator reads and writes it. */
export interface Container {
  name: string;
  image?: string;
  imagePullPolicy?: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  ports?: ContainerPort[];
  resources?: ResourceRequirements;
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
  livenessProbe?: Record<string, unknown>;
  readinessProbe?: Record<string, unknown>;
  securityContext?: Record<string, unknown>;
  [field: string]: unknown;
}

/** `corev1.PodSpec`, as far as the operator reads and writes it. */
export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  volumes?: Record<string, unknown>[];
  restartPolicy?: string;
  serviceAccountName?: string;
  [field: string]: unknown;
}

/** `corev1.PodTemplateSpec`. */
export interface PodTemplateSpec {
  metadata?: {
    name?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [field: string]: unknown;
  };
  spec: PodSpec;
}

/** `metav1.Condition`. */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

/** A `corev1.Service` used as a template (`headGroupSpec.headService`, `serveService`). */
export interface ServiceTemplate {
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: Record<string, unknown> & {
    type?: string;
    ports?: ServicePort[];
    selector?: Record<string, string>;
  };
}

/** `corev1.ServicePort`. */
export interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  nodePort?: number;
  protocol?: string;
  appProtocol?: string;
}

/** `HeadGroupSpec` of kuberay-api.md §1.1. */
export interface HeadGroupSpec {
  template: PodTemplateSpec;
  rayStartParams?: Record<string, string>;
  serviceType?: string;
  headService?: ServiceTemplate;
  enableIngress?: boolean;
  ingressOptions?: {
    host?: string;
    path?: string;
    pathType?: string;
    tls?: Record<string, unknown>[];
  };
  resources?: Record<string, string>;
  labels?: Record<string, string>;
}

/** `WorkerGroupSpec` of kuberay-api.md §1.1. */
export interface WorkerGroupSpec {
  groupName: string;
  template: PodTemplateSpec;
  replicas?: number;
  minReplicas?: number;
  maxReplicas?: number;
  numOfHosts?: number;
  suspend?: boolean;
  idleTimeoutSeconds?: number;
  priority?: number;
  scaleStrategy?: { workersToDelete?: string[] };
  rayStartParams?: Record<string, string>;
  resources?: Record<string, string>;
  labels?: Record<string, string>;
}

/** `AutoscalerOptions` of kuberay-api.md §1.1. */
export interface AutoscalerOptions {
  resources?: ResourceRequirements;
  image?: string;
  imagePullPolicy?: string;
  securityContext?: Record<string, unknown>;
  idleTimeoutSeconds?: number;
  upscalingMode?: 'Default' | 'Aggressive' | 'Conservative';
  version?: 'v1' | 'v2';
  env?: EnvVar[];
  envFrom?: Record<string, unknown>[];
  volumeMounts?: { name: string; mountPath: string }[];
  command?: string[];
  args?: string[];
}

/** `RayClusterSpec` of kuberay-api.md §1.1. */
export interface RayClusterSpec {
  headGroupSpec: HeadGroupSpec;
  workerGroupSpecs?: WorkerGroupSpec[];
  rayVersion?: string;
  enableInTreeAutoscaling?: boolean;
  autoscalerOptions?: AutoscalerOptions;
  suspend?: boolean;
  managedBy?: string;
  gcsFaultToleranceOptions?: Record<string, unknown> & { backend?: string; storage?: unknown };
  headServiceAnnotations?: Record<string, string>;
  upgradeStrategy?: { type?: string };
  authOptions?: { mode?: string; secretName?: string; enableK8sTokenAuth?: boolean };
  networkPolicy?: Record<string, unknown>;
  tlsOptions?: { enabled?: boolean };
  historyServerOptions?: Record<string, unknown>;
}

/** `RayClusterStatus` of kuberay-api.md §1.2. */
export interface RayClusterStatus {
  state?: string;
  reason?: string;
  conditions?: Condition[];
  readyWorkerReplicas?: number;
  availableWorkerReplicas?: number;
  desiredWorkerReplicas?: number;
  minWorkerReplicas?: number;
  maxWorkerReplicas?: number;
  desiredCPU?: string;
  desiredMemory?: string;
  desiredGPU?: string;
  desiredTPU?: string;
  endpoints?: Record<string, string>;
  head?: { podIP?: string; serviceIP?: string; podName?: string; serviceName?: string };
  lastUpdateTime?: string;
  stateTransitionTimes?: Record<string, string>;
  observedGeneration?: number;
}

/** A `ray.io/v1` RayCluster. */
export interface RayCluster extends KubeObject {
  metadata: ObjectMeta;
  spec: RayClusterSpec;
  status?: RayClusterStatus;
}

/** A core/v1 Pod, as far as the operator reads it. */
export interface Pod extends KubeObject {
  metadata: ObjectMeta;
  spec: PodSpec & { nodeName?: string };
  status?: {
    phase?: string;
    reason?: string;
    message?: string;
    podIP?: string;
    hostIP?: string;
    startTime?: string;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    containerStatuses?: ContainerStatus[];
  };
}

/** `corev1.ContainerStatus`. */
export interface ContainerStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  state?: {
    waiting?: { reason?: string; message?: string };
    running?: { startedAt?: string };
    terminated?: { exitCode?: number; reason?: string; message?: string; finishedAt?: string };
  };
}

/** A core/v1 Service, as far as the operator reads it. */
export interface Service extends KubeObject {
  metadata: ObjectMeta;
  spec: {
    type?: string;
    clusterIP?: string;
    ports?: ServicePort[];
    selector?: Record<string, string>;
    [field: string]: unknown;
  };
}
