import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { JobDetail } from '../../shared/api/jobSchemas.ts';
import { jobDetail, jobStream, jobSummary, renderJobsPage } from './jobs/renderJobsPage.tsx';

/** jsdom lays nothing out; give the log a viewport so its lines render. */
let restore: () => void = () => undefined;
beforeEach(() => {
  const descriptor = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight');
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
    configurable: true,
    get(this: HTMLElement) {
      return this.dataset['testid'] === 'log-scroll' ? 480 : 0;
    },
  });
  restore = () => {
    if (descriptor) Object.defineProperty(HTMLElement.prototype, 'clientHeight', descriptor);
  };
});
afterEach(() => restore());

const jobPath = '/api/v1/jobs/team-a/gpu-check-x1';

function logLines(): string[] {
  const log = screen.getByRole('region', { name: 'Log of gpu-check-x1' });
  return within(log)
    .queryAllByTestId('log-line')
    .map((line) => line.textContent ?? '');
}

describe('JobDetailPage', { timeout: 20_000 }, () => {
  it('explains a waiting job in plain words, with KubeRay’s own reason', async () => {
    const detail = jobDetail(
      jobSummary({
        id: 'gpu-check-x1',
        cluster: undefined,
        startedAt: undefined,
        status: { phase: 'Waiting', deploymentStatus: 'Initializing', reason: 'ClusterNotReady' },
      }),
      {
        why: {
          code: 'waiting-for-cluster',
          message: 'Its cluster is being created: 0 of 1 GPU workers are ready',
        },
      },
    );
    renderJobsPage('/jobs/team-a/gpu-check-x1', (request) =>
      request.path === jobPath ? { body: detail } : undefined,
    );
    const panel = await screen.findByRole('region', { name: 'Why is it not running' });
    expect(within(panel).getByText('Waiting for the cluster')).toBeInTheDocument();
    expect(within(panel).getByTestId('job-why')).toHaveTextContent(
      'Its cluster is being created: 0 of 1 GPU workers are ready.',
    );
    expect(within(panel).getByText('ClusterNotReady')).toBeInTheDocument();
    expect(screen.getByTestId('job-phase')).toHaveTextContent('Waiting');
    expect(screen.getByRole('button', { name: 'Stop' })).toBeInTheDocument();
  });

  it('follows the log over the job stream, skips what a reconnect resends, and ends', async () => {
    let detail: JobDetail = jobDetail(jobSummary({ id: 'gpu-check-x1' }));
    const { requests } = renderJobsPage('/jobs/team-a/gpu-check-x1', (request) =>
      request.path === jobPath ? { body: detail } : undefined,
    );
    await screen.findByTestId('job-phase');
    const stream = jobStream();
    expect(stream.url).toBe(`${jobPath}/stream`);
    stream.emitRaw('log', { offset: 0, text: 'GPU check: ray sees 1 GPU\nCUDA_VIS' });
    stream.emitRaw('log', { offset: 34, text: 'IBLE_DEVICES=0\n' });
    // After a reconnect the server may resend from an earlier offset: nothing shows twice.
    stream.emitRaw('log', { offset: 34, text: 'IBLE_DEVICES=0\n\u001b[32mPASS\u001b[0m\n' });
    expect(logLines()).toEqual(['1GPU check: ray sees 1 GPU', '2CUDA_VISIBLE_DEVICES=0', '3PASS']);

    detail = jobDetail(
      jobSummary({
        id: 'gpu-check-x1',
        status: { phase: 'Succeeded', rayStatus: 'SUCCEEDED', deploymentStatus: 'Complete' },
        endedAt: '2026-11-28T11:59:59.000Z', // 1 s before the frozen test date
      }),
    );
    stream.emitRaw('status', detail.summary);
    await waitFor(() => expect(screen.getByTestId('job-phase')).toHaveTextContent('Succeeded'));
    stream.emitRaw('end', { phase: 'Succeeded' });
    expect(stream.closed).toBe(true);
    expect(screen.getByTestId('log-state')).toHaveTextContent('Complete');
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Stop' })).toBeNull());
    expect(requests.filter((request) => request.path === jobPath).length).toBeGreaterThan(1);
  });

  it('stops only after confirming, and shows why a stop failed', async () => {
    const user = userEvent.setup();
    const detail = jobDetail(jobSummary({ id: 'gpu-check-x1' }));
    const { requests } = renderJobsPage('/jobs/team-a/gpu-check-x1', (request) => {
      if (request.path === jobPath && request.method === 'GET') return { body: detail };
      if (request.path === `${jobPath}/stop`) {
        return {
          status: 409,
          body: { error: { reason: 'Conflict', message: 'The job already ended' } },
        };
      }
      return undefined;
    });
    await user.click(await screen.findByRole('button', { name: 'Stop' }));
    expect(requests.some((request) => request.path.endsWith('/stop'))).toBe(false);
    const dialog = await screen.findByRole('dialog', { name: 'Stop gpu-check-x1?' });
    await user.click(within(dialog).getByRole('button', { name: 'Stop job' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('The job already ended');
    expect(requests.filter((request) => request.path.endsWith('/stop'))).toHaveLength(1);
  });

  it('deletes after confirming and returns to the list', async () => {
    const user = userEvent.setup();
    const detail = jobDetail(jobSummary({ id: 'gpu-check-x1' }));
    const { router, requests } = renderJobsPage('/jobs/team-a/gpu-check-x1', (request) => {
      if (request.path === jobPath && request.method === 'GET') return { body: detail };
      if (request.path === jobPath && request.method === 'DELETE') return { status: 204 };
      if (request.path === '/api/v1/jobs') return { body: { items: [], total: 0 } };
      return undefined;
    });
    await user.click(await screen.findByRole('button', { name: 'Delete' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete gpu-check-x1?' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete job' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/jobs'));
    expect(requests.some((request) => request.method === 'DELETE')).toBe(true);
  });

  it('says plainly when the job does not exist', async () => {
    renderJobsPage('/jobs/team-a/gone', () => undefined);
    expect(await screen.findByRole('heading', { name: 'Job not found' })).toBeInTheDocument();
  });
});
