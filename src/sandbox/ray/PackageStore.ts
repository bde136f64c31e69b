import { zipEntryNames } from './zipEntryNames.ts';

/**
 * Bytes of packages one simulated head keeps, in total: 64 MiB. A real head keeps them in the
 * GCS up to Ray's 512 MiB per package; the sandbox bounds its memory instead.
 */
export const packageStoreBytes = 64 * 1024 * 1024;

interface StoredPackage {
  size: number;
  /** Entry names of the archive; undefined when it is not a readable ZIP. */
  files: string[] | undefined;
}

/**
 * The packages uploaded to a head (`PUT /api/packages/gcs/<name>.zip`), as the GCS keeps them
 * for `runtime_env` `working_dir` and `py_modules`. Only the archive's entry names are kept, not
 * its bytes: a simulated job reads which files it was given, nothing runs them. The total of the
 * sizes is bounded by `capacityBytes`: the oldest packages are dropped to make room.
 */
export class PackageStore {
  private readonly capacityBytes: number;
  private readonly packages = new Map<string, StoredPackage>();
  private totalBytes = 0;

  constructor(capacityBytes = packageStoreBytes) {
    this.capacityBytes = capacityBytes;
  }

  /** Largest package accepted, in bytes. */
  get maxPackageBytes(): number {
    return this.capacityBytes;
  }

  /** Stores a package under its URI (`gcs://_ray_pkg_<hash>.zip`), replacing any before. */
  put(uri: string, bytes: Uint8Array): void {
    this.delete(uri);
    while (this.totalBytes + bytes.length > this.capacityBytes && this.packages.size > 0) {
      const oldest = this.packages.keys().next().value as string;
      this.delete(oldest);
    }
    this.packages.set(uri, { size: bytes.length, files: zipEntryNames(bytes) });
    this.totalBytes += bytes.length;
  }

  has(uri: string): boolean {
    return this.packages.has(uri);
  }

  /** The files of a stored package; undefined for an unknown URI or an unreadable archive. */
  files(uri: string): readonly string[] | undefined {
    return this.packages.get(uri)?.files;
  }

  /** Bytes of all stored packages. */
  get storedBytes(): number {
    return this.totalBytes;
  }

  private delete(uri: string): void {
    const existing = this.packages.get(uri);
    if (!existing) return;
    this.packages.delete(uri);
    this.totalBytes -= existing.size;
  }
}
