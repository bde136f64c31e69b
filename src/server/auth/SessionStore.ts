import type { Kysely } from 'kysely';

import type { Database } from '../store/database.ts';
import { randomSecret, sha256Hex } from './randomSecret.ts';

/** A live session as the auth plugin needs it. */
export interface ActiveSession {
  /** SHA-256 of the cookie token (the table's key). */
  id: string;
  userId: string;
  csrfToken: string;
  expiresAt: string;
  lastSeenAt: string;
  /** Expiry that activity never pushes (the ID token's, for OIDC sessions), or null. */
  hardExpiresAt: string | null;
}

/** Extras of a session started by an external identity provider. */
export interface SessionBounds {
  /** The session ends here whatever the activity (the ID token's `exp`). */
  hardExpiresAt?: Date;
  /** The ID token, kept for the provider's logout (`id_token_hint`). */
  idToken?: string;
}

/** A session just created: `token` goes into the cookie and is not kept anywhere. */
export interface NewSession extends ActiveSession {
  token: string;
}

/** Options for {@link SessionStore}. */
export interface SessionStoreOptions {
  /** Idle lifetime in seconds; each use pushes expiry this far ahead. Defaults to 12 h. */
  ttlSeconds?: number;
  /**
   * Seconds between writes of `last_seen_at`/`expires_at` for one session, so that a busy page
   * does not write on every request. Defaults to 60.
   */
  touchIntervalSeconds?: number;
  /** Clock, injected by tests. */
  now?: () => Date;
}

/** Default idle lifetime of a session: 12 hours, in seconds. */
export const defaultSessionTtlSeconds = 12 * 60 * 60;

/**
 * Browser sessions with sliding expiry. The cookie carries a 256-bit random token; the table
 * holds only its SHA-256, so a leaked database does not yield usable cookies.
 */
export class SessionStore {
  readonly #db: Kysely<Database>;
  readonly #ttlMs: number;
  readonly #touchMs: number;
  readonly #now: () => Date;

  constructor(db: Kysely<Database>, options: SessionStoreOptions = {}) {
    this.#db = db;
    this.#ttlMs = (options.ttlSeconds ?? defaultSessionTtlSeconds) * 1000;
    this.#touchMs = (options.touchIntervalSeconds ?? 60) * 1000;
    this.#now = options.now ?? (() => new Date());
  }

  /** Idle lifetime in seconds (the cookie's Max-Age). */
  get ttlSeconds(): number {
    return Math.floor(this.#ttlMs / 1000);
  }

  /** Starts a session for a user, and drops expired sessions of everyone while at it. */
  async create(userId: string, bounds: SessionBounds = {}): Promise<NewSession> {
    const now = this.#now();
    const token = randomSecret();
    const hard = bounds.hardExpiresAt?.toISOString() ?? null;
    const session: NewSession = {
      token,
      id: sha256Hex(token),
      userId,
      csrfToken: randomSecret(),
      expiresAt: capped(new Date(now.getTime() + this.#ttlMs).toISOString(), hard),
      lastSeenAt: now.toISOString(),
      hardExpiresAt: hard,
    };
    await this.#db.deleteFrom('sessions').where('expires_at', '<=', now.toISOString()).execute();
    await this.#db
      .insertInto('sessions')
      .values({
        id: session.id,
        user_id: userId,
        csrf_token: session.csrfToken,
        created_at: now.toISOString(),
        expires_at: session.expiresAt,
        last_seen_at: session.lastSeenAt,
        hard_expires_at: hard,
        id_token: bounds.idToken ?? null,
      })
      .execute();
    return session;
  }

  /**
   * The live session a cookie token names, or null when unknown or expired. Pushes the expiry
   * ahead when the session was last seen more than the touch interval ago; `touched` says so,
   * so the caller can refresh the cookie's Max-Age.
   */
  async resolve(token: string): Promise<{ session: ActiveSession; touched: boolean } | null> {
    const now = this.#now();
    const row = await this.#db
      .selectFrom('sessions')
      .selectAll()
      .where('id', '=', sha256Hex(token))
      .executeTakeFirst();
    if (!row || row.expires_at <= now.toISOString()) return null;
    const session: ActiveSession = {
      id: row.id,
      userId: row.user_id,
      csrfToken: row.csrf_token,
      expiresAt: row.expires_at,
      lastSeenAt: row.last_seen_at,
      hardExpiresAt: row.hard_expires_at,
    };
    if (now.getTime() - Date.parse(row.last_seen_at) < this.#touchMs) {
      return { session, touched: false };
    }
    session.lastSeenAt = now.toISOString();
    session.expiresAt = capped(
      new Date(now.getTime() + this.#ttlMs).toISOString(),
      row.hard_expires_at,
    );
    await this.#db
      .updateTable('sessions')
      .set({ last_seen_at: session.lastSeenAt, expires_at: session.expiresAt })
      .where('id', '=', row.id)
      .execute();
    return { session, touched: true };
  }

  /**
   * The user of a live session by its id (the token's hash), or undefined when it ended or
   * expired. Unlike {@link resolve} it does not push the expiry: re-checks of a long-lived
   * connection are not activity.
   */
  async liveUserId(id: string): Promise<string | undefined> {
    const row = await this.#db
      .selectFrom('sessions')
      .select(['user_id', 'expires_at'])
      .where('id', '=', id)
      .executeTakeFirst();
    return row && row.expires_at > this.#now().toISOString() ? row.user_id : undefined;
  }

  /** The ID token a session was started with (OIDC), for the provider's logout; else null. */
  async idTokenOf(id: string): Promise<string | null> {
    const row = await this.#db
      .selectFrom('sessions')
      .select('id_token')
      .where('id', '=', id)
      .executeTakeFirst();
    return row?.id_token ?? null;
  }

  /** Ends one session (logout). */
  async delete(id: string): Promise<void> {
    await this.#db.deleteFrom('sessions').where('id', '=', id).execute();
  }

  /**
   * Ends every session of a user (password reset, disable), except `keepId` when given (the
   * session in which the user changed their own password).
   */
  async deleteForUser(userId: string, keepId?: string): Promise<void> {
    let query = this.#db.deleteFrom('sessions').where('user_id', '=', userId);
    if (keepId !== undefined) query = query.where('id', '!=', keepId);
    await query.execute();
  }
}

/** The earlier of a sliding expiry and a hard one (ISO strings of equal width compare as text). */
function capped(sliding: string, hard: string | null): string {
  return hard !== null && hard < sliding ? hard : sliding;
}
