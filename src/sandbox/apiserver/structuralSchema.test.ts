import { describe, expect, it } from 'vitest';

import {
  admitWithSchema,
  formatCause,
  type JsonSchemaProps,
  validateAgainstCrd,
} from './structuralSchema.ts';

const quantityPattern =
  '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';

const intOrString: JsonSchemaProps = {
  anyOf: [{ type: 'integer' }, { type: 'string' }],
  'x-kubernetes-int-or-string': true,
};

function root(spec: JsonSchemaProps, extra: Record<string, JsonSchemaProps> = {}): JsonSchemaProps {
  return {
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec,
      ...extra,
    },
  };
}

function admit(schema: JsonSchemaProps, spec: unknown, oldSpec?: unknown) {
  const object = { apiVersion: 'example.io/v1', kind: 'Thing', metadata: { name: 'x' }, spec };
  const oldObject =
    oldSpec === undefined
      ? undefined
      : { apiVersion: 'example.io/v1', kind: 'Thing', metadata: { name: 'x' }, spec: oldSpec };
  const result = admitWithSchema(schema, object, {
    fieldValidation: 'Strict',
    ...(oldObject ? { oldObject } : {}),
  });
  return {
    spec: (result.object as { spec?: unknown }).spec,
    causes: result.causes,
    texts: result.causes.map(formatCause),
    unknownFields: result.unknownFields,
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

describe('pruning', () => {
  const schema = root({
    type: 'object',
    properties: {
      replicas: { type: 'integer' },
      groups: {
        type: 'array',
        items: { type: 'object', properties: { name: { type: 'string' } } },
      },
      params: { type: 'object', additionalProperties: { type: 'string' } },
      free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      mixed: {
        type: 'object',
        'x-kubernetes-preserve-unknown-fields': true,
        properties: { inner: { type: 'object', properties: { a: { type: 'string' } } } },
      },
      embedded: {
        type: 'object',
        'x-kubernetes-embedded-resource': true,
        properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } },
      },
    },
  });

  it('drops unknown fields and reports each path, sorted', () => {
    const result = admit(schema, {
      replicas: 1,
      foo: 1,
      groups: [{ name: 'a', bar: true }, { baz: {} }],
      params: { 'num-cpus': '1' },
    });
    expect(result.spec).toEqual({
      replicas: 1,
      groups: [{ name: 'a' }, {}],
      params: { 'num-cpus': '1' },
    });
    expect(result.unknownFields).toEqual(['spec.foo', 'spec.groups[0].bar', 'spec.groups[1].baz']);
    expect(result.causes).toEqual([]);
  });

  it('keeps apiVersion, kind and only ObjectMeta fields of metadata at the root', () => {
    const result = admitWithSchema(
      root({ type: 'object' }),
      {
        apiVersion: 'example.io/v1',
        kind: 'Thing',
        metadata: {
          name: 'x',
          labels: { a: 'b' },
          color: 'red',
          ownerReferences: [{ name: 'o', extra: 1 }],
        },
        status: { phase: 'x' },
        spec: {},
      },
      { fieldValidation: 'Warn' },
    );
    expect(result.object).toEqual({
      apiVersion: 'example.io/v1',
      kind: 'Thing',
      metadata: { name: 'x', labels: { a: 'b' }, ownerReferences: [{ name: 'o' }] },
      spec: {},
    });
    expect(result.unknownFields).toEqual([
      'metadata.color',
      'metadata.ownerReferences[0].extra',
      'status',
    ]);
  });

  it('keeps everything below x-kubernetes-preserve-unknown-fields but still prunes known fields', () => {
    const result = admit(schema, {
      free: { anything: { deep: [1, { x: null }] } },
      mixed: { extra: 'kept', inner: { a: 'ok', b: 'pruned' } },
    });
    expect(result.spec).toEqual({
      free: { anything: { deep: [1, { x: null }] } },
      mixed: { extra: 'kept', inner: { a: 'ok' } },
    });
    expect(result.unknownFields).toEqual(['spec.mixed.inner.b']);
  });

  it('keeps apiVersion, kind and metadata of an embedded resource', () => {
    const result = admit(schema, {
      embedded: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'cm', bogus: 1 },
        spec: { size: 1, other: 2 },
      },
    });
    expect(result.spec).toEqual({
      embedded: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'cm' },
        spec: { size: 1 },
      },
    });
    expect(result.unknownFields).toEqual([
      'spec.embedded.metadata.bogus',
      'spec.embedded.spec.other',
    ]);
  });

  it('requires apiVersion and kind in an embedded resource', () => {
    expect(admit(schema, { embedded: { spec: {} } }).texts).toEqual([
      'spec.embedded.apiVersion: Required value',
      'spec.embedded.kind: Required value',
    ]);
  });

  it('never mutates its input and returns keys sorted as the API server serializes them', () => {
    const input = deepFreeze({
      apiVersion: 'example.io/v1',
      kind: 'Thing',
      metadata: { name: 'x' },
      spec: { replicas: 2, groups: [{ name: 'b' }], foo: 1 },
    });
    const result = admitWithSchema(schema, input, { fieldValidation: 'Ignore' });
    expect(input.spec.foo).toBe(1);
    expect(result.object).not.toBe(input);
    expect(Object.keys((result.object as { spec: object }).spec)).toEqual(['groups', 'replicas']);
  });
});

