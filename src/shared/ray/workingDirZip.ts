import { type ZipOptions, zipSync } from 'fflate';

/** One file of a working-dir package: a `/`-separated path relative to the folder. */
export interface WorkingDirFile {
  path: string;
  bytes: Uint8Array;
  /** Unix permission bits (e.g. 0o755 for a script); default 0o644. */
  mode?: number;
}

/** Ray's limit on an uploaded working_dir package (GCS_STORAGE_MAX_SIZE: 512 MiB). */
export const maxWorkingDirBytes = 512 * 1024 * 1024;

/**
 * A ZIP of a Ray `working_dir`, as `ray job submit --working-dir` packs one: paths relative to
 * the folder (no parent folder entry), deflated. Entries are sorted and carry one fixed time
 * (1980-01-01 00:00, the ZIP epoch, given in local time because ZIP stores local fields), so the
 * same files always give the same bytes and the same content-addressed `_ray_pkg_<hash>.zip`.
 * One writer for the CLI, the server's catalog package and the browser's folder upload.
 * @throws Error when the files add up to more than {@link maxWorkingDirBytes}
 */
export function zipWorkingDir(files: readonly WorkingDirFile[]): Uint8Array<ArrayBuffer> {
  const total = files.reduce((sum, file) => sum + file.bytes.length, 0);
  if (total > maxWorkingDirBytes) {
    throw new Error(`the working dir is over ${maxWorkingDirBytes / 2 ** 20} MiB`);
  }
  const entries: Record<string, [Uint8Array, ZipOptions]> = {};
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    entries[file.path] = [
      file.bytes,
      {
        level: 6,
        mtime: new Date(1980, 0, 1),
        os: 3, // Unix, so the mode below is read
        attrs: ((0o100000 | (file.mode ?? 0o644)) << 16) >>> 0,
      },
    ];
  }
  // A copy on its own ArrayBuffer, which fetch accepts as a body.
  return new Uint8Array(zipSync(entries));
}
