import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import type { CatalogEntry } from '../../shared/api/jobSchemas.ts';
import type { FakeRequest } from './clusters/renderWithPortal.tsx';
import { clusterSummary } from './clusters/renderWithPortal.tsx';
import { jobDetail, jobSummary, renderJobsPage } from './jobs/renderJobsPage.tsx';

const gpuCheck: CatalogEntry = {
  id: 'gpu-check',
  title: 'GPU check',
  summary: 'Checks that Ray sees the GPU of the cluster.',
  entrypoint: 'python gpu_check.py',
  resources: { cpus: 1, gpus: 1 },
  timeoutSeconds: 600,
  rayExtras: [],
  source: 'builtin',
  provenOnRealRay: '2.58.0',
};
const dataBatch: CatalogEntry = {
  ...gpuCheck,
  id: 'data-batch',
  title: 'Data batch',
  resources: { cpus: 2, gpus: 0 },
  rayExtras: ['data'],
  provenOnRealRay: null,
  notProvenReason: 'needs a GPU node',
};

function commonAnswers(request: FakeRequest) {
  if (request.path === '/api/v1/catalog') return { body: { items: [gpuCheck, dataBatch] } };
  if (
    request.path === '/api/v1/templates/availability' ||
    request.path.startsWith('/api/v1/templates')
  ) {
    return {
      body: {
        items: [
          { template: 'rtx4090-1', team: 'team-a', fits: true, freeGpus: 2, message: 'fits' },
          { template: 'a100-8', team: 'team-a', fits: false, freeGpus: 2, message: 'no' },
        ],
      },
    };
  }
  if (request.path === '/api/v1/clusters') {
    return { body: { items: [clusterSummary({ name: 'train-a100' })], total: 1 } };
  }
  return undefined;
}

describe('SubmitJobPage', { timeout: 20_000 }, () => {
  it('shows what each catalog workload needs and runs one on a new cluster in one click', async () => {
    const user = userEvent.setup();
    const { requests, router } = renderJobsPage('/jobs/new', (request) => {
      if (request.path === '/api/v1/jobs/catalog' && request.method === 'POST') {
        return { status: 201, body: jobDetail(jobSummary({ id: 'gpu-check-ab12c' })) };
      }
      return commonAnswers(request);
    });
    const card = await screen.findByRole('article', { name: 'GPU check' });
    expect(within(card).getByText('1 GPU · 1 CPU')).toBeInTheDocument();
    expect(within(card).getByText('Ray core only')).toBeInTheDocument();
    expect(within(card).getByText('Proven on real Ray 2.58.0')).toBeInTheDocument();
    const other = screen.getByRole('article', { name: 'Data batch' });
    expect(within(other).getByText('ray[data]')).toBeInTheDocument();
    expect(within(other).getByText('Not proven on real Ray: needs a GPU node')).toBeInTheDocument();

    const run = within(card).getByRole('button', { name: 'Run GPU check' });
    expect(run).toBeDisabled();
    const template = screen.getByRole('combobox', { name: 'Template' });
    await waitFor(() =>
      expect(
        within(template).getByRole('option', { name: 'a100-8 (does not fit now)' }),
      ).toBeInTheDocument(),
    );
    await user.selectOptions(template, 'rtx4090-1');
    await user.click(run);
    await waitFor(() =>
      expect(router.state.location.pathname).toBe('/jobs/team-a/gpu-check-ab12c'),
    );
    expect(requests.find((request) => request.path === '/api/v1/jobs/catalog')?.body).toEqual({
      team: 'team-a',
      catalogId: 'gpu-check',
      template: 'rtx4090-1',
    });
  });

  it('shows the server’s field errors next to the fields and keeps the form', async () => {
    const user = userEvent.setup();
    renderJobsPage('/jobs/new?tab=cluster&cluster=train-a100', (request) => {
      if (request.path === '/api/v1/jobs/submissions') {
        return {
          status: 409,
          body: {
            error: {
              reason: 'Conflict',
              message: 'body.submissionId: is already used by another job on train-a100',
              fields: [
                {
                  path: 'body.submissionId',
                  message: 'is already used by another job on train-a100',
                },
                {
                  path: 'body.runtimeEnv.pip.0',
                  message: 'has characters or a form that is not allowed',
                },
              ],
            },
          },
        };
      }
      return commonAnswers(request);
    });
    const entrypoint = await screen.findByRole('textbox', { name: 'Entrypoint' });
    await user.type(entrypoint, 'python train.py');
    await user.type(screen.getByRole('textbox', { name: 'Submission id' }), 'run-1');
    await user.type(screen.getByRole('textbox', { name: 'Environment variables' }), 'EPOCHS=3');
    await user.click(screen.getByRole('button', { name: 'Submit job' }));
    expect(
      await screen.findByText('is already used by another job on train-a100'),
    ).toBeInTheDocument();
    expect(screen.getByText('has characters or a form that is not allowed')).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent('Not submitted');
    expect(entrypoint).toHaveValue('python train.py');
  });

  it('says which env line is not KEY=value before sending anything', async () => {
    const user = userEvent.setup();
    const { requests } = renderJobsPage('/jobs/new?tab=cluster&cluster=train-a100', commonAnswers);
    await user.type(await screen.findByRole('textbox', { name: 'Entrypoint' }), 'python x.py');
    await user.type(
      screen.getByRole('textbox', { name: 'Environment variables' }),
      'A=1{enter}oops',
    );
    expect(screen.getByText('line 2 is not KEY=value')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Submit job' }));
    expect(requests.some((request) => request.path === '/api/v1/jobs/submissions')).toBe(false);
  });
});
