import type { KubeConfig } from '@kubernetes/client-node';

import type { EventsV1EventResource } from '../../shared/k8s/kubeTypes.ts';
import type { ConfigMapResource } from './kubeKinds.ts';
import { kubeRequest } from './kubeRequest.ts';

/** A compute template as KubeRay APIServer v1 answers it (lowerCamelCase, zeros left out). */
interface ComputeTemplateJson {
  name?: string;
  namespace?: string;
  cpu?: number;
  memory?: number;
  memoryUnit?: string;
  gpu?: number;
  gpuAccelerator?: string;
  extendedResources?: Record<string, number>;
  tolerations?: unknown[];
}

/**
 * A compute template of the v1 API back in the ConfigMap layout it is stored in (labels
 * `ray.io/config-type: compute-template`, string data keys), so the portal reads it like a
 * template ConfigMap it listed itself. The v1 API does not return other keys, so Raydeck's
 * `raydeck_*` policy keys are lost on this path: such templates read as KubeRay APIServer's.
 * @see kuberay apiserver/pkg/util/cluster.go NewComputeTemplate
 */
export function configMapOfComputeTemplate(template: ComputeTemplateJson): ConfigMapResource {
  const name = template.name ?? '';
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name,
      namespace: template.namespace ?? '',
      labels: { 'ray.io/config-type': 'compute-template', 'ray.io/compute-template': name },
    },
    data: {
      name,
      namespace: template.namespace ?? '',
      cpu: String(template.cpu ?? 0),
      memory: String(template.memory ?? 0),
      memory_unit: template.memoryUnit ?? 'Gi',
      gpu: String(template.gpu ?? 0),
      gpu_accelerator: template.gpuAccelerator ?? '',
      extended_resources: JSON.stringify(template.extendedResources ?? {}),
      ...(template.tolerations?.length
        ? { tolerations: JSON.stringify(template.tolerations) }
        : {}),
    },
  };
}

/**
 * The reads a KubeRay APIServer offers besides the forwarded ray.io paths, for the portal run
 * with `--apiserver-url`: events.k8s.io events of ray.io objects (per namespace, the only events
 * route it forwards) and the compute templates of its v1 API (ConfigMaps themselves are not
 * forwarded).
 */
export class KubeRayApiServerClient {
  private readonly kubeConfig: KubeConfig;

  constructor(kubeConfig: KubeConfig) {
    this.kubeConfig = kubeConfig;
  }

  /**
   * Events about the ray.io object `name` in `namespace`
   * (`GET /apis/events.k8s.io/v1/namespaces/{ns}/events`; the APIServer adds
   * `regarding.apiVersion=ray.io/v1` to the field selector, so pod events never come back).
   */
  async rayObjectEvents(namespace: string, name: string): Promise<EventsV1EventResource[]> {
    const list = await kubeRequest<{ items?: EventsV1EventResource[] }>(this.kubeConfig, {
      method: 'GET',
      path: `/apis/events.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/events`,
      query: { fieldSelector: `regarding.name=${name}` },
    });
    return list.items ?? [];
  }

  /** Compute templates of `namespace`, from `GET /apis/v1/namespaces/{ns}/compute_templates`. */
  async computeTemplates(namespace: string): Promise<ConfigMapResource[]> {
    const list = await kubeRequest<{ computeTemplates?: ComputeTemplateJson[] }>(this.kubeConfig, {
      method: 'GET',
      path: `/apis/v1/namespaces/${encodeURIComponent(namespace)}/compute_templates`,
    });
    return (list.computeTemplates ?? []).map(configMapOfComputeTemplate);
  }
}
