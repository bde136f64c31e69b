import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { Team } from '../../../shared/api/adminSchemas.ts';
import type {
  QuotaMeter,
  SetTeamQuotaRequest,
  TeamQuota,
} from '../../../shared/api/quotaSchemas.ts';
import { AdminPage } from '../AdminPage.tsx';
import { apiErrorResponse, type FakeCall, renderWithFakeApi } from './renderWithFakeApi.tsx';

const teamB: Team = {
  name: 'team-b',
  displayName: 'team-b',
  description: '',
  members: [],
  createdAt: '2026-11-01T09:00:00Z',
};

/** A fake quota API for team-b that starts with 2 GPUs set and 1 used. */
function quotaServer() {
  const puts: unknown[] = [];
  const gpuMeter: QuotaMeter = {
    quota: 'raydeck-team-quota',
    key: 'requests.nvidia.com/gpu',
    kind: 'gpu',
    hard: 2,
    used: 1,
    hardText: '2',
    usedText: '1',
  };
  let quota: TeamQuota = { team: 'team-b', settings: { gpus: 2 }, meters: [gpuMeter] };
  return {
    puts,
    handlers: {
      'GET /api/v1/admin/teams': () => ({ items: [teamB] }),
      'GET /api/v1/teams/team-b/quota': () => quota,
      'PUT /api/v1/admin/teams/team-b/quota': (call: FakeCall) => {
        const body = call.body as SetTeamQuotaRequest;
        puts.push(body);
        if (body.cpu === 'lots') {
          return apiErrorResponse(400, 'ValidationFailed', 'body.cpu: must match pattern', [
            { path: 'body.cpu', message: 'must match pattern' },
          ]);
        }
        const gpus = body.gpus ?? 0;
        quota = {
          team: 'team-b',
          settings: body,
          meters: [{ ...gpuMeter, hard: gpus, hardText: String(gpus) }],
        };
        return quota;
      },
    },
  };
}

describe('team quota dialog', () => {
  it('shows the meter, names a bad field, and saves the new GPU limit', async () => {
    const server = quotaServer();
    const { user } = renderWithFakeApi(<AdminPage />, {
      path: '/admin?tab=teams',
      pattern: '/admin',
      handlers: server.handlers,
    });
    await screen.findByRole('table', { name: 'Teams' });
    await user.click(screen.getByRole('button', { name: 'Quota of team-b' }));
    const dialog = await screen.findByRole('dialog', { name: 'Quota of team-b' });
    expect(await within(dialog).findByText('1 of 2 GPUs used')).toBeVisible();

    const gpus = within(dialog).getByRole('textbox', { name: /GPUs/ });
    await user.clear(gpus);
    await user.type(gpus, '1');
    await user.type(within(dialog).getByRole('textbox', { name: /CPU/ }), 'lots');
    await user.click(within(dialog).getByRole('button', { name: 'Save quota' }));
    expect(await within(dialog).findByText(/must match/)).toBeVisible();

    await user.clear(within(dialog).getByRole('textbox', { name: /CPU/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Save quota' }));
    expect(await screen.findByText('Quota of team-b saved')).toBeVisible();
    expect(server.puts).toEqual([{ gpus: 1, cpu: 'lots' }, { gpus: 1 }]);
  });
});
