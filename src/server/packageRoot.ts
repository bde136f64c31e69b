import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface PackageJson {
  name?: string;
  version?: string;
}

/**
 * Finds Raydeck's package folder by walking up from this file, so the same code works from
 * `src/server` (tsx, tests) and from `dist/node/server` (the built executable).
 */
function findPackageRoot(): { root: string; manifest: PackageJson } {
  let folder = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const manifest = JSON.parse(
        readFileSync(join(folder, 'package.json'), 'utf8'),
      ) as PackageJson;
      if (manifest.name === 'raydeck') return { root: folder, manifest };
    } catch {
      // No package.json here; keep walking up.
    }
    const parent = dirname(folder);
    if (parent === folder) throw new Error('cannot find the raydeck package.json above ' + folder);
    folder = parent;
  }
}

const found = findPackageRoot();

/** Absolute path of the Raydeck package folder (holds package.json, dist/, docs/). */
export const packageRoot: string = found.root;

/** Raydeck's version from package.json, e.g. `0.1.0`. */
export const packageVersion: string = found.manifest.version ?? '0.0.0';
