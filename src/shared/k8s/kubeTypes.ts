/**
 * Minimal shapes of the Kubernetes JSON that Raydeck reads: only the fields its status, explain
 * and GPU logic look at, all optional where the API may omit them. Plain interfaces, never
 * classes: objects arrive as JSON from the API server (or the sandbox) and stay JSON.
 * Field names are the wire names of k8s.io/api v0.35.
 * @see https://kubernetes.io/docs/reference/kubernetes-api/
 */

/** `metav1.ObjectMeta`: identity, labels and lifecycle of every object. */
export interface KubeObjectMeta {
  name?: string;
  /** Prefix the API server completes with 5 random characters when `name` is empty. */
  generateName?: string;
  namespace?: string;
  uid?: string;
  /** Opaque; compare for equality only. */
  resourceVersion?: string;
  /** Bumped by the API server on every spec change of a custom resource. */
  generation?: number;
  /** RFC 3339, e.g. `2026-11-27T09:00:00Z`. */
  creationTimestamp?: string;
  /** Set when deletion was requested; the object lingers while finalizers remain. */
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Readonly<Record<string, string>>;
  annotations?: Readonly<Record<string, string>>;
  finalizers?: readonly string[];
  ownerReferences?: readonly OwnerReference[];
}

/** `metav1.OwnerReference`. */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** `metav1.Condition`, used by custom resources such as RayCluster. */
export interface KubeCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  /** CamelCase machine reason, e.g. `HeadPodRunningAndReady`. */
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

/** A map of resource name to quantity string, e.g. `{ cpu: '500m', 'nvidia.com/gpu': '1' }`. */
export type ResourceList = Readonly<Record<string, string>>;

/** `corev1.ResourceRequirements`. */
export interface ResourceRequirements {
  requests?: ResourceList;
  limits?: ResourceList;
}

/** `corev1.Container`, reduced to what Raydeck reads. */
export interface Container {
  name: string;
  image?: string;
  command?: readonly string[];
  args?: readonly string[];
  resources?: ResourceRequirements;
  ports?: readonly { name?: string; containerPort: number; protocol?: string }[];
  /** `Always` marks a sidecar (restartable init container, Kubernetes ≥ 1.29). */
  restartPolicy?: string;
}

/** `corev1.Toleration`. */
export interface Toleration {
  key?: string;
  /** `Equal` (default) or `Exists`. */
  operator?: 'Equal' | 'Exists';
  value?: string;
  /** Empty matches every effect. */
  effect?: '' | 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  tolerationSeconds?: number;
}

/** `corev1.NodeSelectorRequirement`. */
export interface NodeSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  values?: readonly string[];
}

/** `corev1.Affinity`, node affinity only (pod affinity is passed through untyped). */
export interface Affinity {
  nodeAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: {
      nodeSelectorTerms: readonly {
        matchExpressions?: readonly NodeSelectorRequirement[];
        matchFields?: readonly NodeSelectorRequirement[];
      }[];
    };
    preferredDuringSchedulingIgnoredDuringExecution?: readonly unknown[];
  };
  podAffinity?: unknown;
  podAntiAffinity?: unknown;
}

/** `corev1.PodSpec`, reduced. */
export interface PodSpec {
  containers: readonly Container[];
  initContainers?: readonly Container[];
  nodeName?: string;
  nodeSelector?: Readonly<Record<string, string>>;
  affinity?: Affinity;
  tolerations?: readonly Toleration[];
  restartPolicy?: string;
  schedulerName?: string;
  priorityClassName?: string;
  serviceAccountName?: string;
  /** Pod overhead from the RuntimeClass, added to requests by the scheduler and quota. */
  overhead?: ResourceList;
}

/** `corev1.PodTemplateSpec`, as embedded in RayCluster head and worker groups. */
export interface PodTemplateSpec {
  metadata?: KubeObjectMeta;
  spec: PodSpec;
}

/** `corev1.ContainerState`: exactly one of the three is set. */
export interface ContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: {
    exitCode: number;
    signal?: number;
    reason?: string;
    message?: string;
    startedAt?: string;
    finishedAt?: string;
    containerID?: string;
  };
}

/** `corev1.ContainerStatus`. */
export interface ContainerStatus {
  name: string;
  image?: string;
  imageID?: string;
  containerID?: string;
  ready: boolean;
  started?: boolean;
  restartCount: number;
  state?: ContainerState;
  lastState?: ContainerState;
}

/** `corev1.PodCondition` (types PodScheduled, Initialized, ContainersReady, Ready, …). */
export interface PodCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastProbeTime?: string | null;
  lastTransitionTime?: string;
}

/** `corev1.PodStatus`. */
export interface PodStatus {
  /** `Pending`, `Running`, `Succeeded`, `Failed` or `Unknown`. */
  phase?: string;
  conditions?: readonly PodCondition[];
  containerStatuses?: readonly ContainerStatus[];
  initContainerStatuses?: readonly ContainerStatus[];
  /** E.g. `Evicted`, `OutOfcpu`. */
  reason?: string;
  message?: string;
  hostIP?: string;
  podIP?: string;
  startTime?: string;
  /** Node a preempting pod waits for. */
  nominatedNodeName?: string;
  qosClass?: string;
}

/** A core/v1 Pod. */
export interface PodResource {
  apiVersion?: string;
  kind?: string;
  metadata: KubeObjectMeta;
  spec: PodSpec;
  status?: PodStatus;
}

