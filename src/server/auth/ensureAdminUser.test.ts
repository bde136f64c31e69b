import type { Kysely } from 'kysely';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { type StoreBackend, storeBackends } from '../../../test/support/storeBackends.ts';
import { AuditLog } from '../audit/AuditLog.ts';
import type { Database } from '../store/database.ts';
import { ensureAdminUser, generatePassword } from './ensureAdminUser.ts';
import { verifyPassword } from './passwordHash.ts';

const hashParams = { N: 1024, r: 8, p: 1 };
let db: Kysely<Database> | undefined;
afterEach(async () => {
  await db?.destroy();
  db = undefined;
});

async function adminRow() {
  if (!db) throw new Error('no database open');
  return db
    .selectFrom('users')
    .selectAll()
    .where('username', '=', 'admin')
    .executeTakeFirstOrThrow();
}
let backend: StoreBackend;

describe.each(storeBackends())('on $name', (each) => {
  beforeAll(() => {
    backend = each;
  });

  describe('ensureAdminUser', () => {
    it('creates admin with RAYDECK_ADMIN_PASSWORD and prints no secret', async () => {
      db = await backend.open();
      const printed: string[] = [];
      const env = { RAYDECK_ADMIN_PASSWORD: 'from-the-environment' };
      const result = await ensureAdminUser(db, {
        env,
        print: (line) => printed.push(line),
        hashParams,
      });
      expect(result).toEqual({ created: true });
      const row = await adminRow();
      expect(row.role).toBe('admin');
      expect(await verifyPassword('from-the-environment', row.password_hash ?? '')).toBe(true);
      expect(printed.join('\n')).not.toContain('from-the-environment');
      const { items } = await new AuditLog(db).query();
      expect(items).toMatchObject([
        {
          actor: 'system',
          action: 'user.create',
          targetName: 'admin',
          details: { passwordFrom: 'env' },
        },
      ]);
    });

    it('accepts an environment password that fails the policy, but warns without showing it', async () => {
      db = await backend.open();
      const printed: string[] = [];
      const env = { RAYDECK_ADMIN_PASSWORD: 'my-admin-pass' };
      await ensureAdminUser(db, { env, print: (line) => printed.push(line), hashParams });
      expect(await verifyPassword('my-admin-pass', (await adminRow()).password_hash ?? '')).toBe(
        true,
      );
      expect(printed.at(-1)).toBe(
        'Warning: the password from RAYDECK_ADMIN_PASSWORD must not contain the username; change it after signing in.',
      );
      expect(printed.join('\n')).not.toContain('my-admin-pass');
    });

    it('otherwise generates a 20-character password and prints it exactly once', async () => {
      db = await backend.open();
      const printed: string[] = [];
      const print = (line: string) => printed.push(line);
      await ensureAdminUser(db, { env: {}, print, hashParams });
      expect(printed).toHaveLength(1);
      const password = /^Raydeck admin password \(shown once\): (\S+)$/.exec(printed[0] ?? '')?.[1];
      expect(password).toMatch(/^[A-Za-z0-9]{20}$/);
      expect(await verifyPassword(password ?? '', (await adminRow()).password_hash ?? '')).toBe(
        true,
      );
      expect(JSON.stringify((await new AuditLog(db).query()).items)).not.toContain(password);

      expect(await ensureAdminUser(db, { env: {}, print, hashParams })).toEqual({ created: false });
      expect(printed).toHaveLength(1);
    });

    it('does nothing when any user exists', async () => {
      db = await backend.open();
      await db
        .insertInto('users')
        .values({
          id: 'x',
          username: 'someone',
          display_name: 'S',
          password_hash: null,
          role: 'viewer',
          disabled: 0,
          created_at: '2026-12-01T09:00:00.000Z',
        })
        .execute();
      const printed: string[] = [];
      expect(
        await ensureAdminUser(db, { env: {}, print: (line) => printed.push(line), hashParams }),
      ).toEqual({ created: false });
      expect(printed).toEqual([]);
    });

    it('refuses a RAYDECK_ADMIN_PASSWORD shorter than 8 characters', async () => {
      db = await backend.open();
      await expect(
        ensureAdminUser(db, {
          env: { RAYDECK_ADMIN_PASSWORD: 'short' },
          print: () => {},
          hashParams,
        }),
      ).rejects.toThrow(/RAYDECK_ADMIN_PASSWORD must be at least 8 characters/);
    });

    it('generates passwords without look-alike characters', () => {
      const passwords = new Set(Array.from({ length: 50 }, () => generatePassword()));
      expect(passwords.size).toBe(50);
      for (const password of passwords) expect(password).not.toMatch(/[0O1lI]/);
    });
  });
});
