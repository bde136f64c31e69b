import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { deriveBuiltinListTypes } from '../../../test/support/deriveBuiltinListTypes.ts';
import { builtinKindMessages, builtinMessageShapes } from './builtinListTypes.ts';

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
