import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Kysely } from 'kysely';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { type StoreBackend, storeBackends } from '../../../test/support/storeBackends.ts';
import type { Database } from '../store/database.ts';
import { openDatabase } from '../store/openDatabase.ts';
import { AuditLog, type AuditRecord } from './AuditLog.ts';

let db: Kysely<Database> | undefined;
afterEach(async () => {
  await db?.destroy();
  db = undefined;
});

const base = { targetKind: 'raycluster', result: 'success' } as const;

async function seeded(): Promise<AuditLog> {
  db = await backend.open();
  const log = new AuditLog(db);
  const entries: AuditRecord[] = [
    {
      ...base,
      actor: 'ana',
      action: 'cluster.create',
      targetNamespace: 'team-a',
      at: new Date('2026-01-01T10:00:00Z'),
    },
    {
      ...base,
      actor: 'ben',
      action: 'cluster.delete',
      targetNamespace: 'team-b',
      at: new Date('2026-01-01T11:00:00Z'),
    },
    {
      ...base,
      actor: 'ana',
      action: 'cluster.delete',
      targetNamespace: 'team-b',
      result: 'denied',
      at: new Date('2026-01-01T12:00:00Z'),
    },
    {
      ...base,
      actor: 'ana',
      action: 'token.create',
      targetKind: 'token',
      at: new Date('2026-01-01T13:00:00Z'),
    },
    {
      ...base,
      actor: 'ben',
      action: 'clusterx.create',
      targetNamespace: 'team-a',
      at: new Date('2026-01-01T14:00:00Z'),
    },
  ];
  for (const entry of entries) await log.record(entry);
  return log;
}

const summary = (items: { actor: string; action: string }[]) =>
  items.map((item) => `${item.actor}:${item.action}`);
let backend: StoreBackend;

