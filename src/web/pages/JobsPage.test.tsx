import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { jobSummary, renderJobsPage } from './jobs/renderJobsPage.tsx';

/** jsdom lays nothing out; give the table's scroll box a viewport for virtualisation. */
let restore: () => void = () => undefined;
beforeEach(() => {
  const descriptor = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight');
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
    configurable: true,
    get(this: HTMLElement) {
      return this.dataset['testid'] === 'job-table-scroll' ? 600 : 0;
    },
  });
  restore = () => {
    if (descriptor) Object.defineProperty(HTMLElement.prototype, 'clientHeight', descriptor);
  };
});
afterEach(() => restore());

describe('JobsPage', { timeout: 20_000 }, () => {
  it('lists the server’s jobs with status, cluster, owner and GPU time', async () => {
    const { requests } = renderJobsPage('/jobs', (request) =>
      request.path === '/api/v1/jobs'
        ? {
            body: {
              items: [
                jobSummary({
                  id: 'gpu-check-x1',
                  status: { phase: 'Succeeded', rayStatus: 'SUCCEEDED' },
                  clusterGone: true,
                  endedAt: '2026-11-28T11:59:00.000Z', // 1 min before the frozen test date
                  gpuSeconds: 900,
                }),
                jobSummary({
                  id: 'raysubmit_9',
                  kind: 'submission',
                  rayJobName: undefined,
                  submissionId: 'raysubmit_9',
                  owner: undefined,
                  origin: 'external',
                  cluster: 'train-a100',
                }),
              ],
              total: 2,
            },
          }
        : undefined,
    );
    const first = (await screen.findByRole('link', { name: 'gpu-check-x1' })).closest('tr');
    const table = screen.getByRole('table', { name: 'Jobs' });
    if (!first) throw new Error('no row');
    expect(within(first).getByText('Succeeded')).toBeInTheDocument();
    expect(within(first).getByText('gpu-check-x1-raycluster-abcde (gone)')).toBeInTheDocument();
    expect(within(first).getByText('0.25 GPU-h')).toBeInTheDocument();
    expect(within(first).getByText('4m 0s')).toBeInTheDocument();
    const second = within(table).getByRole('link', { name: 'raysubmit_9' }).closest('tr');
    if (!second) throw new Error('no row');
    expect(within(second).getByText('external')).toBeInTheDocument();
    expect(within(second).getByRole('link', { name: 'train-a100' })).toHaveAttribute(
      'href',
      '/clusters/team-a/train-a100',
    );
    expect(screen.getByText('2 jobs')).toBeInTheDocument();
    expect(requests.find((request) => request.path === '/api/v1/jobs')?.query.get('limit')).toBe(
      '100',
    );
  });

  it('asks the server for the filtered view and says when nothing matches', async () => {
    const user = userEvent.setup();
    const { requests } = renderJobsPage('/jobs?status=Failed', (request) =>
      request.path === '/api/v1/jobs' ? { body: { items: [], total: 0 } } : undefined,
    );
    expect(await screen.findByText('No jobs match these filters.')).toBeInTheDocument();
    expect(requests.find((request) => request.path === '/api/v1/jobs')?.query.get('status')).toBe(
      'Failed',
    );
    await user.type(screen.getByRole('textbox', { name: 'Filter by owner' }), 'bob');
    await user.type(screen.getByRole('textbox', { name: 'Search jobs' }), 'train');
    await waitFor(() => {
      const last = requests.filter((request) => request.path === '/api/v1/jobs').at(-1);
      expect(last?.query.get('owner')).toBe('bob');
      expect(last?.query.get('q')).toBe('train');
      expect(last?.query.get('status')).toBe('Failed');
    });
  });

  it('shows a failure to load instead of an empty list', async () => {
    renderJobsPage('/jobs', (request) =>
      request.path === '/api/v1/jobs'
        ? {
            status: 503,
            body: { error: { reason: 'Unavailable', message: 'The job store is not reachable' } },
          }
        : undefined,
    );
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Could not load jobs');
    expect(alert).toHaveTextContent('The job store is not reachable');
    expect(screen.queryByText(/No jobs yet/)).toBeNull();
  });
});
