import type { Kysely } from 'kysely';

import type { Team } from '../../shared/api/adminSchemas.ts';
import type { Database } from '../store/database.ts';

/** Fields of a new team. */
export interface NewTeam {
  /** The Kubernetes namespace name (DNS-1123 label). */
  name: string;
  displayName: string;
  description: string;
}

/** Outcome of {@link TeamStore.setMembers}. */
export type SetMembersResult =
  | { kind: 'ok'; team: Team }
  | { kind: 'noSuchTeam' }
  | { kind: 'unknownUsers'; usernames: string[] };

/** Teams (one per namespace) and their stored memberships. */
export class TeamStore {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** Every team with its members' usernames, by name. */
  async list(): Promise<Team[]> {
    const [teams, members] = await Promise.all([
      this.#db.selectFrom('teams').selectAll().orderBy('name').execute(),
      this.#db
        .selectFrom('team_members')
        .innerJoin('users', 'users.id', 'team_members.user_id')
        .select(['team_members.team', 'users.username'])
        .orderBy('users.username')
        .execute(),
    ]);
    const byTeam = new Map<string, string[]>();
    for (const { team, username } of members) {
      byTeam.set(team, [...(byTeam.get(team) ?? []), username]);
    }
    return teams.map((team) => ({
      name: team.name,
      displayName: team.display_name,
      description: team.description,
      members: byTeam.get(team.name) ?? [],
      createdAt: team.created_at,
    }));
  }

  /** One team, or undefined. */
  async find(name: string): Promise<Team | undefined> {
    return (await this.list()).find((team) => team.name === name);
  }

  /** The subset of `names` that are existing teams (to match SSO groups against). */
  async existing(names: readonly string[]): Promise<string[]> {
    if (names.length === 0) return [];
    const rows = await this.#db
      .selectFrom('teams')
      .select('name')
      .where('name', 'in', [...names])
      .execute();
    return rows.map((row) => row.name);
  }

  /** Creates a team; returns undefined when the name is taken. */
  async create(team: NewTeam, now = new Date()): Promise<Team | undefined> {
    const result = await this.#db
      .insertInto('teams')
      .values({
        name: team.name,
        display_name: team.displayName,
        description: team.description,
        created_at: now.toISOString(),
      })
      .onConflict((conflict) => conflict.column('name').doNothing())
      .executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0n) !== 1) return undefined;
    return { ...team, members: [], createdAt: now.toISOString() };
  }

  /** Deletes a team and its memberships (not its namespace); false when there is none. */
  async delete(name: string): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => {
      await trx.deleteFrom('team_members').where('team', '=', name).execute();
      const result = await trx.deleteFrom('teams').where('name', '=', name).executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    });
  }

  /**
   * Replaces a team's member list with the given usernames (matched case-insensitively), all or
   * nothing. Unknown usernames are returned as given.
   */
  async setMembers(name: string, usernames: readonly string[]): Promise<SetMembersResult> {
    const outcome = await this.#db.transaction().execute(async (trx) => {
      const team = await trx
        .selectFrom('teams')
        .select('name')
        .where('name', '=', name)
        .executeTakeFirst();
      if (!team) return { kind: 'noSuchTeam' } as const;
      const users =
        usernames.length === 0
          ? []
          : await trx
              .selectFrom('users')
              .select(['id', 'username'])
              .where((eb) =>
                eb(
                  eb.fn('lower', ['username']),
                  'in',
                  usernames.map((username) => username.toLowerCase()),
                ),
              )
              .execute();
      const found = new Set(users.map((user) => user.username.toLowerCase()));
      const unknown = usernames.filter((username) => !found.has(username.toLowerCase()));
      if (unknown.length > 0) return { kind: 'unknownUsers', usernames: unknown } as const;
      await trx.deleteFrom('team_members').where('team', '=', name).execute();
      if (users.length > 0) {
        await trx
          .insertInto('team_members')
          .values(users.map((user) => ({ team: name, user_id: user.id })))
          .execute();
      }
      return { kind: 'ok' } as const;
    });
    if (outcome.kind !== 'ok') return outcome;
    const team = await this.find(name);
    return team ? { kind: 'ok', team } : { kind: 'noSuchTeam' };
  }
}
