import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { deriveBuiltinListTypes } from '../../../test/support/deriveBuiltinListTypes.ts';
import { builtinKindMessages, builtinMessageShapes } from './builtinListTypes.ts';
import { kubernetesApiDefinitions } from './kubernetesApiDefinitions.ts';

const protoDir = fileURLToPath(
  new URL('../../../../shared/upstream/kubernetes-proto', import.meta.url),
);
const present = existsSync(protoDir);
const requireUpstream = process.env['RAYDECK_REQUIRE_UPSTREAM'] === '1';
if (!present && !requireUpstream) {
  process.stderr.write(`[skip] builtinListTypes against the proto files: ${protoDir} is absent\n`);
}

describe.skipIf(!present && !requireUpstream)('builtinListTypes', () => {
  it('is what the Kubernetes 1.35 proto markers say', () => {
    if (!present)
      throw new Error(`${protoDir} is missing, and RAYDECK_REQUIRE_UPSTREAM=1 forbids skipping.`);
    const derived = deriveBuiltinListTypes(protoDir);
    expect(builtinMessageShapes).toEqual(derived.messages);
    expect(builtinKindMessages).toEqual(derived.kinds);
  });
});

/** `core.v1.PodSpec` → `io.k8s.api.core.v1.PodSpec`, the name in the OpenAPI definitions. */
function definitionOf(message: string): string {
  return message.startsWith('meta.')
    ? `io.k8s.apimachinery.pkg.apis.${message}`
    : `io.k8s.api.${message}`;
}

describe('builtinListTypes and the OpenAPI definitions', () => {
  it('merge the lists kubectl sees in /openapi the way server-side apply merges them', () => {
    // structured-merge-diff's rule: x-kubernetes-list-type first, else a merge patch strategy
    // (with a merge key a list-map, without a set), else atomic.
    const checked: string[] = [];
    for (const [message, fields] of Object.entries(builtinMessageShapes)) {
      const definition = kubernetesApiDefinitions[definitionOf(message)];
      if (!definition?.properties) continue;
      for (const [field, typeString] of Object.entries(definition.properties)) {
        if (!typeString.startsWith('[]')) continue;
        const listType = definition.listTypes?.[field];
        const [strategy = '', mergeKey] = (definition.patchStrategies?.[field] ?? '').split(':');
        let expected: unknown;
        if (listType) {
          const [kind, keys] = listType.split(':');
          expected = kind === 'map' ? keys?.split(',') : kind === 'set' ? 'set' : undefined;
        } else if (strategy.split(',').includes('merge')) {
          expected = mergeKey ? [mergeKey] : 'set';
        }
        expect(fields[field]?.list, `${message}.${field}`).toEqual(expected);
        checked.push(`${message}.${field}`);
      }
    }
    expect(checked).toContain('core.v1.PodSpec.containers');
    expect(checked).toContain('meta.v1.ObjectMeta.finalizers');
  });
});