/** `corev1.Taint`. */
export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  timeAdded?: string;
}

/** `corev1.NodeCondition` (Ready, MemoryPressure, …). */
export interface NodeCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
}

/** A core/v1 Node. */
export interface NodeResource {
  apiVersion?: string;
  kind?: string;
  metadata: KubeObjectMeta;
  spec?: {
    podCIDR?: string;
    providerID?: string;
    /** Cordoned (`kubectl cordon`). */
    unschedulable?: boolean;
    taints?: readonly Taint[];
  };
  status?: {
    capacity?: ResourceList;
    /** Capacity minus system reservations: what the scheduler may hand out. */
    allocatable?: ResourceList;
    conditions?: readonly NodeCondition[];
    addresses?: readonly { type: string; address: string }[];
    nodeInfo?: Readonly<Record<string, string>>;
  };
}

/** `corev1.ObjectReference` as used by `involvedObject` / `regarding`. */
export interface ObjectReference {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiVersion?: string;
  resourceVersion?: string;
  /** E.g. `spec.containers{ray-head}`. */
  fieldPath?: string;
}

/**
 * A core/v1 Event, as kubelets and older controllers write it and as `kubectl get events`
 * shows every event (events.k8s.io ones are converted by the API server).
 */
export interface CoreV1EventResource {
  apiVersion?: 'v1';
  kind?: 'Event';
  metadata: KubeObjectMeta;
  involvedObject: ObjectReference;
  reason?: string;
  message?: string;
  /** `Normal` or `Warning`. */
  type?: string;
  source?: { component?: string; host?: string };
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
  /** Times the event was seen, 1 when absent. */
  count?: number;
  /** Microsecond RFC 3339 time, set by events.k8s.io writers. */
  eventTime?: string | null;
  series?: { count?: number; lastObservedTime?: string };
  action?: string;
  related?: ObjectReference;
  reportingComponent?: string;
  reportingInstance?: string;
}

/**
 * An events.k8s.io/v1 Event, as the scheduler and KubeRay (controller-runtime's event
 * recorder) write it.
 * @see https://kubernetes.io/docs/reference/kubernetes-api/cluster-resources/event-v1/
 */
export interface EventsV1EventResource {
  apiVersion?: 'events.k8s.io/v1';
  kind?: 'Event';
  metadata: KubeObjectMeta;
  /** Microsecond RFC 3339 time of first observation, e.g. `2026-11-27T09:00:01.123456Z`. */
  eventTime?: string | null;
  regarding?: ObjectReference;
  related?: ObjectReference;
  note?: string;
  reason?: string;
  type?: string;
  action?: string;
  reportingController?: string;
  reportingInstance?: string;
  /** Present when the event recurred: count and last time. */
  series?: { count: number; lastObservedTime: string };
  deprecatedSource?: { component?: string; host?: string };
  deprecatedFirstTimestamp?: string | null;
  deprecatedLastTimestamp?: string | null;
  deprecatedCount?: number;
}

/** An Event in either API shape; read it through `normalizeEvent`. */
export type KubeEventResource = CoreV1EventResource | EventsV1EventResource;

/** A core/v1 ResourceQuota. Keys are quota names such as `requests.nvidia.com/gpu`. */
export interface ResourceQuotaResource {
  apiVersion?: string;
  kind?: string;
  metadata: KubeObjectMeta;
  spec?: { hard?: ResourceList; scopes?: readonly string[]; scopeSelector?: unknown };
  status?: { hard?: ResourceList; used?: ResourceList };
}

/** `corev1.ServicePort`. */
export interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  /** Set for NodePort and LoadBalancer services (30000–32767 by default). */
  nodePort?: number;
  protocol?: string;
  appProtocol?: string;
}

/** A core/v1 Service, e.g. a RayCluster's head service. */
export interface ServiceResource {
  apiVersion?: string;
  kind?: string;
  metadata: KubeObjectMeta;
  spec?: {
    /** `ClusterIP` (default), `NodePort`, `LoadBalancer` or `ExternalName`. */
    type?: string;
    /** `None` for a headless service. */
    clusterIP?: string;
    ports?: readonly ServicePort[];
    selector?: Readonly<Record<string, string>>;
    externalIPs?: readonly string[];
  };
  status?: { loadBalancer?: { ingress?: readonly { ip?: string; hostname?: string }[] } };
}

/** A networking.k8s.io/v1 Ingress, reduced to rules and TLS hosts. */
export interface IngressResource {
  apiVersion?: string;
  kind?: string;
  metadata: KubeObjectMeta;
  spec?: {
    ingressClassName?: string;
    tls?: readonly { hosts?: readonly string[]; secretName?: string }[];
    rules?: readonly {
      host?: string;
      http?: {
        paths: readonly {
          path?: string;
          pathType?: string;
          backend?: { service?: { name: string; port?: { name?: string; number?: number } } };
        }[];
      };
    }[];
  };
  status?: { loadBalancer?: { ingress?: readonly { ip?: string; hostname?: string }[] } };
}

/** A `kind: List` or typed list (`PodList`, …) as returned by a LIST call or `kubectl -o json`. */
export interface KubeList<T> {
  apiVersion?: string;
  kind?: string;
  metadata?: { resourceVersion?: string; continue?: string };
  items: readonly T[];
}
