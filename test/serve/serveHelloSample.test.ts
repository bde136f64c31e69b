import { describe, expect, it } from 'vitest';

import { serveHelloServeConfig } from '../../src/shared/ray/serveHelloSample.ts';
import { readManifest } from '../support/readManifest.ts';

describe('serveHelloServeConfig', () => {
  it('is the Serve config of manifests/rayservice-hello.yaml', () => {
    const manifest = readManifest('rayservice-hello.yaml');
    const spec = 'spec' in manifest ? manifest.spec : undefined;
    const text =
      spec && typeof spec === 'object' && 'serveConfigV2' in spec ? spec.serveConfigV2 : undefined;
    expect(serveHelloServeConfig).toBe(text);
  });
});
