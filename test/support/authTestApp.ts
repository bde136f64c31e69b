import Fastify, {
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyServerOptions,
} from 'fastify';
import type { Kysely } from 'kysely';

import { apiErrorHandler } from '../../src/server/apiErrorHandler.ts';
import { authApi, type AuthApiOptions } from '../../src/server/auth/authApi.ts';
import { hashPassword, type ScryptParams } from '../../src/server/auth/passwordHash.ts';
import { sessionCookieName } from '../../src/server/auth/sessionCookie.ts';
import { TeamStore } from '../../src/server/auth/TeamStore.ts';
import { UserStore } from '../../src/server/auth/UserStore.ts';
import {
  portalFastifyOptions,
  useStrictValidation,
} from '../../src/server/portalFastifyOptions.ts';
import { versionRoutes } from '../../src/server/routes/versionRoutes.ts';
import type { Database } from '../../src/server/store/database.ts';
import { openDatabase } from '../../src/server/store/openDatabase.ts';
import type { SessionInfo, UserRole } from '../../src/shared/api/authSchemas.ts';

/** Cheap scrypt cost for seeded test users (verification reads the cost from the hash). */
export const testScryptParams: ScryptParams = { N: 1024, r: 8, p: 1 };

/** Password of every user seeded by {@link AuthTestApp.addUser}. */
export const testPassword = 'test-password-1';

/** A signed-in browser: its cookie header and CSRF token. */
export interface TestSession {
  cookie: string;
  csrfToken: string;
  info: SessionInfo;
  /** Headers for a cookie-authenticated mutation. */
  headers: () => Record<string, string>;
}

/** An app with the auth API over a fresh in-memory store, and seeding helpers. */
export interface AuthTestApp {
  app: FastifyInstance;
  db: Kysely<Database>;
  /** Seeds a user (and any missing teams) directly in the store; returns its id. */
  addUser(username: string, role: UserRole, teams?: readonly string[]): Promise<string>;
  /** Signs in through `POST /api/v1/auth/login`; throws unless it answers 200. */
  login(username: string, password?: string): Promise<TestSession>;
  close(): Promise<void>;
}

/**
 * Test support for the auth tests: a Fastify app configured like `buildServer`
 * (`portalFastifyOptions`, strict validation, `apiErrorHandler`), with `authApi` and
 * `/api/v1/version`, over `:memory:` or the given database. Not used by the server itself.
 */
export async function authTestApp(
  options: Partial<AuthApiOptions> & {
    logger?: FastifyServerOptions['logger'];
    /** More routes, registered after the auth API (as the cluster routes will be). */
    routes?: FastifyPluginAsync;
  } = {},
): Promise<AuthTestApp> {
  const { logger, routes, ...authOptions } = options;
  const db = authOptions.db ?? (await openDatabase({ file: ':memory:' }));
  const app = Fastify(portalFastifyOptions(logger ?? false));
  useStrictValidation(app);
  app.setErrorHandler(apiErrorHandler);
  await app.register(authApi, { ...authOptions, db });
  await app.register(versionRoutes, { version: '0.0.0-test' });
  if (routes) await app.register(routes);
  await app.ready();

  const users = new UserStore(db);
  const teams = new TeamStore(db);
  return {
    app,
    db,
    async addUser(username, role, teamNames = []) {
      const row = await users.create({
        username,
        displayName: username,
        passwordHash: await hashPassword(testPassword, testScryptParams),
        role,
      });
      if (!row) throw new Error(`user ${username} exists`);
      for (const team of teamNames) {
        await teams.create({ name: team, displayName: team, description: '' });
        await db.insertInto('team_members').values({ team, user_id: row.id }).execute();
      }
      return row.id;
    },
    async login(username, password = testPassword) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username, password },
      });
      if (response.statusCode !== 200) {
        throw new Error(`login of ${username} answered ${response.statusCode}: ${response.body}`);
      }
      const cookie = response.cookies.find((candidate) => candidate.name === sessionCookieName);
      if (!cookie) throw new Error('login set no session cookie');
      const info = response.json<SessionInfo>();
      const csrfToken = info.csrfToken ?? '';
      const cookieHeader = `${sessionCookieName}=${cookie.value}`;
      return {
        cookie: cookieHeader,
        csrfToken,
        info,
        headers: () => ({ cookie: cookieHeader, 'x-csrf-token': csrfToken }),
      };
    },
    async close() {
      await app.close();
      await db.destroy();
    },
  };
}
