import { describe, expect, it } from 'vitest';

import { templateFromConfigMap } from '../services/TemplateService.ts';
import { kubeRayApiServerCachedKinds } from './kubeKinds.ts';
import { configMapOfComputeTemplate } from './KubeRayApiServerClient.ts';

describe('KubeRayApiServerClient', () => {
  it('caches only the ray.io kinds through a KubeRay APIServer v2', () => {
    expect(kubeRayApiServerCachedKinds).toEqual(['RayCluster', 'RayJob', 'RayService']);
  });

  it('reads a v1 compute template as the template ConfigMap it is stored as', () => {
    const configMap = configMapOfComputeTemplate({
      name: 'a100-1',
      namespace: 'raydeck',
      cpu: 8,
      memory: 64,
      memoryUnit: 'Gi',
      gpu: 1,
      gpuAccelerator: 'nvidia.com/gpu',
      tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
    });
    expect(configMap.metadata.labels).toEqual({
      'ray.io/config-type': 'compute-template',
      'ray.io/compute-template': 'a100-1',
    });
    const template = templateFromConfigMap(configMap);
    expect(template).toMatchObject({
      name: 'a100-1',
      namespace: 'raydeck',
      origin: 'kuberay-apiserver',
      worker: { cpu: 8, memory: '64Gi', gpu: 1, gpuResource: 'nvidia.com/gpu' },
      tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
    });
  });

  it('fills what the v1 API leaves out as zero: no GPU, memory in Gi', () => {
    const template = templateFromConfigMap(configMapOfComputeTemplate({ name: 'cpu', cpu: 2 }));
    expect(template.worker).toEqual({
      cpu: 2,
      memory: '0Gi',
      gpu: 0,
      gpuResource: 'nvidia.com/gpu',
    });
  });
});
