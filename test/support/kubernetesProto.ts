import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe } from 'vitest';

/**
 * The Kubernetes 1.35 `generated.proto` files, read in place from
 * `../shared/upstream/kubernetes-proto` beside the project. Never copied into the project.
 */
export const kubernetesProtoDir = fileURLToPath(
  new URL('../../../shared/upstream/kubernetes-proto', import.meta.url),
);

/**
 * `describe` for tests that need the proto files: skipped with a message when they are absent,
 * a failure instead when `RAYDECK_REQUIRE_UPSTREAM=1` (as in CI).
 */
export function describeWithKubernetesProto(name: string, body: () => void): void {
  if (existsSync(kubernetesProtoDir)) {
    describe(name, body);
    return;
  }
  if (process.env['RAYDECK_REQUIRE_UPSTREAM'] === '1') {
    describe(name, () => {
      throw new Error(
        `${kubernetesProtoDir} is missing, and RAYDECK_REQUIRE_UPSTREAM=1 forbids skipping.`,
      );
    });
    return;
  }
  process.stderr.write(`[skip] ${name}: ${kubernetesProtoDir} is absent\n`);
  describe.skip(name, body);
}
