import type { CreateClusterRequest } from '../../shared/api/clusterSchemas.ts';
import type { Template } from '../../shared/api/templateSchemas.ts';
import { defaultWorkerGroupName } from '../../shared/api/validateClusterRequest.ts';
import type { RayClusterResource } from '../../shared/ray/rayTypes.ts';
import { RaydeckLabel, raydeckManager } from './raydeckLabels.ts';

/** Ports of the head container, so the head Service gets KubeRay's usual named ports. */
const headPorts = [
  { name: 'gcs-server', containerPort: 6379 },
  { name: 'dashboard', containerPort: 8265 },
  { name: 'client', containerPort: 10001 },
  { name: 'serve', containerPort: 8000 },
];

/**
 * The RayCluster a create request asks for, shaped by its template: CPU and memory as requests =
 * limits (as KubeRay APIServer does), GPUs in container limits (KubeRay reads `num-gpus` from
 * limits only), the GPU product pinned by node selector, the template's tolerations, and
 * Raydeck's ownership labels.
 * @see kuberay-api.md §2.4 and §3.1
 */
export function buildRayCluster(
  request: CreateClusterRequest,
  template: Template,
  owner: string,
): RayClusterResource {
  const rayVersion = request.rayVersion ?? template.allowedRayVersions[0] ?? '2.52.0';
  const repository = request.image?.split(':')[0] ?? 'rayproject/ray';
  const gpu = template.worker.gpu;
  const headImage = request.image ?? `${repository}:${rayVersion}`;
  const workerImage = request.image ?? `${repository}:${rayVersion}${gpu > 0 ? '-gpu' : ''}`;
  const env = (request.env ?? []).map(({ name, value }) => ({ name, value }));
  const volumes = (request.volumes ?? []).map((volume, index) => ({
    name: `data-${index}`,
    persistentVolumeClaim: { claimName: volume.claimName },
  }));
  const volumeMounts = (request.volumes ?? []).map((volume, index) => ({
    name: `data-${index}`,
    mountPath: volume.mountPath,
  }));
  const autoscaling = request.autoscaling?.enabled === true;
  const groups = request.workerGroups ?? [
    { name: defaultWorkerGroupName, replicas: template.defaultWorkers },
  ];
  const workerResources = {
    requests: { cpu: String(template.worker.cpu), memory: template.worker.memory },
    limits: {
      cpu: String(template.worker.cpu),
      memory: template.worker.memory,
      ...(gpu > 0 ? { [template.worker.gpuResource ?? 'nvidia.com/gpu']: String(gpu) } : {}),
    },
  };
  const exposure = request.exposure ?? 'ClusterIP';
  return {
    apiVersion: 'ray.io/v1',
    kind: 'RayCluster',
    metadata: {
      name: request.name,
      namespace: request.team,
      labels: {
        [RaydeckLabel.managedBy]: raydeckManager,
        [RaydeckLabel.owner]: owner,
        [RaydeckLabel.template]: template.name,
        [RaydeckLabel.templateVersion]: String(template.version),
      },
      annotations: {
        // The portal's idle policy (suspend the whole cluster); the autoscaler's idle timeout,
        // which removes idle workers, is separate (spec.autoscalerOptions).
        'raydeck.dev/idle-timeout-seconds': String(template.defaultIdleTimeoutSeconds),
        ...(template.defaultTtlSeconds !== undefined
          ? { 'raydeck.dev/ttl-seconds': String(template.defaultTtlSeconds) }
          : {}),
      },
    },
    spec: {
      rayVersion,
      ...(autoscaling
        ? {
            enableInTreeAutoscaling: true,
            autoscalerOptions: {
              idleTimeoutSeconds: request.autoscaling?.idleTimeoutSeconds ?? 60,
              upscalingMode: 'Default',
            },
          }
        : {}),
      headGroupSpec: {
        rayStartParams: {},
        ...(exposure === 'NodePort' || exposure === 'LoadBalancer'
          ? { serviceType: exposure }
          : {}),
        ...(exposure === 'Ingress'
          ? {
              enableIngress: true,
              ...(request.ingressHost ? { ingressOptions: { host: request.ingressHost } } : {}),
            }
          : {}),
        template: {
          spec: {
            containers: [
              {
                name: 'ray-head',
                image: headImage,
                ports: headPorts,
                resources: {
                  requests: { cpu: String(template.head.cpu), memory: template.head.memory },
                  limits: { cpu: String(template.head.cpu), memory: template.head.memory },
                },
                ...(env.length > 0 ? { env } : {}),
                ...(volumeMounts.length > 0 ? { volumeMounts } : {}),
              },
            ],
            ...(volumes.length > 0 ? { volumes } : {}),
          },
        },
      },
      workerGroupSpecs: groups.map((group) => ({
        groupName: group.name,
        replicas: group.replicas,
        // 0 unless asked: a floor of `replicas` would forbid ever scaling the group down.
        minReplicas: group.minReplicas ?? 0,
        maxReplicas: group.maxReplicas ?? Math.max(group.replicas, template.maxWorkers),
        rayStartParams: {},
        template: {
          spec: {
            containers: [
              {
                name: 'ray-worker',
                image: workerImage,
                resources: workerResources,
                ...(env.length > 0 ? { env } : {}),
                ...(volumeMounts.length > 0 ? { volumeMounts } : {}),
              },
            ],
            ...(template.worker.gpuProduct
              ? { nodeSelector: { 'nvidia.com/gpu.product': template.worker.gpuProduct } }
              : {}),
            ...(template.tolerations?.length ? { tolerations: template.tolerations } : {}),
            ...(volumes.length > 0 ? { volumes } : {}),
          },
        },
      })),
    },
  };
}
