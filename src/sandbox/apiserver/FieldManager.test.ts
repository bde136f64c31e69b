import { describe, expect, it } from 'vitest';

import { applyTypeOf } from './applyTypeOf.ts';
import { builtinResourceTypes } from './builtinResourceTypes.ts';
import {
  applyConfiguration,
  decodeManagedFields,
  encodeManagedFields,
  type FieldManagerScope,
  lastAppliedAnnotation,
  type ManagedFields,
  updateManagedFields,
} from './FieldManager.ts';
import { FieldSet, pathString } from './FieldSet.ts';
import { compareTypedValues, mergeTypedValues, toFieldSet } from './mergeTypedValues.ts';
import type { KubeObject, ResourceType } from './resourceType.ts';
import type { JsonSchemaProps } from './structuralSchema.ts';

const schema: JsonSchemaProps = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      properties: {
        replicas: { type: 'integer' },
        image: { type: 'string' },
        tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
        args: { type: 'array', items: { type: 'string' } },
        ports: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['port', 'protocol'],
          items: {
            type: 'object',
            properties: {
              port: { type: 'integer' },
              protocol: { type: 'string', default: 'TCP' },
              name: { type: 'string' },
            },
          },
        },
        selector: {
          type: 'object',
          'x-kubernetes-map-type': 'atomic',
          additionalProperties: { type: 'string' },
        },
      },
    },
    status: { type: 'object', properties: { ready: { type: 'boolean' } } },
  },
};

const widgets = {
  group: 'example.com',
  version: 'v1',
  kind: 'Widget',
  listKind: 'WidgetList',
  plural: 'widgets',
  singular: 'widget',
  namespaced: true,
  verbs: [],
  subresources: ['status'],
  storageKey: 'example.com/widgets',
  nameRule: 'subdomain',
  schema,
} satisfies ResourceType;

const type = applyTypeOf(widgets);
const now = '2026-01-02T03:04:05Z';
const scope: FieldManagerScope = {
  type,
  apiVersion: 'example.com/v1',
  subresource: undefined,
  ignored: FieldSet.of([['f:status']]),
  now,
  emptyObject: { apiVersion: 'example.com/v1', kind: 'Widget' },
};

function widget(spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'example.com/v1',
    kind: 'Widget',
    metadata: { name: 'w', namespace: 'default', ...metadata },
    spec,
  };
}

function apply(
  live: KubeObject,
  managed: ManagedFields,
  manager: string,
  config: KubeObject,
  force = false,
) {
  return applyConfiguration(
    live,
    config,
    managed,
    manager,
    force,
    scope,
    live.metadata === undefined,
  );
}

function fieldsOf(managed: ManagedFields, manager: string): unknown {
  return encodeManagedFields(managed)?.find((entry) => entry.manager === manager)?.fieldsV1;
}

describe('FieldSet', () => {
  it('decodes and encodes FieldsV1, "." marking a member with children', () => {
    const fields = {
      'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
      'f:spec': { 'f:ports': { 'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:name': {} } } },
    };
    const set = FieldSet.fromFieldsV1(fields);
    expect(set.toFieldsV1()).toEqual(fields);
    expect(set.paths().map(pathString)).toEqual([
      '.metadata.labels',
      '.metadata.labels.app',
      '.spec.ports[port=80,protocol="TCP"]',
      '.spec.ports[port=80,protocol="TCP"].name',
    ]);
    expect(pathString(['f:spec', 'f:tags', 'v:"x"'])).toBe('.spec.tags[="x"]');
  });

  it('differs recursively: nothing under a member of the other set survives', () => {
    const set = FieldSet.of([
      ['f:spec', 'f:a'],
      ['f:status', 'f:ready'],
    ]);
    expect(set.recursiveDifference(FieldSet.of([['f:status']])).paths()).toEqual([
      ['f:spec', 'f:a'],
    ]);
    expect(set.difference(FieldSet.of([['f:status']])).paths()).toHaveLength(2);
  });
});

