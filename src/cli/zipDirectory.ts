import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

import { zipWorkingDir } from '../shared/ray/workingDirZip.ts';

/** Folders never packed: VCS data, caches and virtualenvs (as Ray users exclude them). */
const skippedFolders = new Set(['.git', 'node_modules', '__pycache__', '.venv', '.mypy_cache']);

/**
 * `dir` as a Ray working-dir package ({@link zipWorkingDir}): its files with paths relative to
 * it and their permission bits, as `ray job submit --working-dir` uploads.
 * @throws Error naming `dir` when its files are over Ray's 512 MiB package limit
 */
export function zipDirectory(dir: string): Uint8Array<ArrayBuffer> {
  const files: { path: string; bytes: Uint8Array; mode: number }[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!skippedFolders.has(entry.name)) walk(path);
      } else if (entry.isFile()) {
        files.push({
          path: relative(dir, path).split(sep).join('/'),
          bytes: readFileSync(path),
          mode: statSync(path).mode & 0o777,
        });
      }
    }
  };
  walk(dir);
  try {
    return zipWorkingDir(files);
  } catch (error) {
    throw new Error(`${dir}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}
