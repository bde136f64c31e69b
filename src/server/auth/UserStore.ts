import { randomUUID } from 'node:crypto';

import type { Kysely } from 'kysely';

import type { AdminUser } from '../../shared/api/adminSchemas.ts';
import type { AuthMethod, UserRole } from '../../shared/api/authSchemas.ts';
import type { Database, UserRow } from '../store/database.ts';
import type { AuthenticatedUser } from './authorize.ts';
import { sha256Hex } from './randomSecret.ts';

/** Fields of a new user. */
export interface NewUser {
  username: string;
  displayName: string;
  /** `scrypt$…` hash, or null for users who only come through a trusted proxy. */
  passwordHash: string | null;
  role: UserRole;
  /** External identity key (`oidc:…`, `header:…`); absent for local accounts. */
  externalId?: string;
  /** Teams to join at once, in the same transaction (each must exist, else nothing is created). */
  teams?: readonly string[];
}

/** Fields of a user that may change; absent fields stay as they are. */
export interface UserChanges {
  displayName?: string;
  role?: UserRole;
  passwordHash?: string;
  disabled?: boolean;
}

/** Users and their stored team memberships. Never hands password hashes to callers that answer. */
export class UserStore {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /**
   * The row (with its hash, for login) of a user by name, case-insensitively: usernames are
   * unique regardless of case (a unique index on `lower(username)`), so `Alice` finds `alice`.
   */
  findByUsername(username: string): Promise<UserRow | undefined> {
    return this.#db
      .selectFrom('users')
      .selectAll()
      .where((eb) => eb(eb.fn('lower', ['username']), '=', username.toLowerCase()))
      .executeTakeFirst();
  }

  /** The account of an external identity by its key (ADR 0014), or undefined. */
  findByExternalId(externalId: string): Promise<UserRow | undefined> {
    return this.#db
      .selectFrom('users')
      .selectAll()
      .where('external_id', '=', externalId)
      .executeTakeFirst();
  }

  /**
   * The account of an external identity, created on first sight. Found by `externalId` only:
   * a local account with the same name is never taken over; the new account then gets a free
   * name (`name.sso`, else `name.<6 hex of the key>`). `adoptLegacy` links a passwordless,
   * unkeyed account of exactly that name (trusted-proxy users provisioned before keys existed).
   * `created` says whether a row was inserted (to audit the provisioning).
   */
  async provisionExternal(
    externalId: string,
    user: Omit<NewUser, 'externalId' | 'passwordHash'>,
    options: { adoptLegacy?: boolean; now?: Date } = {},
  ): Promise<{ row: UserRow; created: boolean } | undefined> {
    const existing = await this.findByExternalId(externalId);
    if (existing) return { row: existing, created: false };
    if (options.adoptLegacy) {
      const legacy = await this.findByUsername(user.username);
      if (legacy && legacy.password_hash === null && legacy.external_id === null) {
        await this.#db
          .updateTable('users')
          .set({ external_id: externalId })
          .where('id', '=', legacy.id)
          .where('external_id', 'is', null)
          .execute();
        const adopted = await this.findByExternalId(externalId);
        if (adopted) return { row: adopted, created: false };
      }
    }
    const suffix = sha256Hex(externalId).slice(0, 6);
    const base = user.username.slice(0, 128 - 7);
    for (const username of [user.username, `${base}.sso`, `${base}.${suffix}`]) {
      const row = await this.create(
        { ...user, username, passwordHash: null, externalId },
        options.now,
      );
      if (row) return { row, created: true };
      // Lost a race with the same identity's first sign-in: use the winner's row.
      const raced = await this.findByExternalId(externalId);
      if (raced) return { row: raced, created: false };
    }
    return undefined;
  }

