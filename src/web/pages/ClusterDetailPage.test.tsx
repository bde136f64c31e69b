import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';

import type { ClusterDetail } from '../../shared/api/clusterSchemas.ts';
import { notAvailableThroughKubeRayApiServer } from '../../shared/api/notAvailableThroughKubeRayApiServer.ts';
import type { GroupExplanation } from '../../shared/ray/explainCluster.ts';
import type { RayClusterResource } from '../../shared/ray/rayTypes.ts';
import {
  clusterPage,
  clusterSummary,
  FakeEventSource,
  type FakeRequest,
  renderWithPortal,
} from './clusters/renderWithPortal.tsx';

const clusterPath = '/api/v1/clusters/team-a/train';

const resource: RayClusterResource = {
  apiVersion: 'ray.io/v1',
  kind: 'RayCluster',
  metadata: {
    name: 'train',
    namespace: 'team-a',
    uid: 'uid-team-a-train',
    creationTimestamp: '2026-11-20T09:00:00Z',
    managedFields: [{ manager: 'raydeck' }],
  } as RayClusterResource['metadata'],
  spec: {
    headGroupSpec: { rayStartParams: {}, template: { spec: { containers: [] } } },
    workerGroupSpecs: [
      {
        groupName: 'gpu',
        replicas: 2,
        minReplicas: 0,
        maxReplicas: 4,
        template: {
          spec: {
            containers: [{ name: 'ray-worker', resources: { limits: { 'nvidia.com/gpu': '1' } } }],
            nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' },
          },
        },
      },
    ],
  } as RayClusterResource['spec'],
  status: {
    conditions: [
      {
        type: 'HeadPodReady',
        status: 'True',
        reason: 'HeadPodRunningAndReady',
        lastTransitionTime: '2026-11-20T09:01:00Z',
      },
    ],
  },
};

const explanation: GroupExplanation[] = [
  {
    group: 'headgroup',
    kind: 'head',
    desired: 1,
    ready: 1,
    pending: 0,
    failing: 0,
    notCreated: 0,
    state: 'ok',
    summary: 'Head pod ready.',
    causes: [],
  },
  {
    group: 'gpu',
    kind: 'worker',
    desired: 2,
    ready: 0,
    pending: 2,
    failing: 0,
    notCreated: 0,
    state: 'blocked',
    summary: '0 of 2 workers ready (2 pending): no node has a free NVIDIA A100.',
    causes: [
      {
        source: 'scheduler',
        message: 'no node has a free NVIDIA A100 (4 in use by team-b/big)',
        detail: '0/3 nodes are available: 3 Insufficient nvidia.com/gpu.',
      },
      { source: 'quota', message: 'team-a may use 2 GPUs and uses 2' },
    ],
  },
];

function detail(overrides: Partial<ClusterDetail> = {}): ClusterDetail {
  return {
    summary: clusterSummary({
      name: 'train',
      phase: 'Pending',
      reason: 'Workers unschedulable',
      workers: { ready: 0, desired: 2 },
      gpus: { count: 2, products: ['NVIDIA-A100-SXM4-80GB'] },
    }),
    resource,
    explanation,
    pods: [
      {
        name: 'train-head-x',
        group: 'headgroup',
        node: 'gpu-node-1',
        phase: 'Running',
        ready: true,
        gpus: 0,
        restarts: 0,
      },
      {
        name: 'train-gpu-worker-a',
        group: 'gpu',
        phase: 'Pending',
        ready: false,
        gpus: 1,
        restarts: 0,
        reason: 'Unschedulable',
      },
    ],
    events: [
      {
        type: 'Warning',
        reason: 'FailedScheduling',
        message: '0/3 nodes are available: 3 Insufficient nvidia.com/gpu.',
        object: 'Pod/train-gpu-worker-a',
        count: 4,
        lastSeen: '2026-11-20T09:05:00Z',
      },
    ],
    endpoints: {
      dashboardUrl: '/api/v1/clusters/team-a/train/dashboard/',
      proxyPath: '/api/v1/clusters/team-a/train/dashboard/',
      clientAddress: 'ray://train-head-svc.team-a.svc.cluster.local:10001',
      jobsApiAddress: 'http://train-head-svc.team-a.svc.cluster.local:8265',
      jobSubmitExample:
        'ray job submit --address http://train-head-svc.team-a.svc.cluster.local:8265 -- python x.py',
    },
    ...overrides,
  };
}

const isDetail = (request: FakeRequest) => request.method === 'GET' && request.path === clusterPath;

