import type { KubeObject } from '../../apiserver/resourceType.ts';
import { servicePortsOf } from './buildHeadService.ts';
import { checkLabel, checkName, headServiceName } from './buildRayPod.ts';
import { controllerReference } from './controllerReference.ts';
import { kubeRayConstants } from './kubeRayConstants.ts';
import type { RayCluster } from './RayCluster.ts';

const { labels: labelKeys, annotations: annotationKeys } = kubeRayConstants;

/**
 * The dashboard Ingress `<c>-head-ingress` of `headGroupSpec.enableIngress` (KubeRay
 * `BuildIngressForHeadService`): one rule to the head Service's dashboard port, path and path
 * type from `ingressOptions` (default `/`, `Prefix`), the cluster's annotations copied except
 * `kubernetes.io/ingress.class`, which becomes `ingressClassName`.
 */
export function buildHeadIngress(cluster: RayCluster): KubeObject {
  const name = cluster.metadata.name ?? '';
  const options = cluster.spec.headGroupSpec.ingressOptions;
  const annotations = Object.fromEntries(
    Object.entries(cluster.metadata.annotations ?? {}).filter(
      ([key]) => key !== annotationKeys.ingressClass,
    ),
  );
  const ingressClass = cluster.metadata.annotations?.[annotationKeys.ingressClass];
  const rule: Record<string, unknown> = {
    http: {
      paths: [
        {
          path: options?.path ?? '/',
          pathType: options?.pathType ?? 'Prefix',
          backend: {
            service: {
              name: headServiceName(cluster),
              port: {
                number:
                  servicePortsOf(cluster).get('dashboard') ?? kubeRayConstants.ports.dashboard,
              },
            },
          },
        },
      ],
    },
  };
  if (options?.host) rule['host'] = options.host;
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: checkName(`${name}-head-ingress`),
      namespace: cluster.metadata.namespace,
      labels: {
        [labelKeys.cluster]: name,
        [labelKeys.identifier]: checkLabel(`${name}-head`),
        [labelKeys.appName]: kubeRayConstants.applicationName,
        [labelKeys.createdBy]: kubeRayConstants.componentName,
      },
      annotations,
      ownerReferences: [controllerReference(cluster)],
    },
    spec: {
      rules: [rule],
      ...(options?.tls && options.tls.length > 0 ? { tls: options.tls } : {}),
      ...(ingressClass !== undefined ? { ingressClassName: ingressClass } : {}),
    },
  };
}
