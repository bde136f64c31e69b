import { describe, expect, it } from 'vitest';

import { encodeOpenApiV2Protobuf } from './encodeOpenApiV2Protobuf.ts';

/** Reads the top-level fields of a protobuf message: field number → raw values. */
function readFields(bytes: Uint8Array): Map<number, (number | Uint8Array)[]> {
  const fields = new Map<number, (number | Uint8Array)[]>();
  let offset = 0;
  const varint = (): number => {
    let value = 0;
    let scale = 1;
    for (;;) {
      const byte = bytes[offset++] as number;
      value += (byte & 0x7f) * scale;
      scale *= 128;
      if (byte < 0x80) return value;
    }
  };
  while (offset < bytes.length) {
    const tag = varint();
    const field = Math.floor(tag / 8);
    let value: number | Uint8Array;
    if (tag % 8 === 0) value = varint();
    else if (tag % 8 === 1) {
      value = bytes.subarray(offset, offset + 8);
      offset += 8;
    } else {
      const length = varint();
      value = bytes.subarray(offset, offset + length);
      offset += length;
    }
    fields.set(field, [...(fields.get(field) ?? []), value]);
  }
  return fields;
}

const text = (value: number | Uint8Array | undefined) =>
  new TextDecoder().decode(value as Uint8Array);

describe('encodeOpenApiV2Protobuf', () => {
  it("writes gnostic's Document: swagger, info, paths and definitions with extensions", () => {
    const bytes = encodeOpenApiV2Protobuf({
      swagger: '2.0',
      info: { title: 'Kubernetes', version: 'v1.35.0' },
      paths: {
        '/api/v1/pods/{name}': {
          patch: {
            responses: { '200': { description: 'OK' } },
            'x-kubernetes-group-version-kind': { group: '', kind: 'Pod', version: 'v1' },
          },
        },
      },
      definitions: {
        'io.k8s.api.core.v1.Pod': {
          type: 'object',
          required: ['spec'],
          properties: { spec: { $ref: '#/definitions/io.k8s.api.core.v1.PodSpec' } },
          additionalProperties: false,
          'x-kubernetes-group-version-kind': [{ group: '', kind: 'Pod', version: 'v1' }],
        },
      },
    });
    const document = readFields(bytes);
    expect(text(document.get(1)?.[0])).toBe('2.0');
    const info = readFields(document.get(2)?.[0] as Uint8Array);
    expect(text(info.get(1)?.[0])).toBe('Kubernetes');

    const paths = readFields(document.get(8)?.[0] as Uint8Array);
    const namedPath = readFields(paths.get(2)?.[0] as Uint8Array);
    expect(text(namedPath.get(1)?.[0])).toBe('/api/v1/pods/{name}');
    const patch = readFields(
      readFields(namedPath.get(2)?.[0] as Uint8Array).get(8)?.[0] as Uint8Array,
    );
    const extension = readFields(patch.get(13)?.[0] as Uint8Array);
    expect(text(extension.get(1)?.[0])).toBe('x-kubernetes-group-version-kind');
    const yaml = readFields(extension.get(2)?.[0] as Uint8Array);
    expect(JSON.parse(text(yaml.get(2)?.[0]))).toEqual({ group: '', kind: 'Pod', version: 'v1' });

    const definitions = readFields(document.get(9)?.[0] as Uint8Array);
    const named = readFields(definitions.get(1)?.[0] as Uint8Array);
    expect(text(named.get(1)?.[0])).toBe('io.k8s.api.core.v1.Pod');
    const schema = readFields(named.get(2)?.[0] as Uint8Array);
    expect(text(schema.get(19)?.[0])).toBe('spec');
    expect(text(readFields(schema.get(22)?.[0] as Uint8Array).get(1)?.[0])).toBe('object');
    // additionalProperties: false is written (the boolean branch), not dropped.
    expect(readFields(schema.get(21)?.[0] as Uint8Array).get(2)).toEqual([0]);
    const property = readFields(
      readFields(readFields(schema.get(25)?.[0] as Uint8Array).get(1)?.[0] as Uint8Array).get(
        2,
      )?.[0] as Uint8Array,
    );
    expect(text(property.get(1)?.[0])).toBe('#/definitions/io.k8s.api.core.v1.PodSpec');
  });
});
