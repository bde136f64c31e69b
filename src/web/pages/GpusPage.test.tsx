import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';

import type { GpuInventory } from '../../shared/ray/gpuInventory.ts';
import { FakeEventSource, fakePortal, renderPortalPage } from './gpus/renderPortalPage.tsx';
import { GpusPage } from './GpusPage.tsx';

const a100 = {
  resource: 'nvidia.com/gpu',
  product: 'NVIDIA-A100-SXM4-80GB',
  productName: 'NVIDIA A100',
};
const rtx = {
  resource: 'nvidia.com/gpu',
  product: 'NVIDIA-GeForce-RTX-4090',
  productName: 'NVIDIA GeForce RTX 4090',
};

function inventory(a100Held: number): GpuInventory {
  const holders =
    a100Held > 0
      ? [
          { namespace: 'team-a', cluster: 'train', pod: 'train-gpu-worker-x1', gpus: a100Held - 1 },
          { namespace: 'team-a', cluster: 'train', pod: 'train-gpu-worker-x2', gpus: 1 },
        ]
      : [];
  return {
    nodes: [
      {
        node: 'gpu-a100-1',
        ...a100,
        capacity: 4,
        allocatable: 4,
        requested: a100Held,
        free: 4 - a100Held,
        holders,
        schedulable: true,
        taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }],
      },
      {
        node: 'gpu-rtx-1',
        ...rtx,
        capacity: 2,
        allocatable: 2,
        requested: 1,
        free: 1,
        holders: [{ namespace: 'team-b', cluster: undefined, pod: 'notebook', gpus: 1 }],
        schedulable: false,
        taints: [],
      },
    ],
    products: [
      { ...a100, nodes: 1, capacity: 4, allocatable: 4, requested: a100Held, free: 4 - a100Held },
      { ...rtx, nodes: 1, capacity: 2, allocatable: 2, requested: 1, free: 1 },
    ],
    total: { capacity: 6, allocatable: 6, requested: a100Held + 1, free: 5 - a100Held },
  };
}

const routes = [
  { path: '/gpus', element: <GpusPage /> },
  { path: '/clusters/:team/:name', element: <p>cluster page</p> },
];

afterEach(() => FakeEventSource.open.clear());

describe('GpusPage', () => {
  it('shows used and free per node and product, who holds them, taints and scheduling', async () => {
    const portal = fakePortal({ 'GET /api/v1/gpus': () => ({ body: inventory(3) }) });
    renderPortalPage({ path: '/gpus', routes, fetch: portal.fetch });

    const nodeBar = await screen.findByRole('meter', { name: 'NVIDIA A100 on gpu-a100-1' });
    expect(nodeBar).toHaveAttribute('aria-valuenow', '1');
    expect(nodeBar).toHaveAttribute('aria-valuemax', '4');
    expect(nodeBar).toHaveAttribute('aria-valuetext', '1 of 4 free');
    expect(screen.getByRole('meter', { name: 'NVIDIA GeForce RTX 4090 in total' })).toHaveAttribute(
      'aria-valuetext',
      '1 of 2 free',
    );
    expect(screen.getByRole('img', { name: '4 of 6 GPUs in use, 2 free' })).toBeVisible();

    const a100Section = screen.getByRole('region', { name: 'NVIDIA A100' });
    const holders = within(a100Section).getByRole('list', { name: 'GPU holders on gpu-a100-1' });
    // One line per cluster: team, cluster link and its GPUs, then the pods holding them.
    expect(within(holders).getAllByRole('listitem')).toHaveLength(1);
    expect(within(holders).getByText('team-a')).toBeVisible();
    expect(within(holders).getByRole('link', { name: 'train' })).toHaveAttribute(
      'href',
      '/clusters/team-a/train',
    );
    expect(within(holders).getByText('train-gpu-worker-x1 ×2')).toBeVisible();
    expect(within(holders).getByText('train-gpu-worker-x2 ×1')).toBeVisible();
    expect(within(holders).getByText('3 GPUs')).toBeVisible();
    expect(within(a100Section).getByText('nvidia.com/gpu=present:NoSchedule')).toBeVisible();
    expect(within(a100Section).getByText('Schedulable')).toBeVisible();

    const rtxSection = screen.getByRole('region', { name: 'NVIDIA GeForce RTX 4090' });
    expect(within(rtxSection).getByText('Not schedulable')).toBeVisible();
    expect(within(rtxSection).getByText('not a Ray pod')).toBeVisible();
  });

  it('refetches when the live stream says the inventory changed', async () => {
    let held = 0;
    const portal = fakePortal({ 'GET /api/v1/gpus': () => ({ body: inventory(held) }) });
    renderPortalPage({ path: '/gpus', routes, fetch: portal.fetch });
    const bar = await screen.findByRole('meter', { name: 'NVIDIA A100 on gpu-a100-1' });
    expect(bar).toHaveAttribute('aria-valuetext', '4 of 4 free');

    held = 4;
    FakeEventSource.emit('inventory', { changedAt: new Date().toISOString() });
    await waitFor(() =>
      expect(screen.getByRole('meter', { name: 'NVIDIA A100 on gpu-a100-1' })).toHaveAttribute(
        'aria-valuetext',
        '0 of 4 free',
      ),
    );
    expect(portal.calls.filter((call) => call.url.pathname === '/api/v1/gpus')).toHaveLength(2);
  });

  it('explains which labels and resources it reads when the cluster has no GPUs', async () => {
    const empty: GpuInventory = {
      nodes: [],
      products: [],
      total: { capacity: 0, allocatable: 0, requested: 0, free: 0 },
    };
    const portal = fakePortal({ 'GET /api/v1/gpus': () => ({ body: empty }) });
    renderPortalPage({ path: '/gpus', routes, fetch: portal.fetch });
    expect(await screen.findByText('No GPUs in this cluster yet')).toBeVisible();
    expect(screen.getByText('nvidia.com/gpu.product')).toBeVisible();
    expect(screen.queryByRole('meter')).not.toBeInTheDocument();
  });

  it('shows the server message as it is when the inventory cannot load', async () => {
    const portal = fakePortal({
      'GET /api/v1/gpus': () => ({
        status: 503,
        body: {
          error: {
            status: 503,
            reason: 'ClusterUnavailable',
            message: 'Kubernetes API at https://10.0.0.1:6443 is unreachable',
            requestId: 'r1',
          },
        },
      }),
    });
    renderPortalPage({ path: '/gpus', routes, fetch: portal.fetch });
    expect(
      await screen.findByText(
        'Kubernetes API at https://10.0.0.1:6443 is unreachable',
        {},
        { timeout: 4000 },
      ),
    ).toBeVisible();
  });
});