describe('typed values', () => {
  it('sets leaves, set and list-map items (keys defaulted) and atomic values', () => {
    const set = toFieldSet(
      widget({
        tags: ['a'],
        args: ['x', 'y'],
        ports: [{ port: 80, name: 'http' }],
        selector: { app: 'w' },
      }),
      type,
    );
    expect(set.toFieldsV1()).toEqual({
      'f:apiVersion': {},
      'f:kind': {},
      'f:metadata': { 'f:name': {}, 'f:namespace': {} },
      'f:spec': {
        'f:args': {},
        'f:ports': { 'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:name': {}, 'f:port': {} } },
        'f:selector': {},
        'f:tags': { 'v:"a"': {} },
      },
    });
  });

  it('merges maps by key, sets by value and list-maps by key; atomic values are replaced', () => {
    const merged = mergeTypedValues(
      widget({ tags: ['a'], args: ['x'], ports: [{ port: 80 }], selector: { a: '1' } }),
      widget({ tags: ['b'], args: ['y'], ports: [{ port: 81 }], selector: { b: '2' } }),
      type,
    ) as KubeObject;
    expect(merged.spec).toEqual({
      tags: ['a', 'b'],
      args: ['y'],
      ports: [{ port: 80 }, { port: 81 }],
      selector: { b: '2' },
    });
  });

  it('compares: added nodes, modified leaves, removed nodes', () => {
    const comparison = compareTypedValues(
      widget({ replicas: 1, tags: ['a'] }),
      widget({ replicas: 2, image: 'x' }),
      type,
    );
    expect(comparison.added.paths().map(pathString)).toEqual(['.spec.image']);
    expect(comparison.modified.paths().map(pathString)).toEqual(['.spec.replicas']);
    expect(comparison.removed.paths().map(pathString)).toEqual(['.spec.tags', '.spec.tags[="a"]']);
  });
});

describe('applyConfiguration', () => {
  it('records what the configuration sets, without identity metadata', () => {
    const result = apply(
      { apiVersion: 'example.com/v1', kind: 'Widget' },
      new Map(),
      'a',
      widget({ replicas: 1 }),
    );
    expect(encodeManagedFields(result.managed)).toEqual([
      {
        manager: 'a',
        operation: 'Apply',
        apiVersion: 'example.com/v1',
        time: now,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:spec': { 'f:replicas': {} } },
      },
    ]);
  });

  it('shares fields applied with the same value, and removes only what nobody else applies', () => {
    const first = apply(widget({}), new Map(), 'a', widget({ replicas: 1, tags: ['x', 'y'] }));
    const second = apply(first.object, first.managed, 'b', widget({ replicas: 1, tags: ['y'] }));
    expect(fieldsOf(second.managed, 'b')).toEqual({
      'f:spec': { 'f:replicas': {}, 'f:tags': { 'v:"y"': {} } },
    });
    const { spec: _spec, ...withoutSpec } = widget({});
    const third = apply(second.object, second.managed, 'a', withoutSpec);
    expect(third.object.spec).toEqual({ replicas: 1, tags: ['y'] });
    expect(fieldsOf(third.managed, 'a')).toBeUndefined();
  });

  it('keeps list-map items per owner and prunes an item its applier drops', () => {
    const first = apply(widget({}), new Map(), 'a', widget({ ports: [{ port: 80 }] }));
    const second = apply(first.object, first.managed, 'b', widget({ ports: [{ port: 81 }] }));
    expect((second.object.spec as { ports: unknown[] }).ports).toEqual([
      { port: 80 },
      { port: 81 },
    ]);
    const third = apply(second.object, second.managed, 'a', widget({ replicas: 2 }));
    expect(third.object.spec).toEqual({ ports: [{ port: 81 }], replicas: 2 });
  });

  it('conflicts with every other manager of a changed field, in Kubernetes’ words', () => {
    const first = apply(widget({}), new Map(), 'a', widget({ replicas: 1 }));
    const updated = updateManagedFields(
      first.object,
      widget({ replicas: 1, image: 'x' }),
      first.managed,
      'kubectl-edit',
      { ...scope, apiVersion: 'v1' },
    );
    let error: unknown;
    try {
      apply(widget({ replicas: 1, image: 'x' }), updated, 'c', widget({ replicas: 2, image: 'y' }));
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message:
        'Apply failed with 2 conflicts: conflicts with "a":\n- .spec.replicas\nconflicts with "kubectl-edit" using v1:\n- .spec.image',
      details: {
        causes: [
          { reason: 'FieldManagerConflict', message: 'conflict with "a"', field: '.spec.replicas' },
          {
            reason: 'FieldManagerConflict',
            message: 'conflict with "kubectl-edit" using v1',
            field: '.spec.image',
          },
        ],
      },
    });
    const forced = applyConfiguration(
      widget({ replicas: 1, image: 'x' }),
      widget({ replicas: 2, image: 'y' }),
      updated,
      'c',
      true,
      scope,
      false,
    );
    expect(fieldsOf(forced.managed, 'a')).toBeUndefined();
    expect(fieldsOf(forced.managed, 'c')).toEqual({
      'f:spec': { 'f:image': {}, 'f:replicas': {} },
    });
  });

  it('attributes an unmanaged object to before-first-apply, and never owns status', () => {
    const live = { ...widget({ replicas: 3 }), status: { ready: true } };
    const result = apply(live, new Map(), 'a', {
      ...widget({ image: 'x' }),
      status: { ready: false },
    });
    expect(fieldsOf(result.managed, 'before-first-apply')).toEqual({
      'f:spec': { '.': {}, 'f:replicas': {} },
    });
    expect(fieldsOf(result.managed, 'a')).toEqual({ 'f:spec': { 'f:image': {} } });
    expect(() =>
      applyConfiguration(live, widget({ replicas: 4 }), new Map(), 'a', false, scope, false),
    ).toThrow(
      'Apply failed with 1 conflict: conflict with "before-first-apply" using example.com/v1: .spec.replicas',
    );
  });

  it('lets kubectl take over fields of the last-applied annotation, and updates it', () => {
    const lastApplied = JSON.stringify(widget({ replicas: 1 }));
    const live = widget({ replicas: 1 }, { annotations: { [lastAppliedAnnotation]: lastApplied } });
    const managed = updateManagedFields(
      undefined,
      live,
      new Map(),
      'kubectl-client-side-apply',
      scope,
    );
    const config = widget({ replicas: 2 });
    expect(() => apply(live, managed, 'someone', config)).toThrow(/conflict/);
    const result = applyConfiguration(live, config, managed, 'kubectl', false, scope, false);
    expect(result.object.spec).toEqual({ replicas: 2 });
    expect(result.object.metadata?.annotations?.[lastAppliedAnnotation]).toBe(
      '{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w","namespace":"default"},"spec":{"replicas":2}}\n',
    );
  });
});

