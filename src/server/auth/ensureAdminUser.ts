import { randomInt } from 'node:crypto';

import type { Kysely } from 'kysely';

import { passwordProblem } from '../../shared/api/passwordProblem.ts';
import { AuditLog } from '../audit/AuditLog.ts';
import type { Database } from '../store/database.ts';
import { defaultScryptParams, hashPassword, type ScryptParams } from './passwordHash.ts';
import { UserStore } from './UserStore.ts';

/** Environment variable holding the first admin's password. */
export const adminPasswordVariable = 'RAYDECK_ADMIN_PASSWORD';

/** Username of the admin created on first run. */
export const firstAdminUsername = 'admin';

/** Options of {@link ensureAdminUser}. */
export interface EnsureAdminUserOptions {
  /** Where `RAYDECK_ADMIN_PASSWORD` is read from (usually `process.env`). */
  env: Readonly<Record<string, string | undefined>>;
  /** Writes one line for the operator (usually to stdout); the only place a generated password appears. */
  print: (line: string) => void;
  /** scrypt cost; tests lower it. Defaults to {@link defaultScryptParams}. */
  hashParams?: ScryptParams;
}

const passwordAlphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** A random password of `length` characters without look-alikes (0/O, 1/l/I): ~114 bits at 20. */
export function generatePassword(length = 20): string {
  let password = '';
  for (let i = 0; i < length; i += 1)
    password += passwordAlphabet[randomInt(passwordAlphabet.length)];
  return password;
}

/**
 * First run: when the store has no users at all, creates the admin `admin` with the password
 * from `RAYDECK_ADMIN_PASSWORD`, or else a random 20-character one printed once (it is not
 * stored anywhere else; reset it through another admin if lost). Does nothing when any user
 * exists, so restarts and replicas are safe. An environment password that fails the password
 * policy (`passwordProblem`) is still accepted, so existing deployments keep starting, but a
 * warning asks the operator to change it.
 * @returns whether the admin was created now
 * @throws Error when `RAYDECK_ADMIN_PASSWORD` is set but shorter than 8 characters
 */
export async function ensureAdminUser(
  db: Kysely<Database>,
  options: EnsureAdminUserOptions,
): Promise<{ created: boolean }> {
  const users = new UserStore(db);
  if ((await users.count()) > 0) return { created: false };
  const fromEnv = options.env[adminPasswordVariable];
  if (fromEnv !== undefined && fromEnv !== '' && fromEnv.length < 8) {
    throw new Error(`${adminPasswordVariable} must be at least 8 characters long`);
  }
  const password = fromEnv ? fromEnv : generatePassword();
  const created = await users.create({
    username: firstAdminUsername,
    displayName: 'Administrator',
    passwordHash: await hashPassword(password, options.hashParams ?? defaultScryptParams),
    role: 'admin',
  });
  if (!created) return { created: false }; // another replica won the race
  await new AuditLog(db).record({
    actor: 'system',
    action: 'user.create',
    targetKind: 'user',
    targetName: firstAdminUsername,
    result: 'success',
    details: { role: 'admin', firstRun: true, passwordFrom: fromEnv ? 'env' : 'generated' },
  });
  options.print(
    fromEnv
      ? `Raydeck admin user "${firstAdminUsername}" created with the password from ${adminPasswordVariable}.`
      : `Raydeck admin password (shown once): ${password}`,
  );
  const problem = fromEnv ? passwordProblem(fromEnv, firstAdminUsername) : undefined;
  if (problem) {
    options.print(
      `Warning: the password from ${adminPasswordVariable} ${problem}; change it after signing in.`,
    );
  }
  return { created: true };
}
