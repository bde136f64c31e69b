import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { apiFailure } from '../../../test/support/apiFailure.ts';
import { startTestPortal, type TestPortal } from '../../../test/support/startTestPortal.ts';
import type { ApiClient } from '../../shared/client/apiClient.ts';

let portal: TestPortal;
let memberB: ApiClient;

beforeAll(async () => {
  portal = await startTestPortal();
  memberB = await portal.addUser('usageb', 'member', ['team-b']);
}, 120_000);
afterAll(() => portal.close());

describe('GET /api/v1/usage', () => {
  it('answers members for their teams only', async () => {
    const own = await memberB.usageReport({ from: '2026-03-01', to: '2026-03-07' });
    expect([own.from, own.to, own.teams]).toEqual(['2026-03-01', '2026-03-07', ['team-b']]);
    const other = await apiFailure(memberB.usageReport({ team: 'team-a' }));
    expect(other.status).toBe(403);
    const all = await portal.admin.usageReport({ from: '2026-03-01', to: '2026-03-01' });
    expect(all.teams).toBe('*');
  });

  it('rejects a malformed day naming the field', async () => {
    const bad = await apiFailure(memberB.usageReport({ from: '2026-13-01' }));
    expect(bad.status).toBe(400);
    expect(bad.fields.map((field) => field.path)).toContain('querystring.from');
  });

  it('serves the CSV as an attachment', async () => {
    const response = await fetch(`${portal.url}/api/v1/usage.csv?from=2026-03-01&to=2026-03-02`, {
      headers: {
        authorization: `Bearer ${(await portal.admin.createToken({ name: 'csv' })).token}`,
      },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="raydeck-gpu-hours-2026-03-01-2026-03-02.csv"',
    );
    expect(await response.text()).toBe(
      'day,team,user,cluster,template,gpu_product,gpu_hours,idle_gpu_hours\r\n',
    );
  });
});
