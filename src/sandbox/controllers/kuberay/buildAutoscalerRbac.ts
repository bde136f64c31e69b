import type { KubeObject } from '../../apiserver/resourceType.ts';
import { checkName } from './buildRayPod.ts';
import { controllerReference } from './controllerReference.ts';
import { kubeRayConstants } from './kubeRayConstants.ts';
import type { RayCluster } from './RayCluster.ts';

const { labels: labelKeys } = kubeRayConstants;

/** The autoscaler's ServiceAccount name: the head template's `serviceAccountName` or the cluster's. */
export function autoscalerServiceAccountName(cluster: RayCluster): string {
  return checkName(
    cluster.spec.headGroupSpec.template.spec.serviceAccountName || (cluster.metadata.name ?? ''),
  );
}

/**
 * The ServiceAccount, Role and RoleBinding KubeRay creates for the in-tree autoscaler
 * (kuberay-api.md §2.1; `common/rbac.go`), each named after the cluster and owned by it. The
 * ServiceAccount is only created when the head template names none.
 */
export function buildAutoscalerRbac(cluster: RayCluster): {
  serviceAccount: KubeObject;
  role: KubeObject;
  roleBinding: KubeObject;
} {
  const name = cluster.metadata.name ?? '';
  const namespace = cluster.metadata.namespace;
  const labels = {
    [labelKeys.cluster]: name,
    [labelKeys.appName]: kubeRayConstants.applicationName,
    [labelKeys.createdBy]: kubeRayConstants.componentName,
  };
  const owner = [controllerReference(cluster)];
  const serviceAccountName = autoscalerServiceAccountName(cluster);
  return {
    serviceAccount: {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: serviceAccountName, namespace, labels, ownerReferences: owner },
    },
    role: {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: checkName(name), namespace, labels, ownerReferences: owner },
      rules: [
        { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch', 'patch'] },
        { apiGroups: [''], resources: ['pods/resize'], verbs: ['patch'] },
        { apiGroups: ['ray.io'], resources: ['rayclusters'], verbs: ['get', 'patch'] },
      ],
    },
    roleBinding: {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: checkName(name), namespace, labels, ownerReferences: owner },
      subjects: [{ kind: 'ServiceAccount', name: serviceAccountName, namespace }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: checkName(name) },
    },
  };
}
