import { readFileSync } from 'node:fs';

import { expect, it } from 'vitest';

import {
  describeWithKubernetesProto,
  kubernetesProtoDir,
} from '../test/support/kubernetesProto.ts';
import {
  definitionsFile,
  deriveDefinitions,
  deriveProtoDescriptor,
  protoDescriptorFile,
  renderDefinitionsModule,
  renderProtoDescriptorModule,
} from './generateKubernetesApiDefinitions.ts';

describeWithKubernetesProto(
  'kubernetesApiDefinitions.ts derived from the Kubernetes protos',
  () => {
    it('is current (run scripts/generateKubernetesApiDefinitions.ts after changing the kinds)', async () => {
      expect(readFileSync(definitionsFile, 'utf8')).toBe(
        await renderDefinitionsModule(kubernetesProtoDir),
      );
    }, 30_000);

    it('kubernetesProtoDescriptor.ts is current', async () => {
      expect(readFileSync(protoDescriptorFile, 'utf8')).toBe(
        await renderProtoDescriptorModule(kubernetesProtoDir),
      );
    }, 30_000);

    it('keeps field numbers, maps, repeated fields and JSON shapes', () => {
      const { descriptor, shapes } = deriveProtoDescriptor(kubernetesProtoDir);
      type Namespace = { nested: Record<string, Namespace>; fields: Record<string, unknown> };
      const core = ['k8s', 'io', 'api', 'core', 'v1'].reduce(
        (namespace, part) => namespace.nested[part] as Namespace,
        descriptor as unknown as Namespace,
      ).nested;
      expect(core['Secret']?.fields['data']).toEqual({ type: 'bytes', id: 2, keyType: 'string' });
      expect(core['PodSpec']?.fields['containers']).toEqual({
        type: '.k8s.io.api.core.v1.Container',
        id: 2,
        rule: 'repeated',
      });
      expect(shapes['k8s.io.api.core.v1.Volume']?.inline).toEqual(['volumeSource']);
      expect(shapes['k8s.io.api.authentication.v1.BoundObjectReference']?.jsonNames).toEqual({
        uID: 'uid',
      });
    });

    it('reads fields, inline embeddings, required fields and list types', () => {
      const definitions = deriveDefinitions(kubernetesProtoDir);
      const container = definitions['io.k8s.api.core.v1.Container'];
      expect(container?.required).toEqual(['name']);
      expect(container?.properties?.['ports']).toBe('[]ref:io.k8s.api.core.v1.ContainerPort');
      expect(container?.listTypes?.['ports']).toBe('map:containerPort,protocol');
      expect(container?.patchStrategies?.['env']).toBe('merge:name');
      expect(definitions['io.k8s.api.core.v1.PodSpec']?.patchStrategies?.['volumes']).toBe(
        'merge,retainKeys:name',
      );
      expect(container?.properties?.['resources']).toBe(
        'ref:io.k8s.api.core.v1.ResourceRequirements',
      );
      // VolumeSource is inline in Volume; LocalObjectReference inline in ConfigMapKeySelector.
      const volume = definitions['io.k8s.api.core.v1.Volume'];
      expect(volume?.properties?.['configMap']).toBe(
        'ref:io.k8s.api.core.v1.ConfigMapVolumeSource',
      );
      expect(volume?.properties?.['volumeSource']).toBeUndefined();
      expect(volume?.required).toEqual(['name']);
      expect(
        Object.keys(
          definitions['io.k8s.api.core.v1.ConfigMapKeySelector']?.properties ?? {},
        ).sort(),
      ).toEqual(['key', 'name', 'optional']);
      // Never required: lists, maps, nested messages, omitempty scalars.
      expect(definitions['io.k8s.api.core.v1.PodSpec']?.required).toBeUndefined();
      expect(definitions['io.k8s.api.apps.v1.DeploymentSpec']?.required).toBeUndefined();
      expect(definitions['io.k8s.api.core.v1.ServicePort']?.required).toEqual(['port']);
      expect(definitions['io.k8s.apimachinery.pkg.api.resource.Quantity']).toEqual({
        type: 'string',
        format: 'quantity',
      });
      expect(definitions['io.k8s.api.core.v1.ResourceRequirements']?.properties?.['limits']).toBe(
        '{}ref:io.k8s.apimachinery.pkg.api.resource.Quantity',
      );
      expect(
        definitions['io.k8s.api.authentication.v1.BoundObjectReference']?.properties,
      ).toHaveProperty('uid');
    });
  },
);