describe('updateManagedFields', () => {
  it('gives changed fields to the updater, takes removed ones from everybody, and skips unmanaged objects', () => {
    const created = updateManagedFields(
      undefined,
      widget({ replicas: 1, image: 'a' }),
      new Map(),
      'creator',
      scope,
    );
    expect(fieldsOf(created, 'creator')).toEqual({
      'f:spec': { '.': {}, 'f:image': {}, 'f:replicas': {} },
    });
    const edited = updateManagedFields(
      widget({ replicas: 1, image: 'a' }),
      widget({ replicas: 2 }),
      created,
      'editor',
      scope,
    );
    // The spec map itself stays the creator's (a member without children encodes as `{}`).
    expect(fieldsOf(edited, 'creator')).toEqual({ 'f:spec': {} });
    expect(fieldsOf(edited, 'editor')).toEqual({ 'f:spec': { 'f:replicas': {} } });
    expect(
      updateManagedFields(widget({}), widget({ replicas: 1 }), new Map(), 'x', scope).size,
    ).toBe(0);
  });

  it('keeps at most 10 update managers, the oldest merged into ancient-changes', () => {
    let managed: ManagedFields = new Map();
    let live: KubeObject | undefined;
    for (let index = 0; index < 12; index++) {
      const next = widget({ replicas: 1 }, { labels: { [`l${index}`]: 'x' } });
      if (live)
        next.metadata = {
          ...next.metadata,
          labels: { ...live.metadata?.labels, [`l${index}`]: 'x' },
        };
      managed = updateManagedFields(live, next, managed, `m${index}`, {
        ...scope,
        now: `2026-01-02T03:04:${String(10 + index)}Z`,
      });
      live = next;
    }
    const names = encodeManagedFields(managed)?.map((entry) => entry.manager);
    expect(names).toHaveLength(10);
    expect(names).toContain('ancient-changes');
    expect(names).not.toContain('m0');
    expect(decodeManagedFields(encodeManagedFields(managed)).size).toBe(10);
  });

  it('reads the built-in table: Pod containers merge by name', () => {
    const podType = applyTypeOf(
      builtinResourceTypes.find((candidate) => candidate.kind === 'Pod') as ResourceType,
    );
    const set = toFieldSet({ spec: { containers: [{ name: 'a', image: 'x' }] } }, podType);
    expect(set.paths().map(pathString)).toEqual([
      '.spec.containers[name="a"]',
      '.spec.containers[name="a"].image',
      '.spec.containers[name="a"].name',
    ]);
  });
});
