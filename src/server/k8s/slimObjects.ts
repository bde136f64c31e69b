import type { KubeObjectMeta, PodResource, PodStatus } from '../../shared/k8s/kubeTypes.ts';
import type { RayClusterResource } from '../../shared/ray/rayTypes.ts';

/**
 * Projections that keep the watch-fed cache small on a big fleet (the goal: 10,000 RayClusters
 * and 40,000 pods in ≤ 150 MB). They keep every field Raydeck reads — names, labels, owners,
 * timestamps, scheduling constraints, resources, conditions and container states — and drop
 * what only a full YAML view needs (commands, env, volumes, probes, managed fields, the
 * last-applied annotation). The detail page reads the full object from the API on demand.
 */
type Json = Record<string, unknown>;

function slimMetadata(metadata: Json | undefined): Json {
  const { managedFields: _managedFields, annotations, ...rest } = metadata ?? {};
  const kept = Object.fromEntries(
    Object.entries((annotations as Record<string, string> | undefined) ?? {}).filter(
      ([key]) => key !== 'kubectl.kubernetes.io/last-applied-configuration',
    ),
  );
  return Object.keys(kept).length > 0 ? { ...rest, annotations: kept } : rest;
}

function slimContainer(container: Json): Json {
  return {
    name: container['name'],
    image: container['image'],
    ...(container['resources'] ? { resources: container['resources'] } : {}),
    ...(container['ports'] ? { ports: container['ports'] } : {}),
  };
}

/** Keeps a pod spec's placement and resources. */
function slimPodSpec(spec: Json | undefined): Json {
  if (!spec) return {};
  const keep = [
    'nodeName',
    'nodeSelector',
    'affinity',
    'tolerations',
    'schedulerName',
    'priorityClassName',
  ];
  return {
    ...Object.fromEntries(
      keep.filter((key) => spec[key] !== undefined).map((key) => [key, spec[key]]),
    ),
    containers: ((spec['containers'] as Json[] | undefined) ?? []).map(slimContainer),
    ...(spec['initContainers']
      ? { initContainers: (spec['initContainers'] as Json[]).map(slimContainer) }
      : {}),
  };
}

/** A Ray pod without commands, env, volumes and probes. */
export function slimPod(object: PodResource): PodResource {
  const pod = object as unknown as { spec?: Json; status?: Json };
  const status = pod.status ?? {};
  const containerState = (statuses: unknown) =>
    ((statuses as Json[] | undefined) ?? []).map((entry) => ({
      name: entry['name'],
      ready: entry['ready'],
      started: entry['started'],
      restartCount: entry['restartCount'],
      state: entry['state'],
      ...(entry['lastState'] ? { lastState: entry['lastState'] } : {}),
    }));
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    metadata: slimMetadata(object.metadata as Json) as KubeObjectMeta,
    spec: slimPodSpec(pod.spec) as unknown as PodResource['spec'],
    status: {
      phase: status['phase'],
      ...(status['reason'] ? { reason: status['reason'] } : {}),
      ...(status['message'] ? { message: status['message'] } : {}),
      ...(status['podIP'] ? { podIP: status['podIP'] } : {}),
      ...(status['startTime'] ? { startTime: status['startTime'] } : {}),
      conditions: status['conditions'],
      containerStatuses: containerState(status['containerStatuses']),
      ...(status['initContainerStatuses']
        ? { initContainerStatuses: containerState(status['initContainerStatuses']) }
        : {}),
    } as PodStatus,
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

/** A RayCluster whose pod templates keep only placement and resources. */
export function slimRayCluster(object: RayClusterResource): RayClusterResource {
  const spec = object.spec as unknown as Json;
  const slimTemplate = (group: Json | undefined): Json | undefined => {
    if (!group) return group;
    const template = (group['template'] as Json | undefined) ?? {};
    return {
      ...group,
      template: {
        metadata: template['metadata'],
        spec: slimPodSpec(template['spec'] as Json | undefined),
      },
    };
  };
  return {
    ...object,
    metadata: slimMetadata(object.metadata as Json) as KubeObjectMeta,
    spec: {
      ...spec,
      headGroupSpec: slimTemplate(spec['headGroupSpec'] as Json | undefined),
      ...(spec['workerGroupSpecs']
        ? {
            workerGroupSpecs: (spec['workerGroupSpecs'] as Json[]).map((group) =>
              slimTemplate(group),
            ),
          }
        : {}),
    } as unknown as RayClusterResource['spec'],
  };
}
