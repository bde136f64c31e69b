import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';

import type { UsageReport } from '../../shared/api/usageSchemas.ts';
import { FakeEventSource, fakePortal, renderPortalPage } from './gpus/renderPortalPage.tsx';
import { stackedDays } from './usage/UsageView.tsx';
import { UsagePage } from './UsagePage.tsx';

function report(from: string, to: string): UsageReport {
  return {
    from,
    to,
    teams: ['team-a', 'team-b'],
    totals: { gpuHours: 30, idleGpuHours: 6 },
    days: [
      { day: to, team: 'team-a', gpuHours: 20, idleGpuHours: 6 },
      { day: to, team: 'team-b', gpuHours: 10, idleGpuHours: 0 },
    ],
    users: [
      { user: 'alice', gpuHours: 20, idleGpuHours: 6 },
      { user: 'bob', gpuHours: 10, idleGpuHours: 0 },
    ],
    clusters: [
      {
        team: 'team-a',
        cluster: 'train',
        user: 'alice',
        template: 'gpu-a100',
        gpuProduct: 'NVIDIA-A100-SXM4-80GB',
        gpuHours: 20,
        idleGpuHours: 6,
      },
    ],
    products: [{ gpuProduct: 'NVIDIA-A100-SXM4-80GB', gpuHours: 30, idleGpuHours: 6 }],
    idleSignal: 'A cluster is idle while no RayJob runs on it.',
  };
}

afterEach(() => FakeEventSource.open.clear());

describe('UsagePage', () => {
  it('shows totals, top clusters and the CSV link, and asks for a preset range', async () => {
    const portal = fakePortal({
      'GET /api/v1/usage': (call) => ({
        body: report(
          call.url.searchParams.get('from') ?? '2026-03-04',
          call.url.searchParams.get('to') ?? '2026-03-10',
        ),
      }),
    });
    renderPortalPage({
      path: '/usage',
      routes: [{ path: '/usage', element: <UsagePage /> }],
      fetch: portal.fetch,
    });
    expect(await screen.findByLabelText('GPU-hours in the range')).toHaveTextContent('30.0');
    expect(screen.getByLabelText('Idle GPU-hours in the range')).toHaveTextContent('6.0');
    expect(screen.getByText('20%')).toBeInTheDocument();
    const clusters = screen.getByRole('table', { name: 'Top clusters by GPU-hours' });
    expect(within(clusters).getByRole('link', { name: 'team-a/train' })).toHaveAttribute(
      'href',
      '/clusters/team-a/train',
    );
    expect(screen.getByRole('link', { name: 'Download CSV' })).toHaveAttribute(
      'href',
      '/api/v1/usage.csv',
    );

    fireEvent.click(screen.getByRole('button', { name: '30 days' }));
    await waitFor(() =>
      expect(
        portal.calls.some(
          (call) =>
            call.url.searchParams.get('from') === '2026-02-09' &&
            call.url.searchParams.get('to') === '2026-03-10',
        ),
      ).toBe(true),
    );
    await waitFor(() =>
      expect(screen.getByRole('link', { name: 'Download CSV' })).toHaveAttribute(
        'href',
        '/api/v1/usage.csv?from=2026-02-09&to=2026-03-10',
      ),
    );
  });

  it('stacks one row per day of the range with every team', () => {
    const { rows, teams } = stackedDays(report('2026-03-08', '2026-03-10'));
    expect(teams).toEqual(['team-a', 'team-b']);
    expect(rows).toEqual([
      { day: '2026-03-08', 'team-a': 0, 'team-b': 0 },
      { day: '2026-03-09', 'team-a': 0, 'team-b': 0 },
      { day: '2026-03-10', 'team-a': 20, 'team-b': 10 },
    ]);
  });
});
