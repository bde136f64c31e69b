import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { Template } from '../../shared/api/templateSchemas.ts';
import { apiErrorResponse, renderWithFakeApi, testUser } from './admin/renderWithFakeApi.tsx';
import { TemplatesPage } from './TemplatesPage.tsx';

const a100: Template = {
  name: 'a100-1',
  description: '1× NVIDIA A100 80 GB per worker, 8 CPU, 64 GiB.',
  head: { cpu: 2, memory: '8Gi' },
  worker: { cpu: 8, memory: '64Gi', gpu: 1, gpuProduct: 'NVIDIA-A100-SXM4-80GB' },
  allowedRayVersions: ['2.52.0', '2.49.1'],
  allowedImages: [],
  maxWorkers: 4,
  defaultWorkers: 1,
  defaultIdleTimeoutSeconds: 1800,
  namespace: 'raydeck',
  version: 3,
  retired: false,
  origin: 'raydeck',
};

const member = testUser({ username: 'ana', role: 'member' });

describe('TemplatesPage', () => {
  it('shows each template’s version, GPU shape, Ray versions, worker limit and idle timeout', async () => {
    renderWithFakeApi(<TemplatesPage />, {
      path: '/templates',
      user: member,
      handlers: { 'GET /api/v1/templates': () => ({ items: [a100] }) },
    });
    const card = await screen.findByRole('article', { name: 'a100-1' });
    expect(card).toHaveTextContent('v3');
    expect(card).toHaveTextContent('1× NVIDIA A100 per worker');
    expect(card).toHaveTextContent('2.52.0');
    expect(card).toHaveTextContent('2.49.1');
    expect(card).toHaveTextContent('1 by default, max 4');
    expect(card).toHaveTextContent('30 min');
    expect(card).toHaveTextContent('ExposureClusterIP');
    expect(within(card).queryByRole('button')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'New template' })).not.toBeInTheDocument();
  });

  it('teaches a member what templates are when there are none', async () => {
    renderWithFakeApi(<TemplatesPage />, {
      path: '/templates',
      user: member,
      handlers: { 'GET /api/v1/templates': () => ({ items: [] }) },
    });
    expect(await screen.findByText('No templates yet')).toBeVisible();
    expect(screen.getByText(/Ask an admin of this portal/)).toBeVisible();
  });

  it('shows a load failure inline with the server’s message', async () => {
    renderWithFakeApi(<TemplatesPage />, {
      path: '/templates',
      handlers: {
        'GET /api/v1/templates': () =>
          apiErrorResponse(503, 'ClusterUnavailable', 'The Kubernetes API is not reachable.'),
      },
    });
    expect(
      await screen.findByText('The Kubernetes API is not reachable.', {}, { timeout: 4000 }),
    ).toBeVisible();
  });

  it('puts the server’s field errors under the admin form’s inputs, then creates', async () => {
    let attempts = 0;
    const { user, calls } = renderWithFakeApi(<TemplatesPage />, {
      path: '/templates',
      handlers: {
        'GET /api/v1/templates': () => ({ items: [a100] }),
        'POST /api/v1/templates': (call) => {
          attempts += 1;
          if (attempts === 1) {
            return apiErrorResponse(
              400,
              'ValidationFailed',
              'body.head.memory: must match pattern; body.defaultWorkers: must not exceed maxWorkers (2)',
              [
                { path: 'body.head.memory', message: 'must match pattern' },
                { path: 'body.defaultWorkers', message: 'must not exceed maxWorkers (2)' },
              ],
            );
          }
          return { ...(call.body as Template), namespace: 'raydeck', version: 1, retired: false };
        },
      },
    });
    await user.click(await screen.findByRole('button', { name: 'New template' }));
    const dialog = await screen.findByRole('dialog', { name: 'New template' });
    await user.type(await within(dialog).findByRole('textbox', { name: 'Name' }), 'h100-2');
    const memory = within(dialog).getByRole('textbox', { name: 'Head memory' });
    await user.clear(memory);
    await user.type(memory, 'lots');
    await user.type(within(dialog).getByLabelText('Allowed Ray versions'), '2.52.0{Enter}');
    await user.click(within(dialog).getByRole('button', { name: 'Create template' }));

    await waitFor(() =>
      expect(
        within(dialog).getByRole('textbox', { name: 'Head memory' }),
      ).toHaveAccessibleDescription(/must match pattern/),
    );
    expect(
      within(dialog).getByRole('textbox', { name: 'Default workers' }),
    ).toHaveAccessibleDescription(/must not exceed maxWorkers \(2\)/);
    expect(screen.getByText('Template not created')).toBeVisible();
    await waitFor(() => expect(memory).toHaveFocus());

    await user.clear(memory);
    await user.type(memory, '16Gi');
    expect(memory).not.toHaveAccessibleDescription(/must match pattern/);
    const loadBalancer = within(dialog).getByRole('checkbox', { name: 'LoadBalancer' });
    expect(loadBalancer).not.toBeChecked();
    await user.click(loadBalancer);
    await user.click(within(dialog).getByRole('button', { name: 'Create template' }));
    expect(await screen.findByText('Template h100-2 created')).toBeVisible();
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    const created = calls.filter((call) => call.method === 'POST').at(-1)?.body;
    expect(created).toMatchObject({
      name: 'h100-2',
      head: { cpu: 2, memory: '16Gi' },
      allowedRayVersions: ['2.52.0'],
      allowedExposure: ['ClusterIP', 'LoadBalancer'],
      defaultIdleTimeoutSeconds: 3600,
    });
  });

  it('edits a template as a new version, keeping its name and tolerations', async () => {
    const tolerations = [
      {
        key: 'nvidia.com/gpu',
        operator: 'Equal' as const,
        value: 'present',
        effect: 'NoSchedule' as const,
      },
    ];
    const { user, calls } = renderWithFakeApi(<TemplatesPage />, {
      path: '/templates',
      handlers: {
        'GET /api/v1/templates': () => ({ items: [{ ...a100, tolerations }] }),
        'PUT /api/v1/templates/a100-1': (call) => ({
          ...(call.body as Template),
          namespace: 'raydeck',
          version: 4,
          retired: false,
          origin: 'raydeck',
        }),
      },
    });
    await user.click(await screen.findByRole('button', { name: 'Edit a100-1' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit template a100-1' });
    expect(within(dialog).getByRole('textbox', { name: 'Name' })).toBeDisabled();
    const maxWorkers = within(dialog).getByRole('textbox', { name: 'Max workers' });
    expect(maxWorkers).toHaveValue('4');
    await user.clear(maxWorkers);
    await user.type(maxWorkers, '8');
    await user.click(within(dialog).getByRole('button', { name: 'Save new version' }));
    expect(await screen.findByText('Template a100-1 updated')).toBeVisible();
    expect(screen.getByText('Now at version 4.')).toBeVisible();
    expect(calls.find((call) => call.method === 'PUT')?.body).toMatchObject({
      name: 'a100-1',
      maxWorkers: 8,
      tolerations,
      worker: { gpu: 1, gpuProduct: 'NVIDIA-A100-SXM4-80GB' },
      allowedRayVersions: ['2.52.0', '2.49.1'],
      allowedExposure: ['ClusterIP'],
    });
  });

  it('lets an admin retire a template and delete one after confirming', async () => {
    const { user, calls } = renderWithFakeApi(<TemplatesPage />, {
      path: '/templates',
      handlers: {
        'GET /api/v1/templates': () => ({ items: [a100] }),
        'POST /api/v1/templates/a100-1/retire': () => ({ ...a100, retired: true, version: 4 }),
        'DELETE /api/v1/templates/a100-1': () => undefined,
      },
    });
    await user.click(await screen.findByRole('button', { name: 'Retire a100-1' }));
    expect(await screen.findByText('Template a100-1 retired')).toBeVisible();

    await user.click(screen.getByRole('button', { name: 'Delete a100-1' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete template' });
    expect(calls.some((call) => call.method === 'DELETE')).toBe(false);
    await user.click(within(dialog).getByRole('button', { name: 'Delete template' }));
    expect(await screen.findByText('Template a100-1 deleted')).toBeVisible();
    expect(calls.some((call) => call.method === 'DELETE' && call.path.endsWith('/a100-1'))).toBe(
      true,
    );
  });
});
