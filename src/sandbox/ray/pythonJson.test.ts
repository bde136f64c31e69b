import { describe, expect, it } from 'vitest';

import {
  pythonJsonDumps,
  pythonRepr,
  pythonTitle,
  toCamelCase,
  toGoogleStyle,
} from './pythonJson.ts';

describe('pythonJsonDumps', () => {
  it('separates like json.dumps and escapes non-ASCII', () => {
    expect(pythonJsonDumps({ a: [1, 'é', null, true], b: {}, c: [], d: undefined })).toBe(
      '{"a": [1, "\\u00e9", null, true], "b": {}, "c": []}',
    );
  });

  it('writes NaN and infinities as Python does', () => {
    expect(pythonJsonDumps([Number.NaN, Infinity, -Infinity])).toBe('[NaN, Infinity, -Infinity]');
  });
});

describe('to_google_style', () => {
  it('title-cases like Python', () => {
    expect(pythonTitle('type:a100')).toBe('Type:A100');
    expect(pythonTitle('gPU')).toBe('Gpu');
  });

  it('renames keys as Ray’s to_camel_case', () => {
    expect(toCamelCase('object_store_memory')).toBe('objectStoreMemory');
    expect(toCamelCase('accelerator_type:A100')).toBe('acceleratorType:A100');
    expect(toCamelCase('node:__internal_head__')).toBe('node:InternalHead');
    expect(toCamelCase('CPU')).toBe('CPU');
  });

  it('recurses into objects and objects in lists, not into lists in lists', () => {
    expect(
      toGoogleStyle({
        load_metrics: {
          pg_demand: [{ bundle_index: 1 }],
          resource_demand: [[{ snake_key: 1 }, 2]],
        },
      }),
    ).toEqual({
      loadMetrics: { pgDemand: [{ bundleIndex: 1 }], resourceDemand: [[{ snake_key: 1 }, 2]] },
    });
  });
});

describe('pythonRepr', () => {
  it('writes Python literals', () => {
    expect(pythonRepr({ name: "it's", n: 1, ok: true, none: null, list: ['a'] })).toBe(
      `{'name': "it's", 'n': 1, 'ok': True, 'none': None, 'list': ['a']}`,
    );
  });
});