/** A server with one cluster whose detail the test may change. */
function server(state: { detail: ClusterDetail }, extra?: (request: FakeRequest) => unknown) {
  return (request: FakeRequest) => {
    const answer = extra?.(request);
    if (answer) return answer as { status?: number; body?: unknown };
    if (isDetail(request)) return { body: state.detail };
    if (request.method === 'GET' && request.path === '/api/v1/clusters') return clusterPage([]);
    return undefined;
  };
}

beforeEach(() => {
  FakeEventSource.instances = [];
});

describe('ClusterDetailPage', { timeout: 20_000 }, () => {
  it('through a KubeRay APIServer, says pods are not available instead of an empty table', async () => {
    const unavailable = notAvailableThroughKubeRayApiServer('GPU inventory');
    renderWithPortal('/clusters/team-a/train', {
      handler: server({ detail: detail({ pods: [], explanation: [] }) }, (request) =>
        request.path === '/api/v1/about'
          ? {
              body: {
                version: '0.1.0',
                node: 'v20',
                connection: {
                  source: 'apiserver-v2',
                  server: 'http://127.0.0.1:31888',
                  context: 'kuberay-apiserver',
                  sandbox: false,
                  unavailable: { reason: unavailable },
                },
                informers: [],
                clusters: 1,
              },
            }
          : undefined,
      ),
    });
    const notice = await screen.findByRole('region', { name: 'Pods are not available' });
    expect(notice).toHaveTextContent(
      /The list of a cluster’s pods is not available through the KubeRay APIServer/,
    );
    expect(screen.queryByRole('table', { name: /pods/i })).toBeNull();
  });

  it('shows the name, phase, reason and why it is pending, group by group', async () => {
    renderWithPortal('/clusters/team-a/train', { handler: server({ detail: detail() }) });
    expect(await screen.findByTestId('cluster-phase')).toHaveTextContent('Pending');
    expect(screen.getByRole('heading', { level: 2, name: 'train' })).toBeVisible();
    expect(screen.getByText('Workers unschedulable')).toBeVisible();

    const panel = screen.getByRole('region', { name: 'Why pending' });
    expect(within(panel).getByText('Head pod ready.')).toBeVisible();
    expect(
      within(panel).getByText('0 of 2 workers ready (2 pending): no node has a free NVIDIA A100.'),
    ).toBeVisible();
    expect(
      within(panel).getByText('no node has a free NVIDIA A100 (4 in use by team-b/big).'),
    ).toBeVisible();
    expect(within(panel).getByRole('img', { name: 'Scheduler' })).toBeInTheDocument();
    expect(within(panel).getByRole('img', { name: 'Quota' })).toBeInTheDocument();
    expect(
      within(panel).getByText('0/3 nodes are available: 3 Insufficient nvidia.com/gpu.'),
    ).toBeVisible();
  });

  it('shows a scheduler message once, however many causes and groups share it', async () => {
    const message = '0/3 nodes are available: 3 Insufficient nvidia.com/gpu.';
    const worker = explanation[1] as GroupExplanation;
    const shared: GroupExplanation[] = [
      explanation[0] as GroupExplanation,
      {
        ...worker,
        causes: [
          { source: 'scheduler', message: 'no node has a free NVIDIA A100', detail: message },
          { source: 'scheduler', message: '2 nodes are cordoned', detail: message },
        ],
      },
      {
        ...worker,
        group: 'gpu-2',
        causes: [
          { source: 'scheduler', message: 'no node has a free NVIDIA A100', detail: message },
        ],
      },
    ];
    renderWithPortal('/clusters/team-a/train', {
      handler: server({ detail: detail({ explanation: shared }) }),
    });
    const panel = await screen.findByRole('region', { name: 'Why pending' });
    expect(within(panel).getAllByText(message)).toHaveLength(1);
    expect(within(panel).getByText('2 nodes are cordoned.')).toBeVisible();
  });

  it('says "Why still scaling" for a Scaling cluster', async () => {
    const scaling = detail({
      summary: clusterSummary({
        name: 'train',
        phase: 'Scaling',
        reason: 'Scaling: 2 of 3 workers ready; 1 pod cannot be created (exceeded quota q).',
      }),
    });
    renderWithPortal('/clusters/team-a/train', { handler: server({ detail: scaling }) });
    expect(await screen.findByTestId('cluster-phase')).toHaveTextContent('Scaling');
    expect(screen.getByRole('region', { name: 'Why still scaling' })).toBeVisible();
    expect(screen.queryByRole('region', { name: 'Why pending' })).toBeNull();
  });

  it('says suspended everywhere for a suspended cluster, with no dashboard to open', async () => {
    const parked: GroupExplanation[] = explanation.map((group) => ({
      ...group,
      desired: 0,
      ready: 0,
      pending: 0,
      state: 'ok',
      causes: [],
    }));
    const suspended = detail({
      summary: clusterSummary({
        name: 'train',
        phase: 'Suspended',
        reason: 'Suspended: all Ray pods are deleted.',
        workers: { ready: 0, desired: 0 },
      }),
      resource: { ...resource, spec: { ...resource.spec, suspend: true } },
      explanation: parked,
      pods: [],
    });
    renderWithPortal('/clusters/team-a/train', { handler: server({ detail: suspended }) });
    expect(await screen.findByTestId('cluster-phase')).toHaveTextContent('Suspended');
    expect(screen.queryByRole('region', { name: 'Why pending' })).toBeNull();
    const groups = screen.getByRole('region', { name: 'Worker groups' });
    expect(within(groups).getByText('Suspended')).toBeVisible();
    expect(within(groups).queryByText('0 of 0')).toBeNull();
    const open = screen.getByRole('button', { name: 'Open Ray dashboard' });
    expect(open).toBeDisabled();
    expect(open).toHaveAccessibleDescription(
      'No dashboard while suspended: resume the cluster to start its head.',
    );
    expect(screen.queryByRole('link', { name: 'Open Ray dashboard' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Resume' })).toBeEnabled();
  });

  it('hides "Why pending" once the cluster is Ready', async () => {
    const ready = detail({
      summary: clusterSummary({ name: 'train', phase: 'Ready' }),
    });
    renderWithPortal('/clusters/team-a/train', { handler: server({ detail: ready }) });
    expect(await screen.findByTestId('cluster-phase')).toHaveTextContent('Ready');
    expect(screen.queryByRole('region', { name: 'Why pending' })).toBeNull();
  });

  it('lists pods and events, and shows the YAML without managed fields', async () => {
    renderWithPortal('/clusters/team-a/train', { handler: server({ detail: detail() }) });
    const pods = await screen.findByRole('table', { name: 'Pods' });
    const worker = within(pods).getByText('train-gpu-worker-a').closest('tr') as HTMLElement;
    expect(
      within(worker)
        .getAllByRole('cell')
        .map((cell) => cell.textContent),
    ).toEqual(['train-gpu-worker-a', 'gpu', 'not scheduled', 'Pending', '1', '0', 'Unschedulable']);

    const user = userEvent.setup();
    await user.click(screen.getByRole('tab', { name: 'Events' }));
    const events = await screen.findByRole('table', { name: 'Events' });
    expect(within(events).getByText('FailedScheduling')).toBeVisible();
    expect(within(events).getByText('Pod/train-gpu-worker-a')).toBeVisible();

    await user.click(screen.getByRole('tab', { name: 'YAML' }));
    const yaml = await screen.findByRole('region', { name: 'RayCluster YAML' }, { timeout: 8000 });
    expect(yaml).toHaveTextContent('kind: RayCluster');
    expect(yaml).toHaveTextContent('groupName: gpu');
    expect(yaml).not.toHaveTextContent('managedFields');
  });

  it('shows endpoints with copy buttons and opens the dashboard through the proxy', async () => {
    renderWithPortal('/clusters/team-a/train', { handler: server({ detail: detail() }) });
    const endpoints = await screen.findByRole('region', { name: 'Endpoints' });
    expect(
      within(endpoints).getByText(
        `${window.location.origin}/api/v1/clusters/team-a/train/dashboard/`,
      ),
    ).toBeVisible();
    expect(
      within(endpoints).getByText('ray://train-head-svc.team-a.svc.cluster.local:10001'),
    ).toBeVisible();
    for (const label of [
      'Copy Dashboard URL',
      'Copy Ray client address',
      'Copy Jobs API address',
      'Copy Job submit command',
    ]) {
      expect(within(endpoints).getByRole('button', { name: label })).toBeVisible();
    }
    const open = screen.getByRole('link', { name: 'Open Ray dashboard' });
    expect(open).toHaveAttribute('href', '/api/v1/clusters/team-a/train/dashboard/');
    expect(open).toHaveAttribute('target', '_blank');
  });

  it('scales a worker group with the right request and shows the server field error inline', async () => {
    const state = { detail: detail() };
    const { requests } = renderWithPortal('/clusters/team-a/train', {
      handler: server(state, (request) => {
        if (request.method !== 'POST' || request.path !== `${clusterPath}/scale`) return undefined;
        const { replicas } = request.body as { replicas: number };
        if (replicas > 4) {
          return {
            status: 400,
            body: {
              error: {
                reason: 'ValidationFailed',
                message: 'request is invalid',
                fields: [
                  { path: 'body.replicas', message: 'at most maxReplicas (4)' },
                  { path: 'cluster.exposure', message: 'ClusterIP only (template a100-1)' },
                ],
              },
            },
          };
        }
        return { status: 204 };
      }),
    });
    const input = await screen.findByLabelText('Replicas of gpu');
    expect(input).toHaveValue('2');
    const user = userEvent.setup();

    await user.clear(input);
    await user.type(input, '9');
    await user.click(screen.getByRole('button', { name: 'Scale gpu' }));
    expect(
      await screen.findByText(
        'at most maxReplicas (4); exposure: ClusterIP only (template a100-1)',
      ),
    ).toBeVisible();
    expect(input).toHaveAttribute('aria-invalid', 'true');

    await user.clear(input);
    await user.type(input, '3');
    await user.click(screen.getByRole('button', { name: 'Scale gpu' }));
    expect(await screen.findByText('Asked for 3 workers')).toBeVisible();
    const scales = requests.filter((request) => request.path === `${clusterPath}/scale`);
    expect(scales.map((request) => request.body)).toEqual([
      { group: 'gpu', replicas: 9 },
      { group: 'gpu', replicas: 3 },
    ]);
    expect(screen.queryByText(/at most maxReplicas/)).toBeNull();
  });

  it('deletes only after confirmation, then returns to the list', async () => {
    const { requests, router } = renderWithPortal('/clusters/team-a/train', {
      handler: server({ detail: detail() }, (request) =>
        request.method === 'DELETE' && request.path === clusterPath ? { status: 204 } : undefined,
      ),
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Delete' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete team-a/train?' });
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(requests.some((request) => request.method === 'DELETE')).toBe(false);

    await user.click(screen.getByRole('button', { name: 'Delete' }));
    await user.click(await screen.findByRole('button', { name: 'Delete cluster' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/clusters'));
    expect(requests.filter((request) => request.method === 'DELETE')).toHaveLength(1);
    // The list page is rendered in a router transition: allow for a busy machine.
    expect(
      await screen.findByRole('heading', { level: 2, name: 'Clusters' }, { timeout: 5000 }),
    ).toBeVisible();
  });

  it('keeps the dialog open with the server message when the delete is refused', async () => {
    renderWithPortal('/clusters/team-a/train', {
      handler: server({ detail: detail() }, (request) =>
        request.method === 'DELETE'
          ? {
              status: 403,
              body: {
                error: { reason: 'Forbidden', message: 'you may not change clusters in team-a' },
              },
            }
          : undefined,
      ),
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Delete' }));
    await user.click(await screen.findByRole('button', { name: 'Delete cluster' }));
    const dialog = screen.getByRole('dialog');
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'you may not change clusters in team-a',
    );
  });

  it('suspends after confirmation', async () => {
    const { requests } = renderWithPortal('/clusters/team-a/train', {
      handler: server({ detail: detail() }, (request) =>
        request.method === 'POST' ? { status: 204 } : undefined,
      ),
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Suspend' }));
    await user.click(await screen.findByRole('button', { name: 'Suspend cluster' }));
    await waitFor(() =>
      expect(requests.some((request) => request.path === `${clusterPath}/suspend`)).toBe(true),
    );
  });

  it('follows the stream: its own cluster events and GPU inventory changes while pending', async () => {
    const state = { detail: detail() };
    const { requests } = renderWithPortal('/clusters/team-a/train', { handler: server(state) });
    await screen.findByTestId('cluster-phase');
    const stream = FakeEventSource.latest();
    const fetches = () => requests.filter(isDetail).length;
    const before = fetches();

    stream.emit('cluster', {
      type: 'upsert',
      summary: clusterSummary({ name: 'other-cluster', phase: 'Ready' }),
    });
    stream.emit('inventory', { changedAt: '2026-11-20T09:06:00Z' });
    await waitFor(() => expect(fetches()).toBe(before + 1));

    state.detail = detail({ summary: clusterSummary({ name: 'train', phase: 'Ready' }) });
    stream.emit('cluster', { type: 'upsert', summary: state.detail.summary });
    await waitFor(() => expect(screen.getByTestId('cluster-phase')).toHaveTextContent('Ready'));
    await waitFor(() => expect(fetches()).toBe(before + 2));
    expect(screen.queryByRole('region', { name: 'Why pending' })).toBeNull();
  });

  it('says clearly when the cluster is not found or not in your teams', async () => {
    renderWithPortal('/clusters/team-z/ghost', {
      handler: (request) =>
        request.path === '/api/v1/clusters/team-z/ghost'
          ? {
              status: 404,
              body: { error: { reason: 'NotFound', message: 'cluster "team-z/ghost" not found' } },
            }
          : undefined,
    });
    expect(await screen.findByRole('heading', { name: 'Cluster not found' })).toBeVisible();
    expect(screen.getByText(/not in your/)).toBeVisible();
    expect(screen.getByRole('link', { name: 'Back to clusters' })).toHaveAttribute(
      'href',
      '/clusters',
    );
  });
});
