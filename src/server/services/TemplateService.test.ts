import { describe, expect, it } from 'vitest';

import type { ConfigMapObject } from '../k8s/KubeClient.ts';
import { sandboxTemplates, templateFromConfigMap, templateToConfigMap } from './TemplateService.ts';

const [cpuSmall] = sandboxTemplates;
if (!cpuSmall) throw new Error('no sandbox template');

/** A ConfigMap as KubeRay APIServer writes a compute template: no `raydeck_*` keys. */
const apiServerConfigMap: ConfigMapObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'apiserver-gpu', namespace: 'raydeck' },
  data: {
    name: 'apiserver-gpu',
    namespace: 'raydeck',
    cpu: '4',
    memory: '16',
    gpu: '1',
    gpu_accelerator: 'nvidia.com/gpu',
  },
};

describe('template ConfigMaps', () => {
  it('keep KubeRay APIServer’s keys and store the allowed exposure as raydeck_allowed_exposure', () => {
    const configMap = templateToConfigMap(
      { ...cpuSmall, allowedExposure: ['ClusterIP', 'Ingress'] },
      'raydeck',
      2,
      false,
    );
    expect(configMap.data).toMatchObject({
      name: 'cpu-small',
      cpu: '4',
      memory: '16',
      memory_unit: 'Gi',
      gpu: '0',
      raydeck_allowed_exposure: '["ClusterIP","Ingress"]',
      raydeck_version: '2',
    });
    expect(templateFromConfigMap(configMap).allowedExposure).toEqual(['ClusterIP', 'Ingress']);
  });

  it('read ClusterIP only when the exposure is absent, unreadable or unknown', () => {
    expect(templateFromConfigMap(apiServerConfigMap).allowedExposure).toEqual(['ClusterIP']);
    const stored = (text: string) =>
      templateFromConfigMap({
        ...apiServerConfigMap,
        data: { ...apiServerConfigMap.data, raydeck_allowed_exposure: text },
      }).allowedExposure;
    expect(stored('not json')).toEqual(['ClusterIP']);
    expect(stored('{"NodePort":true}')).toEqual(['ClusterIP']);
    expect(stored('["Bogus","NodePort","NodePort"]')).toEqual(['ClusterIP', 'NodePort']);
    expect(
      templateToConfigMap(cpuSmall, 'raydeck', 1, false).data?.['raydeck_allowed_exposure'],
    ).toBe('["ClusterIP"]');
  });
});