describe('defaulting', () => {
  const schema = root({
    type: 'object',
    properties: {
      mode: { type: 'string', default: 'DenyAll' },
      optional: { type: 'string', nullable: true, default: 'x' },
      nested: {
        type: 'object',
        properties: { depth: { type: 'integer', default: 3 } },
      },
      withDefaultObject: {
        type: 'object',
        default: {},
        properties: { inner: { type: 'integer', default: 7 } },
      },
      groups: {
        type: 'array',
        items: {
          type: 'object',
          required: ['minReplicas'],
          properties: {
            minReplicas: { type: 'integer', default: 0 },
            maxReplicas: { type: 'integer', default: 2147483647 },
          },
        },
      },
      labels: { type: 'object', additionalProperties: { type: 'string', default: 'v' } },
    },
  });

  it('applies defaults to missing fields, inside array items, only where the parent exists', () => {
    const result = admit(schema, { groups: [{}, { minReplicas: 2 }] });
    expect(result.spec).toEqual({
      groups: [
        { maxReplicas: 2147483647, minReplicas: 0 },
        { maxReplicas: 2147483647, minReplicas: 2 },
      ],
      mode: 'DenyAll',
      optional: 'x',
      withDefaultObject: { inner: 7 },
    });
    expect(result.causes).toEqual([]);
  });

  it('defaults nested objects that exist', () => {
    expect(admit(schema, { nested: {} }).spec).toMatchObject({ nested: { depth: 3 } });
  });

  it('replaces a null by the default unless the field is nullable', () => {
    const result = admit(schema, { mode: null, optional: null, labels: { a: null } });
    expect(result.spec).toMatchObject({ mode: 'DenyAll', optional: null, labels: { a: 'v' } });
  });

  it('fills a required field from its default, so no Required error is raised', () => {
    expect(admit(schema, { groups: [{ minReplicas: null }] }).causes).toEqual([]);
  });
});

describe('nulls', () => {
  const schema = root({
    type: 'object',
    required: ['name'],
    properties: {
      name: { type: 'string' },
      note: { type: 'string' },
      maybe: { type: 'string', nullable: true },
      args: { type: 'array', items: { type: 'string' } },
    },
  });

  it('prunes a non-nullable null without a default; a required one is then missing', () => {
    const result = admit(schema, { name: null, note: null, maybe: null });
    expect(result.spec).toEqual({ maybe: null });
    expect(result.texts).toEqual(['spec.name: Required value']);
  });

  it('rejects a null list item with a type error', () => {
    expect(admit(schema, { name: 'a', args: ['x', null] }).causes).toEqual([
      {
        reason: 'FieldValueTypeInvalid',
        field: 'spec.args[1]',
        message: 'Invalid value: "null": spec.args[1] in body must be of type string: "null"',
      },
    ]);
  });
});