describe.each(storeBackends())('on $name', (each) => {
  beforeAll(() => {
    backend = each;
  });

  describe('AuditLog', () => {
    it('returns entries newest first with every field', async () => {
      db = await backend.open();
      const log = new AuditLog(db);
      await log.record({
        actor: 'ana',
        actorRole: 'member',
        action: 'cluster.create',
        targetKind: 'raycluster',
        targetNamespace: 'team-a',
        targetName: 'gpu-1',
        result: 'failure',
        statusCode: 422,
        requestId: 'req-1',
        sourceIp: '10.0.0.1',
        details: { reason: 'quota', gpus: 2 },
        at: new Date('2026-02-03T04:05:06.789Z'),
      });
      expect((await log.query()).items).toEqual([
        {
          id: 1,
          at: '2026-02-03T04:05:06.789Z',
          actor: 'ana',
          actorRole: 'member',
          action: 'cluster.create',
          targetKind: 'raycluster',
          targetNamespace: 'team-a',
          targetName: 'gpu-1',
          result: 'failure',
          statusCode: 422,
          requestId: 'req-1',
          sourceIp: '10.0.0.1',
          details: { reason: 'quota', gpus: 2 },
        },
      ]);
    });

    it('filters by actor, exact action, action prefix, namespace, result and time range', async () => {
      const log = await seeded();
      const cases: [Parameters<AuditLog['query']>[0], string[]][] = [
        [{ actor: 'ana' }, ['ana:token.create', 'ana:cluster.delete', 'ana:cluster.create']],
        [{ action: 'cluster.delete' }, ['ana:cluster.delete', 'ben:cluster.delete']],
        [
          { action: 'cluster.*' },
          ['ana:cluster.delete', 'ben:cluster.delete', 'ana:cluster.create'],
        ],
        [{ namespace: 'team-a' }, ['ben:clusterx.create', 'ana:cluster.create']],
        [{ result: 'denied' }, ['ana:cluster.delete']],
        [
          { since: '2026-01-01T11:00:00Z', until: '2026-01-01T13:00:00Z' },
          ['ana:cluster.delete', 'ben:cluster.delete'],
        ],
        // 12:30 at UTC+1 is 11:30 UTC: offsets are normalised before comparing.
        [
          { since: '2026-01-01T12:30:00+01:00' },
          ['ben:clusterx.create', 'ana:token.create', 'ana:cluster.delete'],
        ],
        [{ actor: 'ana', namespace: 'team-b' }, ['ana:cluster.delete']],
      ];
      for (const [filters, expected] of cases) {
        expect(summary((await log.query(filters)).items), JSON.stringify(filters)).toEqual(
          expected,
        );
      }
    });

    it('limits what non-admins see to their namespaces and their own actions', async () => {
      const log = await seeded();
      const visible = await log.query({ visibleTo: { username: 'ben', namespaces: ['team-a'] } });
      expect(summary(visible.items)).toEqual([
        'ben:clusterx.create',
        'ben:cluster.delete',
        'ana:cluster.create',
      ]);
      const noTeams = await log.query({ visibleTo: { username: 'ana', namespaces: [] } });
      expect(summary(noTeams.items)).toEqual([
        'ana:token.create',
        'ana:cluster.delete',
        'ana:cluster.create',
      ]);
    });

    it('pages with a cursor until nextCursor is null, and caps the page at 500', async () => {
      db = await backend.open();
      const log = new AuditLog(db);
      for (let i = 0; i < 7; i += 1) {
        await log.record({ ...base, actor: 'ana', action: 'cluster.create', targetName: `c${i}` });
      }
      const names: (string | null)[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await log.query({ limit: 3, ...(cursor ? { cursor } : {}) });
        names.push(...page.items.map((item) => item.targetName));
        cursor = page.nextCursor ?? undefined;
        pages += 1;
      } while (cursor);
      expect(pages).toBe(3);
      expect(names).toEqual(['c6', 'c5', 'c4', 'c3', 'c2', 'c1', 'c0']);
      for (let i = 0; i < 500; i += 1) {
        await log.record({ ...base, actor: 'bulk', action: 'cluster.create' });
      }
      expect((await log.query({ limit: 10_000 })).items).toHaveLength(500);
    });

    it('scrubs secret-named keys from details at any depth', async () => {
      db = await backend.open();
      const log = new AuditLog(db);
      await log.record({
        ...base,
        actor: 'ana',
        action: 'user.update',
        details: {
          password: 'p4ss',
          nested: { Token: 'rdk_x', list: [{ csrfToken: 'c' }] },
          kept: 1,
        },
      });
      const [entry] = (await log.query()).items;
      expect(entry?.details).toEqual({
        password: '[redacted]',
        // Deeper than AuditDetailValue: shown as its JSON text, scrubbed all the same.
        nested: JSON.stringify({ Token: '[redacted]', list: [{ csrfToken: '[redacted]' }] }),
        kept: 1,
      });
    });

    // SQLite's own durability; PostgreSQL's is the server's.
    it.skipIf(each.name !== 'sqlite')(
      'keeps entries across closing and reopening a database file',
      async () => {
        const file = join(mkdtempSync(join(tmpdir(), 'raydeck-audit-')), 'nested', 'raydeck.db');
        const first = await openDatabase({ file });
        await new AuditLog(first).record({ ...base, actor: 'ana', action: 'cluster.create' });
        await first.destroy();
        db = await openDatabase({ file });
        expect(summary((await new AuditLog(db).query()).items)).toEqual(['ana:cluster.create']);
      },
    );

    // SQLite's own durability; PostgreSQL's is the server's.
    it.skipIf(each.name !== 'sqlite')(
      'keeps a recorded entry when the process is killed with SIGKILL right after',
      async () => {
        const dir = mkdtempSync(join(tmpdir(), 'raydeck-kill-'));
        const file = join(dir, 'raydeck.db');
        const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));
        const script = join(dir, 'writer.mts');
        writeFileSync(
          script,
          [
            `import { openDatabase } from ${JSON.stringify(here('../store/openDatabase.ts'))};`,
            `import { AuditLog } from ${JSON.stringify(here('./AuditLog.ts'))};`,
            `const db = await openDatabase({ file: ${JSON.stringify(file)} });`,
            `await new AuditLog(db).record({ actor: 'ana', action: 'cluster.delete', targetKind: 'raycluster', result: 'success' });`,
            `process.stdout.write('recorded\\n');`,
            `setInterval(() => {}, 1000);`,
          ].join('\n'),
        );
        const child = spawn(process.execPath, ['--import', 'tsx', script], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        const exit = new Promise<NodeJS.Signals | null>((resolve) =>
          child.on('exit', (_code, signal) => resolve(signal)),
        );
        await new Promise<void>((resolve, reject) => {
          child.stdout.on('data', (chunk: Buffer) => {
            if (chunk.toString().includes('recorded')) resolve();
          });
          child.on('exit', () => reject(new Error('writer exited before recording')));
        });
        child.kill('SIGKILL');
        expect(await exit).toBe('SIGKILL');
        db = await openDatabase({ file });
        expect(summary((await new AuditLog(db).query()).items)).toEqual(['ana:cluster.delete']);
      },
    );
  });

  describe('AuditLog pending entries', () => {
    it('records intent as pending, lists it until resolved, then keeps one entry', async () => {
      db = await backend.open();
      const log = new AuditLog(db);
      const id = await log.begin({
        actor: 'ana',
        action: 'cluster.create',
        targetKind: 'raycluster',
        targetNamespace: 'team-a',
        targetName: 'c1',
        details: { idempotencyKeyDigest: 'abc', token: 'secret' },
        at: new Date('2026-01-01T10:00:00Z'),
      });
      const startedAt = new Date('2026-01-01T11:00:00Z');
      const pending = await log.pending(startedAt);
      expect(pending.map((entry) => [entry.id, entry.result, entry.details])).toEqual([
        [id, 'pending', { idempotencyKeyDigest: 'abc', token: '[redacted]' }],
      ]);
      // Entries of the current run (at or after startedAt) are not the previous run's.
      expect(await log.pending(new Date('2026-01-01T10:00:00Z'))).toEqual([]);

      await log.resolve(id, { result: 'success', statusCode: 201, details: { uid: 'u1' } });
      expect(await log.pending(startedAt)).toEqual([]);
      const { items } = await log.query();
      expect(
        items.map((entry) => [entry.id, entry.result, entry.statusCode, entry.details]),
      ).toEqual([[id, 'success', 201, { uid: 'u1' }]]);
      // A resolved entry is final.
      await log.resolve(id, { result: 'failure', details: {} });
      expect((await log.query()).items[0]?.result).toBe('success');
    });
  });
});
