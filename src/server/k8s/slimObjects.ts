import type {
  Container,
  ContainerStatus,
  KubeObjectMeta,
  PodResource,
  PodSpec,
  PodStatus,
  PodTemplateSpec,
} from '../../shared/k8s/kubeTypes.ts';
import type { RayClusterResource } from '../../shared/ray/rayTypes.ts';

/**
 * Projections that keep the watch-fed cache small on a big fleet (the goal: 10,000 RayClusters
 * and 40,000 pods in ≤ 150 MB). They keep every field Raydeck reads — names, labels, owners,
 * timestamps, scheduling constraints, resources, conditions and container states — and drop
 * what only a full YAML view needs (commands, env, volumes, probes, managed fields, the
 * last-applied annotation). The detail page reads the full object from the API on demand.
 */
function slimMetadata(metadata: KubeObjectMeta): KubeObjectMeta {
  // managedFields is not in KubeObjectMeta (nothing reads it) but arrives on every object.
  const rest: KubeObjectMeta & { managedFields?: unknown } = { ...metadata };
  delete rest.managedFields;
  delete rest.annotations;
  const kept = Object.fromEntries(
    Object.entries(metadata.annotations ?? {}).filter(
      ([key]) => key !== 'kubectl.kubernetes.io/last-applied-configuration',
    ),
  );
  return Object.keys(kept).length > 0 ? { ...rest, annotations: kept } : rest;
}

function slimContainer(container: Container): Container {
  return {
    name: container.name,
    image: container.image,
    ...(container.resources ? { resources: container.resources } : {}),
    ...(container.ports ? { ports: container.ports } : {}),
  };
}

/** The placement fields of a pod spec that are kept as they are. */
const keptPodSpecFields = [
  'nodeName',
  'nodeSelector',
  'affinity',
  'tolerations',
  'schedulerName',
  'priorityClassName',
] as const satisfies readonly (keyof PodSpec)[];

/**
 * Keeps a pod spec's placement and resources. The spec is required by the API, but the objects
 * are its JSON unchecked, so a missing one (or missing containers) slims to an empty spec.
 */
function slimPodSpec(spec: PodSpec | undefined): PodSpec {
  if (!spec) return { containers: [] };
  const placement: Pick<PodSpec, (typeof keptPodSpecFields)[number]> = {};
  for (const key of keptPodSpecFields) {
    if (spec[key] !== undefined) Object.assign(placement, { [key]: spec[key] });
  }
  return {
    ...placement,
    containers: (spec.containers ?? []).map(slimContainer),
    ...(spec.initContainers ? { initContainers: spec.initContainers.map(slimContainer) } : {}),
  };
}

function slimContainerStatuses(
  statuses: readonly ContainerStatus[] | undefined,
): ContainerStatus[] {
  return (statuses ?? []).map((entry) => ({
    name: entry.name,
    ready: entry.ready,
    started: entry.started,
    restartCount: entry.restartCount,
    state: entry.state,
    ...(entry.lastState ? { lastState: entry.lastState } : {}),
  }));
}

/** A Ray pod without commands, env, volumes and probes. */
export function slimPod(object: PodResource): PodResource {
  const status: PodStatus = object.status ?? {};
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    metadata: slimMetadata(object.metadata),
    spec: slimPodSpec(object.spec),
    status: {
      phase: status.phase,
      ...(status.reason ? { reason: status.reason } : {}),
      ...(status.message ? { message: status.message } : {}),
      ...(status.podIP ? { podIP: status.podIP } : {}),
      ...(status.startTime ? { startTime: status.startTime } : {}),
      conditions: status.conditions,
      containerStatuses: slimContainerStatuses(status.containerStatuses),
      ...(status.initContainerStatuses
        ? { initContainerStatuses: slimContainerStatuses(status.initContainerStatuses) }
        : {}),
    },
  };
}

/**
 * Pods that are not Ray pods are kept only as far as GPU accounting needs (node, phase and
 * resource requests); Ray pods keep what status and explanations read ({@link slimPod}), so the
 * cache stays small on a large fleet.
 */
export function slimNonRayPod(pod: PodResource): PodResource {
  const labels = pod.metadata.labels ?? {};
  if (labels['ray.io/is-ray-node'] === 'yes') return slimPod(pod);
  return {
    apiVersion: pod.apiVersion,
    kind: pod.kind,
    metadata: {
      name: pod.metadata.name,
      namespace: pod.metadata.namespace,
      uid: pod.metadata.uid,
      resourceVersion: pod.metadata.resourceVersion,
      labels,
    },
    spec: {
      nodeName: pod.spec.nodeName,
      containers: pod.spec.containers.map((container) => ({
        name: container.name,
        resources: container.resources,
      })),
    },
    status: { phase: pod.status?.phase },
  };
}

/** A head or worker group with its pod template slimmed to placement and resources. */
function slimGroup<G extends { template: PodTemplateSpec }>(group: G): G {
  return {
    ...group,
    template: { metadata: group.template?.metadata, spec: slimPodSpec(group.template?.spec) },
  };
}

/** A RayCluster whose pod templates keep only placement and resources. */
export function slimRayCluster(object: RayClusterResource): RayClusterResource {
  const { spec } = object;
  return {
    ...object,
    metadata: slimMetadata(object.metadata),
    spec: {
      ...spec,
      headGroupSpec: spec.headGroupSpec && slimGroup(spec.headGroupSpec),
      ...(spec.workerGroupSpecs
        ? { workerGroupSpecs: spec.workerGroupSpecs.map((group) => slimGroup(group)) }
        : {}),
    },
  };
}