describe('type validation', () => {
  const schema = root({
    type: 'object',
    properties: {
      replicas: { type: 'integer', format: 'int32' },
      ratio: { type: 'number' },
      enabled: { type: 'boolean' },
      cpu: { ...intOrString, pattern: quantityPattern },
      port: intOrString,
      tags: { type: 'array', items: { type: 'string' } },
    },
  });

  it('reports a wrong type as Kubernetes does', () => {
    expect(admit(schema, { replicas: 'three' }).causes).toEqual([
      {
        reason: 'FieldValueTypeInvalid',
        field: 'spec.replicas',
        message: 'Invalid value: "string": spec.replicas in body must be of type integer: "string"',
      },
    ]);
  });

  it('returns every violation, not the first one', () => {
    expect(admit(schema, { replicas: true, enabled: 'yes', tags: 'a', ratio: 'x' }).texts).toEqual([
      'spec.enabled: Invalid value: "string": spec.enabled in body must be of type boolean: "string"',
      'spec.ratio: Invalid value: "string": spec.ratio in body must be of type number: "string"',
      'spec.replicas: Invalid value: "boolean": spec.replicas in body must be of type integer: "boolean"',
      'spec.tags: Invalid value: "string": spec.tags in body must be of type array: "string"',
    ]);
  });

  it('accepts an integer where a number is expected and ignores unsupported formats', () => {
    expect(admit(schema, { ratio: 2, replicas: 3_000_000_000 }).causes).toEqual([]);
  });

  it('reports a fractional number for an integer twice, as kube-openapi does', () => {
    expect(admit(schema, { replicas: 1.5 }).texts).toEqual([
      'spec.replicas: Invalid value: "number": spec.replicas in body must be of type integer: "number"',
      '<nil>: Invalid value: "": Checked value must be of type integer (default format) in spec.replicas',
    ]);
  });

  it('accepts integers and strings for x-kubernetes-int-or-string', () => {
    expect(admit(schema, { cpu: 2, port: 'http' }).causes).toEqual([]);
    expect(admit(schema, { cpu: '500m', port: 8080 }).causes).toEqual([]);
  });

  it('reports the anyOf failure of an int-or-string given another type', () => {
    expect(admit(schema, { port: false }).texts).toEqual([
      'spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"',
      '<nil>: Invalid value: "": "spec.port" must validate at least one schema (anyOf)',
      'spec.port: Invalid value: "boolean": spec.port in body must be of type integer: "boolean"',
    ]);
  });

  it('checks the pattern of a quantity given as a string', () => {
    expect(admit(schema, { cpu: 'lots' }).texts).toEqual([
      `spec.cpu: Invalid value: "lots": spec.cpu in body should match '${quantityPattern}'`,
    ]);
  });
});

