import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import type { Kysely } from 'kysely';
import { Check } from 'typebox/value';
import { parse } from 'yaml';

import {
  type CatalogEntry,
  CatalogEntryInput,
  type CatalogEntryInput as CatalogEntryInputType,
} from '../../shared/api/jobSchemas.ts';
import { zipWorkingDir } from '../../shared/ray/workingDirZip.ts';
import type { Database } from '../store/database.ts';
import { ServiceError } from './serviceErrors.ts';

/** The working dir package of the built-in workloads: the zip and its Ray package name. */
export interface WorkloadPackage {
  zip: Buffer;
  /** `_ray_pkg_<sha1 hex>.zip`. */
  name: string;
}

/**
 * The workload catalog: built-in entries from `workloads/catalog.yaml` (run with the `workloads/`
 * folder as working dir), plus entries admins add (table `catalog_entries`). A built-in id cannot
 * be reused by an admin entry.
 */
export class WorkloadCatalog {
  private readonly builtins: CatalogEntry[];
  private readonly folder: string;
  private readonly db: Kysely<Database>;
  private cachedPackage: WorkloadPackage | undefined;

  constructor(options: { db: Kysely<Database>; folder: string }) {
    this.db = options.db;
    this.folder = options.folder;
    this.builtins = readBuiltinCatalog(join(options.folder, 'catalog.yaml'));
  }

  async list(): Promise<CatalogEntry[]> {
    const rows = await this.db.selectFrom('catalog_entries').selectAll().orderBy('id').execute();
    const added = rows.flatMap((row): CatalogEntry[] => {
      const entry: unknown = JSON.parse(row.entry);
      return Check(CatalogEntryInput, entry) ? [{ ...entry, source: 'admin' }] : [];
    });
    return [...this.builtins, ...added];
  }

  async find(id: string): Promise<CatalogEntry | undefined> {
    return (await this.list()).find((entry) => entry.id === id);
  }

  async add(entry: CatalogEntryInputType, by: string, at: string): Promise<CatalogEntry> {
    if (await this.find(entry.id)) {
      throw new ServiceError(409, 'AlreadyExists', `catalog entry "${entry.id}" already exists`, [
        { path: 'body.id', message: 'is already used by another catalog entry' },
      ]);
    }
    await this.db
      .insertInto('catalog_entries')
      .values({ id: entry.id, entry: JSON.stringify(entry), created_by: by, created_at: at })
      .execute();
    return { ...entry, source: 'admin' };
  }

  async remove(id: string): Promise<void> {
    if (this.builtins.some((entry) => entry.id === id)) {
      throw new ServiceError(
        409,
        'BuiltIn',
        `catalog entry "${id}" comes from workloads/catalog.yaml and cannot be deleted`,
      );
    }
    const result = await this.db
      .deleteFrom('catalog_entries')
      .where('id', '=', id)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) {
      throw new ServiceError(404, 'NotFound', `catalog entry "${id}" not found`);
    }
  }

  /** The `workloads/` folder as a Ray working-dir package (its Python files and the catalog). */
  workloadPackage(): WorkloadPackage {
    if (!this.cachedPackage) {
      const files = readdirSync(this.folder)
        .filter(
          (name) => /\.(py|yaml|md)$/.test(name) && statSync(join(this.folder, name)).isFile(),
        )
        .sort()
        .map((name) => ({ path: name, bytes: readFileSync(join(this.folder, name)) }));
      const zip = Buffer.from(zipWorkingDir(files));
      const hash = createHash('sha1').update(zip).digest('hex');
      this.cachedPackage = { zip, name: `_ray_pkg_${hash}.zip` };
    }
    return this.cachedPackage;
  }
}

/** Reads the built-in catalog; entries that do not match the schema stop the start. */
export function readBuiltinCatalog(file: string): CatalogEntry[] {
  const document: unknown = parse(readFileSync(file, 'utf8'));
  const workloads =
    typeof document === 'object' && document !== null && 'workloads' in document
      ? document.workloads
      : undefined;
  if (!Array.isArray(workloads)) throw new Error(`${file}: no workloads list`);
  return workloads.map((raw: unknown, index): CatalogEntry => {
    if (typeof raw !== 'object' || raw === null) throw new Error(`${file}: workloads[${index}]`);
    const record: Record<string, unknown> = { ...raw };
    const runtimeEnv = record.runtimeEnv;
    const input = {
      id: record.id,
      title: record.title,
      summary: typeof record.summary === 'string' ? record.summary.trim() : '',
      entrypoint: record.entrypoint,
      resources: record.resources,
      ...(runtimeEnv ? { runtimeEnv } : {}),
      timeoutSeconds: record.timeoutSeconds,
      rayExtras: record.rayExtras ?? [],
    };
    if (!Check(CatalogEntryInput, input)) {
      throw new Error(`${file}: workloads[${index}] does not match the catalog entry schema`);
    }
    return {
      ...input,
      source: 'builtin',
      ...(typeof record.script === 'string' ? { script: record.script } : {}),
      ...(typeof record.manifest === 'string' ? { manifest: record.manifest } : {}),
      ...(typeof record.provenOnRealRay === 'string' || record.provenOnRealRay === null
        ? { provenOnRealRay: record.provenOnRealRay }
        : {}),
      ...(typeof record.notProvenReason === 'string'
        ? { notProvenReason: record.notProvenReason.trim() }
        : {}),
    };
  });
}
