import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

import type { PersistedJobTable } from './JobManager.ts';

/** Where a Ray head keeps its job table across sandbox restarts. */
export interface JobTableStore {
  /** The saved table, or undefined when none was saved (a new head). */
  load(): PersistedJobTable | undefined;
  save(table: PersistedJobTable): void;
}

/**
 * A job table in one JSON file, replaced atomically (temp file + rename) on every save, so a
 * crash leaves the previous or the new table, never a torn one. Saves are synchronous: a job
 * submission is on disk before the dashboard answers it.
 */
export function jobTableFile(file: string): JobTableStore {
  return {
    load: () => {
      if (!existsSync(file)) return undefined;
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as PersistedJobTable;
      if (parsed.format !== 'raydeck-ray-jobs/v1') {
        throw new Error(`${file} is not a Raydeck Ray job table (format ${String(parsed.format)})`);
      }
      return parsed;
    },
    save: (table) => {
      mkdirSync(dirname(file), { recursive: true });
      const partial = `${file}.${process.pid}.tmp`;
      writeFileSync(partial, JSON.stringify(table));
      renameSync(partial, file);
    },
  };
}
