import { describe, expect, it } from 'vitest';

import { createSandboxApiServer } from './createSandboxApiServer.ts';
import { definitionName, OpenApiDocuments } from './OpenApiDocuments.ts';
import type { CustomResourceDefinition } from './resourceRegistry.ts';
import { ResourceRegistry } from './resourceRegistry.ts';

type Schema = Record<string, unknown>;

function v3Of(documents: OpenApiDocuments, path: string): Schema {
  const document = documents.v3(path);
  if (!document) throw new Error(`no document at ${path}`);
  return JSON.parse(document.text) as Schema;
}

function schemasOf(document: Schema): Record<string, Schema> {
  return (document['components'] as { schemas: Record<string, Schema> }).schemas;
}

const widgetCrd: CustomResourceDefinition = {
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { kind: 'Widget', plural: 'widgets' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['size', 'replicas'],
                properties: {
                  size: { type: 'integer' },
                  replicas: { type: 'integer', default: 1 },
                  port: {
                    'x-kubernetes-int-or-string': true,
                    anyOf: [{ type: 'integer' }, { type: 'string' }],
                  },
                  extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                  note: { type: 'string', nullable: true },
                },
              },
            },
          },
        },
      },
    ],
  },
};

describe('OpenApiDocuments', () => {
  it('names definitions as Kubernetes does', () => {
    expect(definitionName({ group: '', version: 'v1', kind: 'Pod' })).toBe(
      'io.k8s.api.core.v1.Pod',
    );
    expect(definitionName({ group: 'apps', version: 'v1', kind: 'Deployment' })).toBe(
      'io.k8s.api.apps.v1.Deployment',
    );
    expect(
      definitionName({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'Role' }),
    ).toBe('io.k8s.api.rbac.v1.Role');
    expect(definitionName({ group: 'ray.io', version: 'v1', kind: 'RayCluster' })).toBe(
      'io.ray.v1.RayCluster',
    );
  });

  it('indexes one v3 document per group version, with a hash that follows the content', () => {
    const registry = new ResourceRegistry();
    const documents = new OpenApiDocuments(registry);
    const index = JSON.parse(documents.v3Index()) as {
      paths: Record<string, { serverRelativeURL: string }>;
    };
    expect(Object.keys(index.paths)).toEqual(expect.arrayContaining(['api/v1', 'apis/apps/v1']));
    const url = index.paths['api/v1']?.serverRelativeURL ?? '';
    expect(url).toMatch(/^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]{128}$/);
    expect(url.endsWith(documents.v3('api/v1')?.hash ?? 'x')).toBe(true);
    expect(documents.v3('apis/example.com/v1')).toBeUndefined();

    registry.serveCustomResourceDefinition(widgetCrd);
    const after = JSON.parse(documents.v3Index()) as typeof index;
    expect(after.paths['apis/example.com/v1']?.serverRelativeURL).toContain('?hash=');
    expect(after.paths['api/v1']?.serverRelativeURL).toBe(url);
  });

  it('gives built-in kinds their GVK, typeMeta, required fields, types and list types', () => {
    const documents = new OpenApiDocuments(new ResourceRegistry());
    const core = schemasOf(v3Of(documents, 'api/v1'));
    const pod = core['io.k8s.api.core.v1.Pod'] as Schema;
    expect(pod['x-kubernetes-group-version-kind']).toEqual([
      { group: '', kind: 'Pod', version: 'v1' },
    ]);
    expect(pod['properties']).toMatchObject({
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      spec: { allOf: [{ $ref: '#/components/schemas/io.k8s.api.core.v1.PodSpec' }] },
    });
    const container = core['io.k8s.api.core.v1.Container'] as Schema;
    expect(container['required']).toEqual(['name']);
    expect((container['properties'] as Record<string, Schema>)['ports']).toMatchObject({
      type: 'array',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['containerPort', 'protocol'],
    });
    expect(core['io.k8s.apimachinery.pkg.util.intstr.IntOrString']).toEqual({
      format: 'int-or-string',
      oneOf: [{ type: 'integer' }, { type: 'string' }],
    });
    // Each group version carries only the definitions it reaches.
    expect(core['io.k8s.api.apps.v1.Deployment']).toBeUndefined();
    const apps = schemasOf(v3Of(documents, 'apis/apps/v1'));
    expect(apps['io.k8s.api.core.v1.PodSpec']).toBeDefined();
    expect(apps['io.k8s.api.apps.v1.DeploymentList']).toMatchObject({
      'x-kubernetes-group-version-kind': [{ group: 'apps', kind: 'DeploymentList', version: 'v1' }],
    });
    // The item path's PATCH names the GVK (kubectl's validation and explain look it up) and
    // lists no fieldValidation parameter, so kubectl validates client-side.
    const paths = v3Of(documents, 'apis/apps/v1')['paths'] as Record<
      string,
      Record<string, Schema>
    >;
    const patch = paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}']?.['patch'];
    expect(patch?.['x-kubernetes-group-version-kind']).toEqual({
      group: 'apps',
      kind: 'Deployment',
      version: 'v1',
    });
    expect(patch?.['parameters']).toBeUndefined();
    expect(Object.keys((patch?.['requestBody'] as { content: object }).content)).toContain(
      'application/strategic-merge-patch+json',
    );
    const podSpec = core['io.k8s.api.core.v1.PodSpec'] as { properties: Record<string, Schema> };
    expect(podSpec.properties['containers']).toMatchObject({
      'x-kubernetes-patch-strategy': 'merge',
      'x-kubernetes-patch-merge-key': 'name',
    });
  });

  it('publishes CRD schemas: as they are in v3, reduced for kubectl in v2', () => {
    const registry = new ResourceRegistry();
    registry.serveCustomResourceDefinition(widgetCrd);
    const documents = new OpenApiDocuments(registry);
    const widget = schemasOf(v3Of(documents, 'apis/example.com/v1'))[
      'com.example.v1.Widget'
    ] as Schema;
    expect(widget['x-kubernetes-group-version-kind']).toEqual([
      { group: 'example.com', kind: 'Widget', version: 'v1' },
    ]);
    const properties = widget['properties'] as Record<string, Schema>;
    expect(properties['metadata']).toEqual({
      allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }],
    });
    expect(properties['spec']?.['required']).toEqual(['size', 'replicas']);
    // Custom resources take JSON and merge patches, not strategic ones (kubectl merge-patches).
    const paths = v3Of(documents, 'apis/example.com/v1')['paths'] as Record<
      string,
      Record<string, { requestBody?: { content: object } }>
    >;
    const patchBody =
      paths['/apis/example.com/v1/namespaces/{namespace}/widgets/{name}']?.['patch'];
    expect(Object.keys(patchBody?.requestBody?.content ?? {})).not.toContain(
      'application/strategic-merge-patch+json',
    );

    const v2 = JSON.parse(documents.v2Json()) as { definitions: Record<string, Schema> };
    const spec = (
      v2.definitions['com.example.v1.Widget']?.['properties'] as Record<string, Schema>
    )['spec'] as Schema;
    expect(spec['required']).toEqual(['size']);
    const specProperties = spec['properties'] as Record<string, Schema>;
    expect(specProperties['port']).toEqual({ 'x-kubernetes-int-or-string': true });
    expect(specProperties['extra']).toEqual({ 'x-kubernetes-preserve-unknown-fields': true });
    expect(specProperties['note']).toEqual({});
    expect(v2.definitions['io.k8s.api.core.v1.Pod']?.['x-kubernetes-group-version-kind']).toEqual([
      { group: '', kind: 'Pod', version: 'v1' },
    ]);
  });

  it('rebuilds only when the registry changes', () => {
    const registry = new ResourceRegistry();
    const documents = new OpenApiDocuments(registry);
    const first = documents.v2Json();
    expect(documents.v2Json()).toBe(first);
    expect(documents.v2Protobuf()).toBe(documents.v2Protobuf());
    registry.serveCustomResourceDefinition(widgetCrd);
    expect(documents.v2Json()).not.toBe(first);
  });

  it('serves the Ray CRDs of a sandbox', () => {
    const { registry } = createSandboxApiServer();
    const documents = new OpenApiDocuments(registry);
    const ray = schemasOf(v3Of(documents, 'apis/ray.io/v1'));
    const cluster = ray['io.ray.v1.RayCluster'] as { properties: Record<string, Schema> };
    expect(Object.keys(cluster.properties['spec']?.['properties'] as Schema)).toContain(
      'headGroupSpec',
    );
  });
});
