import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { storeBackends } from '../../../test/support/storeBackends.ts';
import type { AuthenticatedUser } from '../auth/authorize.ts';
import type { Database } from '../store/database.ts';
import { ServiceError } from './serviceErrors.ts';
import { UsageService } from './UsageService.ts';

let db: Kysely<Database>;
const now = () => new Date('2026-03-10T12:00:00.000Z');

function user(role: AuthenticatedUser['role'], teams: string[]): AuthenticatedUser {
  return { id: role, username: role, displayName: role, role, teams, via: 'token' };
}

function row(pod: string, namespace: string, start: string, end: string | null) {
  return {
    pod_uid: `uid-${pod}`,
    namespace,
    pod,
    cluster: `${namespace}-c`,
    owner: `${namespace}-user`,
    template: 'gpu-1',
    gpu_product: 'NVIDIA-A100-SXM4-80GB',
    gpus: 2,
    started_at: start,
    ended_at: end,
    last_seen_at: start,
  };
}

describe.each(storeBackends())('UsageService on $name', (backend) => {
  beforeEach(async () => {
    db = await backend.open();
    await db
      .insertInto('gpu_usage')
      .values([
        row('a', 'team-a', '2026-03-09T10:00:00.000Z', '2026-03-09T13:00:00.000Z'),
        row('b', 'team-b', '2026-03-10T00:00:00.000Z', null),
        // Before the default range (the last 7 days): not counted.
        row('old', 'team-a', '2026-02-01T00:00:00.000Z', '2026-02-01T05:00:00.000Z'),
      ])
      .execute();
  });
  afterEach(() => db.destroy());

  async function failure(call: Promise<unknown>): Promise<ServiceError> {
    const error = await call.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    if (!(error instanceof ServiceError))
      throw new Error(`expected a ServiceError, got ${String(error)}`);
    return error;
  }

  describe('reports', () => {
    const service = () => new UsageService({ db, now, idleSignal: () => 'signal' });

    it('shows admins every team and members only theirs, over the last 7 days by default', async () => {
      const all = await service().report({}, user('admin', []));
      expect([all.from, all.to, all.teams]).toEqual(['2026-03-04', '2026-03-10', '*']);
      expect(all.days).toEqual([
        { day: '2026-03-09', team: 'team-a', gpuHours: 6, idleGpuHours: 0 },
        { day: '2026-03-10', team: 'team-b', gpuHours: 24, idleGpuHours: 0 },
      ]);
      const member = await service().report({}, user('member', ['team-a']));
      expect(member.teams).toEqual(['team-a']);
      expect(member.totals.gpuHours).toBe(6);
      expect(member.users).toEqual([{ user: 'team-a-user', gpuHours: 6, idleGpuHours: 0 }]);
      const nobody = await service().report({}, user('viewer', []));
      expect(nobody.totals).toEqual({ gpuHours: 0, idleGpuHours: 0 });
    });

    it('refuses another team (403) and bad ranges (400 naming the field)', async () => {
      const forbidden = await failure(
        service().report({ team: 'team-b' }, user('member', ['team-a'])),
      );
      expect(forbidden.statusCode).toBe(403);
      const reversed = await failure(
        service().report({ from: '2026-03-10', to: '2026-03-01' }, user('admin', [])),
      );
      expect([reversed.statusCode, reversed.fields[0]?.path]).toEqual([400, 'querystring.from']);
      const tooLong = await failure(
        service().report({ from: '2024-01-01', to: '2026-03-01' }, user('admin', [])),
      );
      expect(tooLong.message).toContain('at most 366 days');
      const notADay = await failure(service().report({ to: '2026-02-30' }, user('admin', [])));
      expect(notADay.fields[0]?.path).toBe('querystring.to');
    });

    it('exports the same rows as CSV', async () => {
      const { fileName, text } = await service().csv(
        { from: '2026-03-09', to: '2026-03-10', team: 'team-a' },
        user('admin', []),
      );
      expect(fileName).toBe('raydeck-gpu-hours-2026-03-09-2026-03-10.csv');
      expect(text.split('\r\n')).toEqual([
        'day,team,user,cluster,template,gpu_product,gpu_hours,idle_gpu_hours',
        '2026-03-09,team-a,team-a-user,team-a-c,gpu-1,NVIDIA-A100-SXM4-80GB,6,0',
        '',
      ]);
    });
  });
});