  /**
   * Makes an external user's role and stored teams those the identity provider's groups map
   * to, on every sign-in, so that leaving a group takes effect at the next sign-in. Teams that
   * do not exist are skipped.
   */
  async syncExternal(userId: string, role: UserRole, teams: readonly string[]): Promise<string[]> {
    return this.#db.transaction().execute(async (trx) => {
      await trx.updateTable('users').set({ role }).where('id', '=', userId).execute();
      await trx.deleteFrom('team_members').where('user_id', '=', userId).execute();
      const existing =
        teams.length === 0
          ? []
          : (
              await trx
                .selectFrom('teams')
                .select('name')
                .where('name', 'in', [...teams])
                .execute()
            ).map((row) => row.name);
      if (existing.length > 0) {
        await trx
          .insertInto('team_members')
          .values(existing.map((team) => ({ team, user_id: userId })))
          .execute();
      }
      return existing.sort();
    });
  }

  /** The row of a user by id. */
  findById(id: string): Promise<UserRow | undefined> {
    return this.#db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Names of the teams a user is a stored member of, sorted. */
  async teamsOf(userId: string): Promise<string[]> {
    const rows = await this.#db
      .selectFrom('team_members')
      .select('team')
      .where('user_id', '=', userId)
      .orderBy('team')
      .execute();
    return rows.map((row) => row.team);
  }

  /**
   * The request identity of an enabled user, or null when the user is gone or disabled.
   * `extraTeams` (SSO groups that name existing teams) are merged into the stored ones.
   */
  async authenticated(
    userId: string,
    via: AuthMethod,
    extraTeams: readonly string[] = [],
  ): Promise<AuthenticatedUser | null> {
    const row = await this.findById(userId);
    if (!row || row.disabled) return null;
    const teams = new Set([...(await this.teamsOf(userId)), ...extraTeams]);
    return {
      id: row.id,
      username: row.username,
      displayName: row.display_name,
      role: row.role,
      teams: [...teams].sort(),
      via,
    };
  }

  /**
   * Creates a user; returns undefined when the username is taken, in any case. Reserved names
   * (`isReservedUsername`) are refused by the routes, not here, so the first-run admin and test
   * seeds stay free.
   */
  async create(user: NewUser, now = new Date()): Promise<UserRow | undefined> {
    const row: UserRow = {
      id: randomUUID(),
      username: user.username,
      display_name: user.displayName,
      password_hash: user.passwordHash,
      role: user.role,
      disabled: 0,
      created_at: now.toISOString(),
      external_id: user.externalId ?? null,
    };
    const teams = user.teams ?? [];
    return this.#db.transaction().execute(async (trx) => {
      const result = await trx
        .insertInto('users')
        .values(row)
        // No conflict target: the clash may be on `username` or on `lower(username)`.
        .onConflict((conflict) => conflict.doNothing())
        .executeTakeFirst();
      if (Number(result.numInsertedOrUpdatedRows ?? 0n) !== 1) return undefined;
      if (teams.length > 0) {
        await trx
          .insertInto('team_members')
          .values(teams.map((team) => ({ team, user_id: row.id })))
          .execute();
      }
      return row;
    });
  }

  /**
   * Applies changes to a user, in one transaction that refuses to demote or disable the last
   * enabled admin (which would lock everyone out of administration).
   */
  async update(id: string, changes: UserChanges): Promise<'updated' | 'notFound' | 'lastAdmin'> {
    const values = {
      ...(changes.displayName !== undefined ? { display_name: changes.displayName } : {}),
      ...(changes.role !== undefined ? { role: changes.role } : {}),
      ...(changes.passwordHash !== undefined ? { password_hash: changes.passwordHash } : {}),
      ...(changes.disabled !== undefined ? { disabled: changes.disabled ? 1 : 0 } : {}),
    };
    return this.#db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('users')
        .select(['role', 'disabled'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) return 'notFound';
      const losesAdmin =
        row.role === 'admin' &&
        !row.disabled &&
        ((changes.role !== undefined && changes.role !== 'admin') || changes.disabled === true);
      if (losesAdmin) {
        const admins = await trx
          .selectFrom('users')
          .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
          .where('role', '=', 'admin')
          .where('disabled', '=', 0)
          .executeTakeFirstOrThrow();
        if (Number(admins.n) <= 1) return 'lastAdmin';
      }
      if (Object.keys(values).length > 0) {
        await trx.updateTable('users').set(values).where('id', '=', id).execute();
      }
      return 'updated';
    });
  }

  /**
   * Deletes a user with their memberships, sessions, API tokens and idempotency keys, in one
   * transaction that refuses to delete the last enabled admin. The audit log keeps their name.
   */
  async delete(id: string): Promise<'deleted' | 'notFound' | 'lastAdmin'> {
    return this.#db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('users')
        .select(['role', 'disabled'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) return 'notFound';
      if (row.role === 'admin' && !row.disabled) {
        const admins = await trx
          .selectFrom('users')
          .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
          .where('role', '=', 'admin')
          .where('disabled', '=', 0)
          .executeTakeFirstOrThrow();
        if (Number(admins.n) <= 1) return 'lastAdmin';
      }
      for (const table of ['team_members', 'sessions', 'api_tokens', 'idempotency_keys'] as const) {
        await trx.deleteFrom(table).where('user_id', '=', id).execute();
      }
      await trx.deleteFrom('users').where('id', '=', id).execute();
      return 'deleted';
    });
  }

  /** How many users exist at all (first-run detection). */
  async count(): Promise<number> {
    const row = await this.#db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** One user in the admin view, or undefined. */
  async adminView(id: string): Promise<AdminUser | undefined> {
    const row = await this.findById(id);
    return row ? toAdminUser(row, await this.teamsOf(row.id)) : undefined;
  }

  /** Every user in the admin view, by username. */
  async list(): Promise<AdminUser[]> {
    const [rows, memberships] = await Promise.all([
      this.#db.selectFrom('users').selectAll().orderBy('username').execute(),
      this.#db.selectFrom('team_members').selectAll().orderBy('team').execute(),
    ]);
    const teamsByUser = new Map<string, string[]>();
    for (const { user_id, team } of memberships) {
      teamsByUser.set(user_id, [...(teamsByUser.get(user_id) ?? []), team]);
    }
    return rows.map((row) => toAdminUser(row, teamsByUser.get(row.id) ?? []));
  }
}

function toAdminUser(row: UserRow, teams: string[]): AdminUser {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    disabled: row.disabled !== 0,
    hasPassword: row.password_hash !== null,
    teams,
    createdAt: row.created_at,
  };
}
