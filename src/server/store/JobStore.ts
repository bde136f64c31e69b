import { deflateRawSync, inflateRawSync } from 'node:zlib';

import type { Kysely, Selectable } from 'kysely';

import type { JobPhase } from '../../shared/api/jobSchemas.ts';
import type { Database, JobsTable } from './database.ts';

/** A jobs row as read. */
export type JobRow = Selectable<JobsTable>;

/** Filters of {@link JobStore.list}; `teams` `'*'` means every team. */
export interface JobFilter {
  teams: '*' | readonly string[];
  team?: string | undefined;
  cluster?: string | undefined;
  phase?: JobPhase | undefined;
  owner?: string | undefined;
  kind?: 'rayjob' | 'submission' | undefined;
  q?: string | undefined;
}

/** A stored piece of a log, inflated. */
export interface StoredLog {
  offset: number;
  bytes: Buffer;
  totalBytes: number;
  storedFrom: number;
}

/**
 * The jobs tables (migration 0004_jobs): job rows, their logs in raw-deflate chunks (base64 text,
 * so SQLite and PostgreSQL store them alike) with the oldest chunks dropped past a per-job byte
 * budget, and admin catalog entries.
 */
export class JobStore {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  async get(id: string): Promise<JobRow | undefined> {
    return this.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async insert(row: JobRow): Promise<void> {
    await this.db.insertInto('jobs').values(row).execute();
  }

  async update(id: string, patch: Partial<JobRow>): Promise<void> {
    await this.db.updateTable('jobs').set(patch).where('id', '=', id).execute();
  }

  /** Rows not yet final: not terminal, or terminal with the log still being captured. */
  async active(): Promise<JobRow[]> {
    return this.db
      .selectFrom('jobs')
      .selectAll()
      .where((eb) => eb.or([eb('log_complete', '=', 0), eb('cluster_gone', '=', 0)]))
      .execute();
  }