describe('value validation', () => {
  const schema = root({
    type: 'object',
    properties: {
      policy: { type: 'string', enum: ['Recreate', 'None'] },
      level: { type: 'integer', enum: [1, 2] },
      name: { type: 'string', minLength: 1, maxLength: 5, pattern: '^[a-z]+$' },
      count: { type: 'integer', minimum: 1, maximum: 10 },
      share: { type: 'number', minimum: 0, exclusiveMinimum: true, multipleOf: 0.5 },
      items: { type: 'array', minItems: 1, maxItems: 2, items: { type: 'string' } },
      unique: { type: 'array', uniqueItems: true, items: { type: 'string' } },
      props: {
        type: 'object',
        minProperties: 1,
        maxProperties: 1,
        additionalProperties: { type: 'string' },
      },
      when: { type: 'string', format: 'date-time' },
    },
  });

  it('reports unsupported enum values with the supported ones', () => {
    expect(admit(schema, { policy: 'Foo', level: 3 }).causes).toEqual([
      {
        reason: 'FieldValueNotSupported',
        field: 'spec.level',
        message: 'Unsupported value: 3: supported values: "1", "2"',
      },
      {
        reason: 'FieldValueNotSupported',
        field: 'spec.policy',
        message: 'Unsupported value: "Foo": supported values: "Recreate", "None"',
      },
    ]);
  });

  it('reports string length and pattern violations', () => {
    expect(admit(schema, { name: 'toolong' }).causes).toEqual([
      {
        reason: 'FieldValueTooLong',
        field: 'spec.name',
        message: 'Too long: may not be more than 5 bytes',
      },
    ]);
    expect(admit(schema, { name: '' }).texts).toEqual([
      'spec.name: Invalid value: "": spec.name in body should be at least 1 chars long',
    ]);
    expect(admit(schema, { name: 'A1' }).texts).toEqual([
      `spec.name: Invalid value: "A1": spec.name in body should match '^[a-z]+$'`,
    ]);
  });

  it('reports numeric bounds and multiples', () => {
    expect(admit(schema, { count: 0 }).texts).toEqual([
      'spec.count: Invalid value: 0: spec.count in body should be greater than or equal to 1',
    ]);
    expect(admit(schema, { count: 11 }).texts).toEqual([
      'spec.count: Invalid value: 11: spec.count in body should be less than or equal to 10',
    ]);
    expect(admit(schema, { share: 0 }).texts).toEqual([
      'spec.share: Invalid value: 0: spec.share in body should be greater than 0',
    ]);
    expect(admit(schema, { share: 0.75 }).texts).toEqual([
      'spec.share: Invalid value: 0.75: spec.share in body should be a multiple of 0.5',
    ]);
  });

  it('reports item and property counts', () => {
    expect(admit(schema, { items: [] }).texts).toEqual([
      'spec.items: Invalid value: 0: spec.items in body should have at least 1 items',
    ]);
    expect(admit(schema, { items: ['a', 'b', 'c'] }).causes).toEqual([
      {
        reason: 'FieldValueTooMany',
        field: 'spec.items',
        message: 'Too many: 3: must have at most 2 items',
      },
    ]);
    expect(admit(schema, { unique: ['a', 'a'] }).texts).toEqual([
      `spec.unique: Invalid value: "": spec.unique in body shouldn't contain duplicates`,
    ]);
    expect(admit(schema, { props: {} }).texts).toEqual([
      'spec.props: Invalid value: 0: spec.props in body should have at least 1 properties',
    ]);
    expect(admit(schema, { props: { a: 'x', b: 'y' } }).texts).toEqual([
      'spec.props: Too many: 2: must have at most 1 item',
    ]);
  });

  it('validates the date-time format', () => {
    expect(admit(schema, { when: '2026-11-26T10:00:00Z' }).causes).toEqual([]);
    expect(admit(schema, { when: 'yesterday' }).texts).toEqual([
      'spec.when: Invalid value: "yesterday": spec.when in body must be of type date-time: "yesterday"',
    ]);
  });
});

describe('combinators', () => {
  const schema = root({
    type: 'object',
    properties: {
      one: { type: 'integer', oneOf: [{ minimum: 0 }, { maximum: 10 }] },
      all: { type: 'integer', allOf: [{ minimum: 0 }, { maximum: 10 }] },
      none: { type: 'string', not: { enum: ['forbidden'] } },
    },
  });

  it('applies oneOf, allOf and not', () => {
    expect(admit(schema, { one: 20, all: 5, none: 'ok' }).causes).toEqual([]);
    expect(admit(schema, { one: 5 }).texts).toEqual([
      '<nil>: Invalid value: "": "spec.one" must validate one and only one schema (oneOf). Found 2 valid alternatives',
    ]);
    expect(admit(schema, { all: 11 }).texts).toEqual([
      'spec.all: Invalid value: 11: spec.all in body should be less than or equal to 10',
      '<nil>: Invalid value: "": "spec.all" must validate all the schemas (allOf)',
    ]);
    expect(admit(schema, { none: 'forbidden' }).texts).toEqual([
      '<nil>: Invalid value: "": "spec.none" must not validate the schema (not)',
    ]);
  });
});

