import type { Exposure } from '../api/clusterSchemas.ts';
import {
  type ClusterPolicyRequest,
  type PolicyWorkerGroup,
  unboundedReplicas,
} from '../api/validateClusterRequest.ts';
import type { PodTemplateSpec } from '../k8s/kubeTypes.ts';
import { gpuRequestOfPodSpec } from './gpuRequestOfPodSpec.ts';
import type { RayClusterResource } from './rayTypes.ts';

/** The Ray container's image: KubeRay runs Ray in the pod template's first container. */
function rayImage(template: PodTemplateSpec | undefined): string | undefined {
  return template?.spec.containers[0]?.image;
}

/**
 * How the head is reachable as a create request would say it: `Ingress` when KubeRay makes one,
 * else the head Service's type (the `headService` override wins over `serviceType`, as in KubeRay).
 */
function exposureOf(cluster: RayClusterResource): Exposure {
  const head = cluster.spec.headGroupSpec;
  if (head.enableIngress) return 'Ingress';
  const type = head.headService?.spec?.type ?? head.serviceType;
  return type === 'NodePort' || type === 'LoadBalancer' ? type : 'ClusterIP';
}

/**
 * An existing RayCluster as the template policy sees it (`validateClusterRequest`), so scale and
 * resume hold a running cluster to the rules a create is held to. Groups keep their index; each
 * carries its own image and GPUs per replica (GPUs of one pod × `numOfHosts`), read from the pod
 * template, since the cluster may come from an older template version. KubeRay's defaults fill
 * absent bounds (min 0, max 2147483647).
 */
export function clusterRequestOfRayCluster(cluster: RayClusterResource): ClusterPolicyRequest {
  const { spec } = cluster;
  const image = rayImage(spec.headGroupSpec.template);
  const workerGroups: PolicyWorkerGroup[] = (spec.workerGroupSpecs ?? []).map((group) => {
    const groupImage = rayImage(group.template);
    return {
      name: group.groupName,
      replicas: group.replicas ?? 0,
      minReplicas: group.minReplicas ?? 0,
      maxReplicas: group.maxReplicas ?? unboundedReplicas,
      gpusPerWorker: gpuRequestOfPodSpec(group.template.spec).total * (group.numOfHosts ?? 1),
      ...(groupImage !== undefined ? { image: groupImage } : {}),
    };
  });
  const exposure = exposureOf(cluster);
  const host = spec.headGroupSpec.ingressOptions?.host;
  return {
    ...(spec.rayVersion !== undefined ? { rayVersion: spec.rayVersion } : {}),
    ...(image !== undefined ? { image } : {}),
    exposure,
    ...(exposure === 'Ingress' && host ? { ingressHost: host } : {}),
    autoscaling: { enabled: spec.enableInTreeAutoscaling === true },
    workerGroups,
  };
}
