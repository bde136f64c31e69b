import type { RayNodeDescription } from '../../ray/rayNodes.ts';
import { customResourcesOf, rayStartParamsOf } from './buildRayPod.ts';
import { isRunningAndReady } from './computeRayClusterStatus.ts';
import { kubeRayConstants } from './kubeRayConstants.ts';
import type { Pod, RayCluster } from './RayCluster.ts';

const { labels: labelKeys } = kubeRayConstants;

/**
 * The Ray nodes a cluster's pods make, as `ray start` would register them: one per Running pod
 * (alive once Ready), with the logical resources of its group's generated `ray start` flags and
 * the GPU product of the node it runs on. `gpuProductOf` maps a Kubernetes node name to its
 * `nvidia.com/gpu.product` label. `paramsByGroup` may carry the groups' parameters between calls
 * for the same cluster generation.
 */
export function rayNodesOfCluster(
  cluster: RayCluster,
  pods: readonly Pod[],
  gpuProductOf: (nodeName: string) => string | undefined,
  paramsByGroup = new Map<string, Record<string, string>>(),
): RayNodeDescription[] {
  const paramsOf = (
    nodeType: 'head' | 'worker',
    groupName: string,
  ): Record<string, string> | undefined => {
    const key = `${nodeType}/${groupName}`;
    let params = paramsByGroup.get(key);
    if (params) return params;
    const group =
      nodeType === 'head'
        ? cluster.spec.headGroupSpec
        : cluster.spec.workerGroupSpecs?.find((candidate) => candidate.groupName === groupName);
    if (!group) return undefined;
    params = rayStartParamsOf(cluster, nodeType, group).params;
    paramsByGroup.set(key, params);
    return params;
  };
  const nodes: RayNodeDescription[] = [];
  for (const pod of pods) {
    if (pod.status?.phase !== 'Running' || pod.metadata.deletionTimestamp) continue;
    const nodeType = pod.metadata.labels?.[labelKeys.nodeType] === 'head' ? 'head' : 'worker';
    const groupName = pod.metadata.labels?.[labelKeys.group] ?? '';
    const params = paramsOf(nodeType, groupName);
    if (!params) continue;
    const gpus = Number(params['num-gpus'] ?? 0);
    const product = pod.spec.nodeName ? gpuProductOf(pod.spec.nodeName) : undefined;
    nodes.push({
      name: pod.metadata.name ?? '',
      ip: pod.status.podIP ?? '',
      isHead: nodeType === 'head',
      groupName,
      cpus: Number(params['num-cpus'] ?? 0) || 0,
      memoryBytes: Number(params['memory'] ?? 0) || 0,
      gpus: Number.isFinite(gpus) ? gpus : 0,
      ...(gpus > 0 && product ? { gpuProduct: product } : {}),
      customResources: customResourcesOf(params),
      labels: {
        'ray.io/node-group': groupName,
        ...Object.fromEntries(
          (params['labels'] ?? '')
            .split(',')
            .filter((pair) => pair.includes('='))
            .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
        ),
      },
      alive: isRunningAndReady(pod),
    });
  }
  return nodes;
}