describe('list types', () => {
  const schema = root({
    type: 'object',
    properties: {
      set: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
      byName: {
        type: 'array',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
        items: {
          type: 'object',
          properties: { name: { type: 'string' }, value: { type: 'string' } },
        },
      },
      ports: {
        type: 'array',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['containerPort', 'protocol'],
        items: {
          type: 'object',
          properties: {
            containerPort: { type: 'integer' },
            protocol: { type: 'string', default: 'TCP' },
          },
        },
      },
    },
  });

  it('reports the second occurrence of a duplicate', () => {
    const result = admit(schema, {
      set: ['a', 'b', 'a', 'a'],
      byName: [{ name: 'x' }, { name: 'x', value: 'other' }],
      ports: [
        { containerPort: 80 },
        { containerPort: 80, protocol: 'TCP' },
        { containerPort: 80, protocol: 'UDP' },
      ],
    });
    expect(result.causes).toEqual([
      {
        reason: 'FieldValueDuplicate',
        field: 'spec.byName[1]',
        message: 'Duplicate value: {"name":"x"}',
      },
      {
        reason: 'FieldValueDuplicate',
        field: 'spec.ports[1]',
        message: 'Duplicate value: {"containerPort":80,"protocol":"TCP"}',
      },
      { reason: 'FieldValueDuplicate', field: 'spec.set[2]', message: 'Duplicate value: "a"' },
    ]);
  });

  it('requires objects in a map list', () => {
    expect(admit(schema, { byName: [{ name: 'a' }, 'b'] }).texts).toContain(
      'spec.byName[1]: Invalid value: "b": must be an object for an array of list-type map',
    );
  });
});

describe('CEL rules', () => {
  const schema = root({
    type: 'object',
    properties: {
      managedBy: {
        type: 'string',
        'x-kubernetes-validations': [
          { rule: 'self == oldSelf', message: 'the managedBy field is immutable' },
          { rule: "self in ['a', 'b']", message: "must be 'a' or 'b'" },
        ],
      },
      range: {
        type: 'object',
        properties: { min: { type: 'integer' }, max: { type: 'integer' } },
        'x-kubernetes-validations': [
          {
            rule: 'self.min <= self.max',
            messageExpression: "'min ' + string(self.min) + ' exceeds max'",
          },
          {
            rule: 'self.max + 1 > 1',
            reason: 'FieldValueForbidden',
            fieldPath: '.max',
            message: 'max must be positive',
          },
        ],
      },
      strategy: {
        type: 'object',
        properties: {
          onSuccess: { type: 'string' },
          rules: { type: 'array', items: { type: 'string' } },
        },
        'x-kubernetes-validations': [
          {
            rule: 'has(self.onSuccess) || has(self.rules)',
            message: 'requires either onSuccess or rules',
          },
        ],
      },
      count: { type: 'integer', 'x-kubernetes-validations': [{ rule: 'self >= 0' }] },
      labels: {
        type: 'object',
        additionalProperties: {
          type: 'string',
          'x-kubernetes-validations': [{ rule: 'self.size() < 4', message: 'too long' }],
        },
      },
    },
  });

  it('reports a failing rule with the value for scalars', () => {
    expect(admit(schema, { managedBy: 'c' }).causes).toEqual([
      {
        reason: 'FieldValueInvalid',
        field: 'spec.managedBy',
        message: `Invalid value: "c": must be 'a' or 'b'`,
      },
    ]);
  });

  it('omits the value for objects and uses rule defaults, messageExpression, reason and fieldPath', () => {
    expect(admit(schema, { range: { min: 5, max: -2 }, strategy: {}, count: -1 }).causes).toEqual([
      {
        reason: 'FieldValueInvalid',
        field: 'spec.count',
        message: 'Invalid value: -1: failed rule: self >= 0',
      },
      {
        reason: 'FieldValueInvalid',
        field: 'spec.range',
        message: 'Invalid value: min 5 exceeds max',
      },
      {
        reason: 'FieldValueForbidden',
        field: 'spec.range.max',
        message: 'Forbidden: max must be positive',
      },
      {
        reason: 'FieldValueInvalid',
        field: 'spec.strategy',
        message: 'Invalid value: requires either onSuccess or rules',
      },
    ]);
  });

  it('uses [key] paths for map values', () => {
    expect(admit(schema, { labels: { team: 'platform' } }).texts).toEqual([
      'spec.labels[team]: Invalid value: "platform": too long',
    ]);
  });

  it('skips transition rules on create and enforces them on update', () => {
    expect(admit(schema, { managedBy: 'a' }).causes).toEqual([]);
    expect(admit(schema, { managedBy: 'b' }, { managedBy: 'a' }).texts).toEqual([
      'spec.managedBy: Invalid value: "b": the managedBy field is immutable',
    ]);
    expect(admit(schema, { managedBy: 'b' }, {}).causes).toEqual([]);
  });

  it('does not run rules when an earlier error blocks them', () => {
    expect(admit(schema, { managedBy: 'c', count: 'x' }).texts).toEqual([
      'spec.count: Invalid value: "string": spec.count in body must be of type integer: "string"',
      '<nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
    ]);
  });

  it('supports optionalOldSelf', () => {
    const optional = root({
      type: 'string',
      'x-kubernetes-validations': [
        {
          rule: '!oldSelf.hasValue() || oldSelf.value() == self',
          optionalOldSelf: true,
          message: 'fixed',
        },
      ],
    });
    expect(admit(optional, 'a').causes).toEqual([]);
    expect(admit(optional, 'b', 'a').texts).toEqual(['spec: Invalid value: "b": fixed']);
  });

  it('binds date-time strings as timestamps', () => {
    const dated = root({
      type: 'string',
      format: 'date-time',
      'x-kubernetes-validations': [
        { rule: "self > timestamp('2020-01-01T00:00:00Z')", message: 'too old' },
      ],
    });
    expect(admit(dated, '2026-11-26T10:00:00Z').causes).toEqual([]);
    expect(admit(dated, '2019-05-01T00:00:00Z').texts).toEqual([
      'spec: Invalid value: "2019-05-01T00:00:00Z": too old',
    ]);
  });

  it('reports an invalid rule as a compile error', () => {
    const broken = root({ type: 'string', 'x-kubernetes-validations': [{ rule: 'self ==' }] });
    expect(admit(broken, 'a').causes[0]?.message).toMatch(
      /^Invalid value: "string": rule compile error: /,
    );
  });
});

