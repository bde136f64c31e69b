import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useParams } from 'react-router-dom';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { CreateClusterRequest } from '../../shared/api/clusterSchemas.ts';
import type { Template, TemplateAvailability } from '../../shared/api/templateSchemas.ts';
import { CreateClusterPage } from './CreateClusterPage.tsx';
import {
  type FakeAnswer,
  FakeEventSource,
  type FakeHandler,
  fakePortal,
  renderPortalPage,
} from './gpus/renderPortalPage.tsx';

function template(name: string, overrides: Partial<Template> = {}): Template {
  return {
    name,
    description: `${name} description`,
    head: { cpu: 2, memory: '8Gi' },
    worker: { cpu: 8, memory: '64Gi', gpu: 1, gpuProduct: 'NVIDIA-A100-SXM4-80GB' },
    allowedRayVersions: ['2.52.0', '2.51.1'],
    allowedImages: [],
    maxWorkers: 4,
    defaultWorkers: 1,
    defaultIdleTimeoutSeconds: 1800,
    namespace: 'raydeck',
    version: 1,
    retired: false,
    origin: 'raydeck',
    ...overrides,
  };
}

const templates = [
  template('a100-1'),
  template('cpu-small', {
    worker: { cpu: 4, memory: '16Gi', gpu: 0 },
    allowedExposure: ['ClusterIP', 'Ingress'],
  }),
  template('rtx4090-1', {
    worker: { cpu: 8, memory: '32Gi', gpu: 1, gpuProduct: 'NVIDIA-GeForce-RTX-4090' },
    maxWorkers: 2,
  }),
];

function availability(team: string, a100Free: number): TemplateAvailability[] {
  return [
    {
      template: 'a100-1',
      team,
      fits: a100Free > 0,
      freeGpus: a100Free,
      quotaHeadroom: 3,
      message:
        a100Free > 0
          ? `Fits now: 1 GPU wanted, ${a100Free} free.`
          : 'No room for 1 pod of group workers needing 1 NVIDIA A100: 0 free now.',
    },
    { template: 'cpu-small', team, fits: true, freeGpus: 6, message: 'CPU only: no GPUs needed.' },
    {
      template: 'rtx4090-1',
      team,
      fits: true,
      freeGpus: 2,
      message: 'Fits now: 1 GPU wanted, 2 free.',
    },
  ];
}

const previewYaml = [
  'apiVersion: ray.io/v1',
  'kind: RayCluster',
  'metadata:',
  '  name: demo',
  '  namespace: team-b',
  'spec:',
  '  rayVersion: 2.52.0',
  '  workerGroupSpecs:',
  '    - groupName: workers',
  '      replicas: 1',
].join('\n');

function validationFailed(fields: { path: string; message: string }[]): FakeAnswer {
  return {
    status: 400,
    body: {
      error: {
        status: 400,
        reason: 'ValidationFailed',
        message: fields.map((field) => `${field.path}: ${field.message}`).join('; '),
        requestId: 'req-1',
        fields,
      },
    },
  };
}

function ClusterDetailStub() {
  const { team, name } = useParams();
  return <h2>{`detail of ${team}/${name}`}</h2>;
}

function renderWizard(handlers: Record<string, FakeHandler> = {}, path = '/clusters/new') {
  const portal = fakePortal({
    'GET /api/v1/templates': () => ({ body: { items: templates } }),
    'GET /api/v1/templates/availability': (call) => ({
      body: { items: availability(call.url.searchParams.get('team') ?? '', 0) },
    }),
    ...handlers,
  });
  const view = renderPortalPage({
    path,
    fetch: portal.fetch,
    routes: [
      { path: '/clusters/new', element: <CreateClusterPage /> },
      { path: '/clusters/:team/:name', element: <ClusterDetailStub /> },
    ],
  });
  return { ...view, calls: portal.calls };
}

/** Picks a template card and fills in a valid name on the shape step. */
async function shapeCluster(user: ReturnType<typeof userEvent.setup>, name = 'demo') {
  await user.click(await screen.findByRole('radio', { name: 'rtx4090-1' }));
  const nameInput = await screen.findByRole('textbox', { name: /^Name/ });
  await user.type(nameInput, name);
}

beforeEach(() => localStorage.setItem('raydeck.team', 'team-b'));
afterEach(() => {
  localStorage.clear();
  FakeEventSource.open.clear();
});

