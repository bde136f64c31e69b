import { randomUUID } from 'node:crypto';

import type { Kysely, Selectable } from 'kysely';

import type { ApiTokenInfo } from '../../shared/api/authSchemas.ts';
import type { ApiTokensTable, Database } from '../store/database.ts';
import { randomSecret, sha256Hex } from './randomSecret.ts';

/** Every API token starts with this, so scanners and humans recognise a leaked one. */
export const apiTokenPrefix = 'rdk_';

/** Characters of the token kept for display (`rdk_` plus 8), never enough to guess the rest. */
const displayPrefixLength = 12;

/** Options for {@link ApiTokenStore}. */
export interface ApiTokenStoreOptions {
  /** Seconds between writes of `last_used_at` for one token. Defaults to 60. */
  touchIntervalSeconds?: number;
  /** Clock, injected by tests. */
  now?: () => Date;
}

/**
 * API tokens for the CLI and automation: `rdk_` + 32 random bytes base64url. Only the
 * token's SHA-256 is stored; the secret is returned once, by {@link ApiTokenStore.create}.
 */
export class ApiTokenStore {
  readonly #db: Kysely<Database>;
  readonly #touchMs: number;
  readonly #now: () => Date;

  constructor(db: Kysely<Database>, options: ApiTokenStoreOptions = {}) {
    this.#db = db;
    this.#touchMs = (options.touchIntervalSeconds ?? 60) * 1000;
    this.#now = options.now ?? (() => new Date());
  }

  /** Creates a token for a user; the returned `token` is the only copy of the secret. */
  async create(
    userId: string,
    name: string,
    expiresInDays?: number,
  ): Promise<ApiTokenInfo & { token: string }> {
    const now = this.#now();
    const token = `${apiTokenPrefix}${randomSecret(32)}`;
    const row: Selectable<ApiTokensTable> = {
      id: randomUUID(),
      user_id: userId,
      name,
      token_hash: sha256Hex(token),
      prefix: token.slice(0, displayPrefixLength),
      created_at: now.toISOString(),
      last_used_at: null,
      expires_at:
        expiresInDays === undefined
          ? null
          : new Date(now.getTime() + expiresInDays * 86_400_000).toISOString(),
    };
    await this.#db.insertInto('api_tokens').values(row).execute();
    return { ...toInfo(row), token };
  }

  /** A user's tokens, newest first, without secrets or hashes. */
  async list(userId: string): Promise<ApiTokenInfo[]> {
    const rows = await this.#db
      .selectFrom('api_tokens')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .execute();
    return rows.map(toInfo);
  }

  /** Revokes one of a user's tokens; the removed token, or undefined when the user has none by that id. */
  async delete(userId: string, id: string): Promise<ApiTokenInfo | undefined> {
    const row = await this.#db
      .selectFrom('api_tokens')
      .selectAll()
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (!row) return undefined;
    await this.#db.deleteFrom('api_tokens').where('id', '=', id).execute();
    return toInfo(row);
  }

  /** Revokes every token of a user (password reset); how many there were. */
  async deleteForUser(userId: string): Promise<number> {
    const result = await this.#db
      .deleteFrom('api_tokens')
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /**
   * The owner of a token by its id, or undefined when it was deleted or has expired. Does not
   * record a use: re-checks of a long-lived connection are not uses.
   */
  async liveUserId(id: string): Promise<string | undefined> {
    const row = await this.#db
      .selectFrom('api_tokens')
      .select(['user_id', 'expires_at'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) return undefined;
    return row.expires_at === null || row.expires_at > this.#now().toISOString()
      ? row.user_id
      : undefined;
  }

  /**
   * The token a bearer secret names, or null when unknown or expired. Records its use at most
   * once per touch interval.
   */
  async resolve(token: string): Promise<{ id: string; userId: string; name: string } | null> {
    if (!token.startsWith(apiTokenPrefix)) return null;
    const now = this.#now();
    const row = await this.#db
      .selectFrom('api_tokens')
      .selectAll()
      .where('token_hash', '=', sha256Hex(token))
      .executeTakeFirst();
    if (!row) return null;
    if (row.expires_at !== null && row.expires_at <= now.toISOString()) return null;
    const lastUsed = row.last_used_at === null ? 0 : Date.parse(row.last_used_at);
    if (now.getTime() - lastUsed >= this.#touchMs) {
      await this.#db
        .updateTable('api_tokens')
        .set({ last_used_at: now.toISOString() })
        .where('id', '=', row.id)
        .execute();
    }
    return { id: row.id, userId: row.user_id, name: row.name };
  }
}

function toInfo(row: Selectable<ApiTokensTable>): ApiTokenInfo {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    expiresAt: row.expires_at,
  };
}