describe('ratcheting on update', () => {
  const schema = root({
    type: 'object',
    properties: {
      policy: { type: 'string', enum: ['Recreate', 'None'] },
      name: {
        type: 'string',
        'x-kubernetes-validations': [{ rule: 'self.size() < 3', message: 'short' }],
      },
      replicas: { type: 'integer' },
    },
  });

  it('keeps accepting an invalid value that did not change', () => {
    expect(
      admit(
        schema,
        { policy: 'Old', name: 'long', replicas: 2 },
        { policy: 'Old', name: 'long', replicas: 1 },
      ).causes,
    ).toEqual([]);
    expect(
      admit(schema, { policy: 'Older', name: 'longer' }, { policy: 'Old', name: 'long' }).texts,
    ).toEqual([
      'spec.policy: Unsupported value: "Older": supported values: "Recreate", "None"',
      '<nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
    ]);
  });
});

describe('formatCause', () => {
  it('joins field and message as Status messages do', () => {
    expect(
      formatCause({ reason: 'FieldValueRequired', field: 'spec.x', message: 'Required value' }),
    ).toBe('spec.x: Required value');
  });
});

describe('validateAgainstCrd', () => {
  const crd = {
    spec: {
      group: 'example.io',
      names: { kind: 'Thing' },
      versions: [
        {
          name: 'v1',
          served: true,
          schema: {
            openAPIV3Schema: root({
              type: 'object',
              required: ['size'],
              properties: { size: { type: 'integer' } },
            }),
          },
        },
        { name: 'v0', served: false, schema: { openAPIV3Schema: root({ type: 'object' }) } },
      ],
    },
  };

  it('validates with the schema of the version named by apiVersion', () => {
    const result = validateAgainstCrd(
      crd,
      { apiVersion: 'example.io/v1', kind: 'Thing', spec: {} },
      { fieldValidation: 'Strict' },
    );
    expect(result.causes.map(formatCause)).toEqual(['spec.size: Required value']);
  });

  it('rejects a version that is not served, and a wrong kind', () => {
    expect(
      validateAgainstCrd(
        crd,
        { apiVersion: 'example.io/v0', kind: 'Other' },
        { fieldValidation: 'Strict' },
      ).causes.map(formatCause),
    ).toEqual([
      'kind: Invalid value: "Other": must be Thing',
      'apiVersion: Unsupported value: "example.io/v0": supported values: "example.io/v1"',
    ]);
  });
});