// A whole wizard per test renders many inputs; jsdom on a loaded 2-core machine needs the room.
describe('CreateClusterPage', { timeout: 20_000 }, () => {
  it('shows one card per template with whether it fits now for the session team', async () => {
    const { calls } = renderWizard();
    expect(await screen.findByRole('heading', { level: 2, name: 'New cluster' })).toBeVisible();

    // The first test pays for transforming the lazily loaded wizard; on a busy machine that
    // takes longer than findBy's default second.
    const a100 = await screen.findByRole('radio', { name: 'a100-1' }, { timeout: 10_000 });
    await waitFor(() => expect(within(a100).getByText('Does not fit now')).toBeVisible());
    expect(
      within(a100).getByText(
        'No room for 1 pod of group workers needing 1 NVIDIA A100: 0 free now.',
      ),
    ).toBeVisible();
    expect(within(a100).getByText('1× NVIDIA A100 per worker')).toBeVisible();
    expect(within(a100).getByText('8 CPU · 64 GiB')).toBeVisible();
    expect(a100).toHaveAccessibleDescription(/Does not fit now a100-1 description/);

    const rtx = screen.getByRole('radio', { name: 'rtx4090-1' });
    expect(within(rtx).getByText('Fits now')).toBeVisible();
    expect(within(rtx).getByText('2 NVIDIA GeForce RTX 4090 free')).toBeVisible();
    const cpu = screen.getByRole('radio', { name: 'cpu-small' });
    expect(within(cpu).getByText('CPU only: no GPUs needed.')).toBeVisible();

    const asked = calls.find((call) => call.url.pathname === '/api/v1/templates/availability');
    expect(asked?.url.searchParams.get('team')).toBe('team-b');
  });

  it('refreshes whether templates fit when the GPU inventory changes', async () => {
    let free = 0;
    renderWizard({
      'GET /api/v1/templates/availability': () => ({
        body: { items: availability('team-b', free) },
      }),
    });
    const a100 = await screen.findByRole('radio', { name: 'a100-1' });
    await waitFor(() => expect(within(a100).getByText('Does not fit now')).toBeVisible());
    free = 4;
    FakeEventSource.emit('inventory', { changedAt: new Date().toISOString() });
    await waitFor(() => expect(within(a100).getByText('Fits now')).toBeVisible());
    expect(
      within(a100).getByText('4 NVIDIA A100 free · quota allows 3 more GPUs in team-b'),
    ).toBeVisible();
  });

  it('moves between cards with arrow keys and moves on with Enter', async () => {
    const user = userEvent.setup();
    renderWizard();
    const a100 = await screen.findByRole('radio', { name: 'a100-1' });
    expect(a100).toHaveAttribute('tabindex', '0');
    a100.focus();
    await user.keyboard('{ArrowRight}');
    const cpu = screen.getByRole('radio', { name: 'cpu-small' });
    expect(cpu).toHaveFocus();
    expect(cpu).toHaveAttribute('aria-checked', 'true');
    expect(cpu).toHaveAttribute('tabindex', '0');
    expect(a100).toHaveAttribute('tabindex', '-1');
    // Still on the template step: arrows only change the choice.
    expect(screen.queryByRole('textbox', { name: /^Name/ })).not.toBeInTheDocument();

    await user.keyboard('{Enter}');
    const name = await screen.findByRole('textbox', { name: /^Name/ });
    expect(name).toHaveFocus();
    expect(screen.getByText(/Fits now in team-b: CPU only: no GPUs needed\./)).toBeVisible();
  });

  it('lets the keyboard move along the stepper and back to an earlier step', async () => {
    const user = userEvent.setup();
    renderWizard();
    await user.click(await screen.findByRole('radio', { name: 'rtx4090-1' }));
    await screen.findByRole('textbox', { name: /^Name/ });
    const steps = within(screen.getByRole('navigation', { name: 'Wizard steps' }));
    const shape = steps.getByRole('button', { name: /Shape/ });
    expect(shape).toHaveAttribute('aria-current', 'step');
    shape.focus();
    await user.keyboard('{ArrowLeft}');
    const templateStep = steps.getByRole('button', { name: /Template/ });
    expect(templateStep).toHaveFocus();
    await user.keyboard('{Enter}');
    expect(await screen.findByRole('radio', { name: 'rtx4090-1' })).toHaveAttribute(
      'aria-checked',
      'true',
    );
    expect(templateStep).toHaveAttribute('aria-current', 'step');
  });

  it('validates the name inline as it is typed, as the server would', async () => {
    const user = userEvent.setup();
    renderWizard();
    await user.click(await screen.findByRole('radio', { name: 'rtx4090-1' }));
    const name = await screen.findByRole('textbox', { name: /^Name/ });

    await user.type(name, 'My');
    expect(name).toHaveAccessibleDescription(/Use lowercase letters only/);
    expect(name).toHaveAttribute('aria-invalid', 'true');
    await user.clear(name);
    await user.type(name, 'gpu-');
    expect(name).toHaveAccessibleDescription(/End with a letter or a digit/);
    await user.type(name, '1');
    expect(name).not.toHaveAttribute('aria-invalid', 'true');
    await user.clear(name);
    await user.paste('a'.repeat(54));
    expect(name).toHaveAccessibleDescription(/Use at most 53 characters \(54 now\)/);
  });

  it('keeps workers within the template limits before asking the server', async () => {
    const user = userEvent.setup();
    const { calls } = renderWizard();
    await shapeCluster(user);
    const workers = screen.getByRole('textbox', { name: 'Workers' });
    await user.clear(workers);
    await user.type(workers, '3');
    expect(workers).toHaveAccessibleDescription(/at most 2 workers \(template rtx4090-1\)/);
    expect(
      screen.getByText('3 workers in all; at most 2 workers (template rtx4090-1)'),
    ).toBeVisible();

    await user.click(screen.getByRole('button', { name: 'Preview YAML' }));
    expect(calls.some((call) => call.url.pathname === '/api/v1/clusters/preview')).toBe(false);
    await waitFor(() => expect(workers).toHaveFocus());
  });

  it('offers only the exposure the template allows', async () => {
    const user = userEvent.setup();
    renderWizard();
    await shapeCluster(user);
    expect(screen.getByRole('radio', { name: 'ClusterIP' })).toBeEnabled();
    for (const name of ['NodePort', 'LoadBalancer', 'Ingress']) {
      expect(screen.getByRole('radio', { name })).toBeDisabled();
    }
    expect(screen.getByRole('radio', { name: 'LoadBalancer' })).toHaveAccessibleDescription(
      /Not allowed by template rtx4090-1/,
    );

    await user.click(screen.getByRole('button', { name: 'Back to templates' }));
    await user.click(await screen.findByRole('radio', { name: 'cpu-small' }));
    expect(await screen.findByRole('radio', { name: 'Ingress' })).toBeEnabled();
    expect(screen.getByRole('radio', { name: 'NodePort' })).toBeDisabled();
  });

  it('previews the server dry-run YAML in a monospace editor', async () => {
    const user = userEvent.setup();
    const previews: CreateClusterRequest[] = [];
    renderWizard({
      'POST /api/v1/clusters/preview': (call) => {
        previews.push(call.body as CreateClusterRequest);
        return { body: { manifest: {}, yaml: previewYaml } };
      },
    });
    await shapeCluster(user);
    await user.keyboard('{Enter}');

    const yaml = await screen.findByRole('textbox', { name: 'Cluster YAML' });
    expect(yaml).toHaveValue(previewYaml);
    expect(yaml).toHaveAttribute('readonly');
    expect(yaml.style.fontFamily).toContain('monospace');
    expect(previews).toEqual([
      {
        name: 'demo',
        team: 'team-b',
        template: 'rtx4090-1',
        rayVersion: '2.52.0',
        workerGroups: [{ name: 'workers', replicas: 1, minReplicas: 0, maxReplicas: 2 }],
        autoscaling: { enabled: false },
        exposure: 'ClusterIP',
      },
    ]);
    expect(screen.getByText(/demo in team-b: rtx4090-1, 1 worker/)).toBeVisible();
  });

  it('maps server field errors back onto their inputs and shows the message as it is', async () => {
    const user = userEvent.setup();
    renderWizard({
      'POST /api/v1/clusters/preview': () =>
        validationFailed([
          { path: 'body.name', message: 'is already used in this team' },
          { path: 'body.workerGroups.0.replicas', message: 'must be <= 1000' },
        ]),
    });
    await shapeCluster(user);
    await user.click(screen.getByRole('button', { name: 'Preview YAML' }));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(
      'body.name: is already used in this team; body.workerGroups.0.replicas: must be <= 1000',
    );
    const name = screen.getByRole('textbox', { name: /^Name/ });
    expect(name).toHaveAccessibleDescription(/is already used in this team/);
    const workers = screen.getByRole('textbox', { name: 'Workers' });
    expect(workers).toHaveAccessibleDescription(/must be <= 1000/);

    // Editing a field clears its server error; the others stay until edited.
    await user.type(name, 'x');
    expect(name).not.toHaveAccessibleDescription(/is already used/);
    expect(workers).toHaveAccessibleDescription(/must be <= 1000/);
  });

  it('shows Kubernetes field errors against the YAML lines', async () => {
    const user = userEvent.setup();
    let reject = false;
    renderWizard({
      'POST /api/v1/clusters/preview': () => ({ body: { manifest: {}, yaml: previewYaml } }),
      'POST /api/v1/clusters': () =>
        reject
          ? validationFailed([
              {
                path: 'manifest.spec.workerGroupSpecs[0].replicas',
                message: 'Invalid value: 1: must be at most 0',
              },
            ])
          : undefined,
    });
    await shapeCluster(user);
    await user.click(screen.getByRole('button', { name: 'Preview YAML' }));
    await screen.findByRole('textbox', { name: 'Cluster YAML' });
    reject = true;
    await user.click(screen.getByRole('button', { name: 'Create cluster' }));

    const problems = await screen.findByText('Kubernetes rejected these fields of the YAML');
    const panel = problems.closest('[role="alert"]');
    if (!(panel instanceof HTMLElement)) throw new Error('no YAML error panel');
    expect(within(panel).getByText('spec.workerGroupSpecs[0].replicas')).toBeVisible();
    expect(within(panel).getByText('Invalid value: 1: must be at most 0')).toBeVisible();
    await user.click(within(panel).getByRole('button', { name: 'Show line 10' }));
    const yaml = screen.getByRole('textbox', { name: 'Cluster YAML' }) as HTMLTextAreaElement;
    expect(yaml).toHaveFocus();
    expect(yaml.value.slice(yaml.selectionStart, yaml.selectionEnd)).toBe('      replicas: 1');
    expect(screen.getByTestId('yaml-gutter').querySelector('[data-error]')).toHaveTextContent('10');
  });

  it('creates once with an Idempotency-Key, even when clicked twice, then opens the cluster', async () => {
    const user = userEvent.setup();
    const creates: { key: string | null; body: unknown }[] = [];
    let release: () => void = () => undefined;
    renderWizard({
      'POST /api/v1/clusters': async (call) => {
        creates.push({ key: call.headers.get('idempotency-key'), body: call.body });
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        return { status: 201, body: { manifest: {}, yaml: previewYaml } };
      },
    });
    await shapeCluster(user);
    const create = screen.getByRole('button', { name: 'Create cluster' });
    await user.dblClick(create);
    await user.click(create);
    await waitFor(() => expect(creates).toHaveLength(1));
    release();

    expect(await screen.findByRole('heading', { name: 'detail of team-b/demo' })).toBeVisible();
    expect(creates).toHaveLength(1);
    expect(creates[0]?.key).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(creates[0]?.body).toMatchObject({ name: 'demo', team: 'team-b', template: 'rtx4090-1' });
  });

  it('retries a failed create with the same key, and uses a new key once the shape changes', async () => {
    const user = userEvent.setup();
    const keys: (string | null)[] = [];
    renderWizard({
      'POST /api/v1/clusters': (call) => {
        keys.push(call.headers.get('idempotency-key'));
        return {
          status: 503,
          body: {
            error: {
              status: 503,
              reason: 'ClusterUnavailable',
              message: 'Kubernetes API unreachable',
              requestId: 'r',
            },
          },
        };
      },
    });
    await shapeCluster(user);
    const create = screen.getByRole('button', { name: 'Create cluster' });
    await user.click(create);
    expect(await screen.findByText('Kubernetes API unreachable')).toBeVisible();
    await user.click(create);
    await waitFor(() => expect(keys).toHaveLength(2));
    await user.type(screen.getByRole('textbox', { name: /^Name/ }), '2');
    await user.click(create);
    await waitFor(() => expect(keys).toHaveLength(3));
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[0]);
  });

  it('offers the user’s teams with the session team first chosen, and starts from ?template=', async () => {
    renderWizard({}, '/clusters/new?template=a100-1');
    const team = await screen.findByRole('combobox', { name: /^Team/ });
    expect(team).toHaveValue('team-b');
    expect(
      within(team)
        .getAllByRole('option')
        .map((option) => option.textContent),
    ).toEqual(['team-a', 'team-b']);
    expect(screen.getByRole('combobox', { name: /^Ray version/ })).toHaveValue('2.52.0');
    expect(screen.getByRole('textbox', { name: 'Max replicas' })).toHaveValue('4');
  });
});
