import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe } from 'vitest';

/**
 * The upstream KubeRay reference data (CRDs, samples, Kustomize tree, Helm charts), read in
 * place from `../shared/upstream/kuberay` beside the project. Never copied into the project.
 */
export const upstreamKuberayDir = fileURLToPath(
  new URL('../../../shared/upstream/kuberay', import.meta.url),
);

/** The upstream Kueue reference data (CRDs, admin samples, Ray task pages), read in place. */
export const upstreamKueueDir = fileURLToPath(
  new URL('../../../shared/upstream/kueue', import.meta.url),
);

/** Whether the upstream reference data is present on this machine. */
export const hasUpstream = existsSync(upstreamKuberayDir);

/**
 * `describe` for tests that need the upstream data. Without it the suite is skipped with a
 * message, unless `RAYDECK_REQUIRE_UPSTREAM=1` (as in CI), where its absence is a failure. `dir`
 * is the data the suite reads: the KubeRay folder by default, or e.g. {@link upstreamKueueDir}.
 */
export function describeWithUpstream(
  name: string,
  body: () => void,
  dir: string = upstreamKuberayDir,
): void {
  if (existsSync(dir)) {
    describe(name, body);
    return;
  }
  if (process.env['RAYDECK_REQUIRE_UPSTREAM'] === '1') {
    describe(name, () => {
      throw new Error(`${dir} is missing, and RAYDECK_REQUIRE_UPSTREAM=1 forbids skipping.`);
    });
    return;
  }
  process.stderr.write(`[skip] ${name}: ${dir} is absent\n`);
  describe.skip(name, body);
}
