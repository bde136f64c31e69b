import type { ContainerPlanner } from '../core/kubelet.ts';
import { kubeRayConstants } from './kubeRayConstants.ts';

const { labels: labelKeys } = kubeRayConstants;

/**
 * Tells the simulated kubelet that RayJob submitter containers run until their Ray job ends:
 * the app containers of a K8sJobMode submitter pod (`ray.io/originated-from-crd: RayJob`) and
 * the `ray-job-submitter` sidecar of a SidecarMode head pod. The RayJob controller then ends them
 * with the Ray job's outcome (`exitContainer`), as `ray job logs --follow` would return.
 */
export const submitterContainerPlanner: ContainerPlanner = ({ pod, container, role }) => {
  if (role !== 'app') return undefined;
  const labels = pod.metadata?.labels ?? {};
  if (labels[labelKeys.originatedFromCrd] === 'RayJob' && !labels[labelKeys.cluster]) {
    return { kind: 'runs' };
  }
  if (
    labels[labelKeys.nodeType] === 'head' &&
    container.name === kubeRayConstants.submitterContainerName
  ) {
    return { kind: 'runs' };
  }
  return undefined;
};