  /**
   * One page, newest first (`created_at`, then `id`, descending); `cursor` is the last row's
   * `created_at|id` from the previous page.
   */
  async list(
    filter: JobFilter,
    limit: number,
    cursor?: string,
  ): Promise<{ rows: JobRow[]; total: number; nextCursor?: string }> {
    let query = this.db.selectFrom('jobs');
    if (filter.teams !== '*') {
      if (filter.teams.length === 0) return { rows: [], total: 0 };
      query = query.where('team', 'in', [...filter.teams]);
    }
    if (filter.team) query = query.where('team', '=', filter.team);
    if (filter.cluster) query = query.where('cluster', '=', filter.cluster);
    if (filter.phase) query = query.where('phase', '=', filter.phase);
    if (filter.owner) query = query.where('owner', '=', filter.owner);
    if (filter.kind) query = query.where('kind', '=', filter.kind);
    if (filter.q) {
      // LIKE with the pattern characters escaped: the search is plain text.
      const pattern = `%${filter.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query = query.where((eb) =>
        eb.or(
          (['entrypoint', 'submission_id', 'rayjob_name', 'cluster', 'owner'] as const).map(
            (column) => eb(eb.fn('lower', [column]), 'like', eb.val(pattern)),
          ),
        ),
      );
    }
    const counted = await query
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    let paged = query.selectAll();
    const after = decodeCursor(cursor);
    if (after) {
      paged = paged.where((eb) =>
        eb.or([
          eb('created_at', '<', after.createdAt),
          eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)]),
        ]),
      );
    }
    const rows = await paged
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    const last = page.at(-1);
    return {
      rows: page,
      total: Number(counted.n),
      ...(more && last ? { nextCursor: encodeCursor(last.created_at, last.id) } : {}),
    };
  }

  /** Deletes a job and its log. */
  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('job_log_chunks').where('job_id', '=', id).execute();
    await this.db.deleteFrom('jobs').where('id', '=', id).execute();
  }

  /**
   * Appends `bytes` at the end of the job's log and drops the oldest chunks while more than
   * `maxBytes` are stored (the newest chunk is always kept whole). Returns the new totals.
   */
  async appendLog(
    id: string,
    offset: number,
    bytes: Buffer,
    maxBytes: number,
  ): Promise<{ totalBytes: number; storedFrom: number }> {
    return this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('job_log_chunks')
        .values({
          job_id: id,
          offset,
          raw_bytes: bytes.length,
          data: deflateRawSync(bytes).toString('base64'),
        })
        .execute();
      const chunks = await trx
        .selectFrom('job_log_chunks')
        .select(['offset', 'raw_bytes'])
        .where('job_id', '=', id)
        .orderBy('offset', 'desc')
        .execute();
      let kept = 0;
      let storedFrom = offset;
      const drop: number[] = [];
      for (const chunk of chunks) {
        if (kept > 0 && kept + chunk.raw_bytes > maxBytes) drop.push(chunk.offset);
        else {
          kept += chunk.raw_bytes;
          storedFrom = chunk.offset;
        }
      }
      if (drop.length > 0) {
        await trx
          .deleteFrom('job_log_chunks')
          .where('job_id', '=', id)
          .where('offset', 'in', drop)
          .execute();
      }
      const totalBytes = offset + bytes.length;
      await trx
        .updateTable('jobs')
        .set({ log_total_bytes: totalBytes, log_stored_from: storedFrom })
        .where('id', '=', id)
        .execute();
      return { totalBytes, storedFrom };
    });
  }

  /**
   * Stored log bytes from `offset` (clamped to what is stored), at most `limit`, ending on a
   * UTF-8 character boundary unless that would return nothing.
   */
  async readLog(id: string, offset: number, limit: number): Promise<StoredLog> {
    const row = await this.db
      .selectFrom('jobs')
      .select(['log_total_bytes', 'log_stored_from'])
      .where('id', '=', id)
      .executeTakeFirst();
    const totalBytes = row?.log_total_bytes ?? 0;
    const storedFrom = row?.log_stored_from ?? 0;
    const start = Math.min(Math.max(offset, storedFrom), totalBytes);
    const end = Math.min(start + limit, totalBytes);
    if (end <= start) return { offset: start, bytes: Buffer.alloc(0), totalBytes, storedFrom };
    const chunks = await this.db
      .selectFrom('job_log_chunks')
      .select(['offset', 'raw_bytes', 'data'])
      .where('job_id', '=', id)
      .where('offset', '<', end)
      .orderBy('offset', 'asc')
      .execute();
    const parts: Buffer[] = [];
    for (const chunk of chunks) {
      if (chunk.offset + chunk.raw_bytes <= start) continue;
      const raw = inflateRawSync(Buffer.from(chunk.data, 'base64'));
      parts.push(
        raw.subarray(Math.max(0, start - chunk.offset), Math.min(raw.length, end - chunk.offset)),
      );
    }
    let bytes = Buffer.concat(parts);
    const cut = utf8Boundary(bytes);
    if (cut > 0 && start + bytes.length < totalBytes) bytes = bytes.subarray(0, cut);
    return { offset: start, bytes, totalBytes, storedFrom };
  }

  /** Deletes jobs that ended before `cutoff` (ISO time) with their logs; returns how many. */
  async pruneEndedBefore(cutoff: string): Promise<number> {
    const old = await this.db
      .selectFrom('jobs')
      .select('id')
      .where('ended_at', 'is not', null)
      .where('ended_at', '<', cutoff)
      .execute();
    for (const { id } of old) await this.delete(id);
    return old.length;
  }
}

/** The length of the longest prefix of `bytes` that does not end inside a UTF-8 character. */
export function utf8Boundary(bytes: Buffer): number {
  const index = bytes.length;
  // Step back over at most 3 continuation bytes to the lead byte of the last character.
  for (let back = 1; back <= 4 && index - back >= 0; back++) {
    const byte = bytes[index - back] ?? 0;
    if ((byte & 0xc0) === 0x80) continue;
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return need <= back ? index : index - back;
  }
  return index;
}

function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(`${createdAt}|${id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string | undefined): { createdAt: string; id: string } | undefined {
  if (!cursor) return undefined;
  const [createdAt, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  return createdAt && id ? { createdAt, id } : undefined;
}
