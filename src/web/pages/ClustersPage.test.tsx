import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { ClusterSummary } from '../../shared/api/clusterSchemas.ts';
import {
  clusterPage,
  clusterSummary,
  FakeEventSource,
  type FakeRequest,
  renderWithPortal,
} from './clusters/renderWithPortal.tsx';

const listPath = '/api/v1/clusters';
const isList = (request: FakeRequest) => request.method === 'GET' && request.path === listPath;

/** A server that answers the list from `rows`, 500 a page, like the real cursor. */
function listServer(rows: () => ClusterSummary[]) {
  return (request: FakeRequest) => {
    if (!isList(request)) return undefined;
    const all = rows();
    const limit = Number(request.query.get('limit') ?? 50);
    const offset = Number(request.query.get('cursor') ?? 0);
    const next = offset + limit;
    return clusterPage(all.slice(offset, next), next < all.length ? String(next) : undefined);
  };
}

/** The names in the table's rows, top to bottom. */
function rowNames(): string[] {
  const table = screen.getByRole('table', { name: 'Clusters' });
  return within(table)
    .queryAllByRole('link')
    .map((link) => link.textContent ?? '');
}

function rowOf(name: string): HTMLElement {
  const row = screen.getByRole('link', { name }).closest('tr');
  if (!row) throw new Error(`no row for ${name}`);
  return row;
}

/** jsdom lays nothing out; give scroll containers a real viewport height for virtualisation. */
const viewportHeight = 600;
let restoreClientHeight: () => void = () => undefined;
beforeEach(() => {
  FakeEventSource.instances = [];
  const descriptor = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight');
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
    configurable: true,
    get(this: HTMLElement) {
      return this.dataset['testid'] === 'cluster-table-scroll' ? viewportHeight : 0;
    },
  });
  restoreClientHeight = () => {
    if (descriptor) Object.defineProperty(HTMLElement.prototype, 'clientHeight', descriptor);
  };
});
afterEach(() => restoreClientHeight());

describe('ClustersPage', { timeout: 20_000 }, () => {
  it('walks the cursor 500 rows a page and shows every column', async () => {
    const rows = [
      clusterSummary({
        name: 'train-a100',
        namespace: 'team-b',
        owner: 'bob',
        template: 'a100-1',
        phase: 'Pending',
        workers: { ready: 0, desired: 2 },
        gpus: { count: 2, products: ['NVIDIA-A100-SXM4-80GB'] },
      }),
      ...Array.from({ length: 501 }, (_, index) =>
        clusterSummary({ name: `c-${index}`, createdAt: '2026-11-01T00:00:00Z' }),
      ),
    ];
    const { requests } = renderWithPortal('/clusters', { handler: listServer(() => rows) });

    const link = await screen.findByRole('link', { name: 'train-a100' });
    expect(link).toHaveAttribute('href', '/clusters/team-b/train-a100');
    const cells = within(rowOf('train-a100'))
      .getAllByRole('cell')
      .map((cell) => cell.textContent);
    expect(cells).toEqual([
      'train-a100',
      'Pending',
      'team-b',
      'bob',
      'a100-1',
      '0/2',
      '2 × NVIDIA A100',
      expect.stringMatching(/^\d+d$/),
    ]);
    const pages = requests.filter(isList);
    expect(pages.map((request) => request.query.get('limit'))).toEqual(['500', '500']);
    expect(pages[1]?.query.get('cursor')).toBe('500');
    expect(screen.getByText('502 clusters, updated live')).toBeVisible();
    expect(screen.getByRole('link', { name: 'New cluster' })).toHaveAttribute(
      'href',
      '/clusters/new',
    );
  });

  it('applies stream upserts and deletes to the rows without asking the server again', async () => {
    const rows = [clusterSummary({ name: 'alpha', phase: 'Pending' })];
    const { requests } = renderWithPortal('/clusters', { handler: listServer(() => rows) });
    await screen.findByRole('link', { name: 'alpha' });
    const loads = requests.filter(isList).length;
    const stream = FakeEventSource.latest();

    stream.emit('cluster', {
      type: 'upsert',
      summary: clusterSummary({ name: 'alpha', phase: 'Ready', resourceVersion: '2' }),
    });
    await waitFor(() => expect(within(rowOf('alpha')).getByText('Ready')).toBeVisible());

    stream.emit('cluster', {
      type: 'upsert',
      summary: clusterSummary({ name: 'beta', createdAt: '2026-11-28T00:00:00Z' }),
    });
    await waitFor(() => expect(rowNames()).toEqual(['beta', 'alpha']));

    stream.emit('cluster', { type: 'delete', summary: clusterSummary({ name: 'alpha' }) });
    await waitFor(() => expect(rowNames()).toEqual(['beta']));
    expect(requests.filter(isList)).toHaveLength(loads);
  });

  it('refetches once when the stream says hello again after a reconnect', async () => {
    let rows = [clusterSummary({ name: 'alpha' })];
    const { requests } = renderWithPortal('/clusters', { handler: listServer(() => rows) });
    await screen.findByRole('link', { name: 'alpha' });
    const loads = requests.filter(isList).length;

    rows = [...rows, clusterSummary({ name: 'missed-while-away' })];
    FakeEventSource.latest().emit('hello', { connectedAt: '2026-11-28T00:00:00Z' });
    expect(await screen.findByRole('link', { name: 'missed-while-away' })).toBeVisible();
    expect(requests.filter(isList)).toHaveLength(loads + 1);
  });

  it('keeps a change that arrives while the list is still loading', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    renderWithPortal('/clusters', {
      handler: async (request) => {
        if (!isList(request)) return undefined;
        await gate;
        return clusterPage([clusterSummary({ name: 'old' })]);
      },
    });
    expect(await screen.findAllByTestId('skeleton-row')).not.toHaveLength(0);
    await waitFor(() => expect(FakeEventSource.instances).not.toHaveLength(0));
    FakeEventSource.latest().emit('cluster', {
      type: 'upsert',
      summary: clusterSummary({ name: 'born-during-load', createdAt: '2026-11-28T00:00:00Z' }),
    });
    release();
    expect(await screen.findByRole('link', { name: 'born-during-load' })).toBeVisible();
    expect(rowNames()).toEqual(['born-during-load', 'old']);
  });

  it('filters by team, phase and GPU type, and searches as you type', async () => {
    const rows = [
      clusterSummary({ name: 'a-ready', namespace: 'team-a' }),
      clusterSummary({ name: 'a-pending', namespace: 'team-a', phase: 'Pending' }),
      clusterSummary({
        name: 'b-a100',
        namespace: 'team-b',
        owner: 'bob',
        gpus: { count: 1, products: ['NVIDIA-A100-SXM4-80GB'] },
      }),
    ];
    renderWithPortal('/clusters', { handler: listServer(() => rows) });
    await screen.findByRole('link', { name: 'a-ready' });
    const user = userEvent.setup();

    const teamFilter = screen.getByLabelText('Filter by team');
    expect(
      within(teamFilter)
        .getAllByRole('option')
        .map((option) => option.textContent),
    ).toEqual(['All teams', 'team-a', 'team-b']);
    await user.selectOptions(teamFilter, 'team-a');
    expect(rowNames().sort()).toEqual(['a-pending', 'a-ready']);

    await user.selectOptions(screen.getByLabelText('Filter by phase'), 'Pending');
    expect(rowNames()).toEqual(['a-pending']);
    expect(screen.getByText('1 of 3 clusters')).toBeVisible();

    await user.selectOptions(teamFilter, '');
    await user.selectOptions(screen.getByLabelText('Filter by phase'), '');
    await user.selectOptions(screen.getByLabelText('Filter by GPU type'), 'NVIDIA A100');
    expect(rowNames()).toEqual(['b-a100']);
    await user.selectOptions(screen.getByLabelText('Filter by GPU type'), '');

    await user.type(screen.getByLabelText('Search clusters'), 'BOB');
    await waitFor(() => expect(rowNames()).toEqual(['b-a100']));

    await user.clear(screen.getByLabelText('Search clusters'));
    await user.type(screen.getByLabelText('Search clusters'), 'nothing-like-this');
    expect(await screen.findByRole('heading', { name: 'No clusters match' })).toBeVisible();
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(rowNames()).toHaveLength(3));
  });

  it('sorts by a column header, from the keyboard too', async () => {
    const rows = [
      clusterSummary({ name: 'b', createdAt: '2026-11-03T00:00:00Z' }),
      clusterSummary({ name: 'c', createdAt: '2026-11-01T00:00:00Z' }),
      clusterSummary({ name: 'a', createdAt: '2026-11-02T00:00:00Z' }),
    ];
    renderWithPortal('/clusters', { handler: listServer(() => rows) });
    await screen.findByRole('link', { name: 'a' });
    expect(rowNames()).toEqual(['b', 'a', 'c']);

    const user = userEvent.setup();
    const nameHeader = screen.getByRole('button', { name: 'Name' });
    nameHeader.focus();
    await user.keyboard('{Enter}');
    expect(rowNames()).toEqual(['a', 'b', 'c']);
    expect(nameHeader.closest('th')).toHaveAttribute('aria-sort', 'ascending');
    await user.keyboard(' ');
    expect(rowNames()).toEqual(['c', 'b', 'a']);
    expect(nameHeader.closest('th')).toHaveAttribute('aria-sort', 'descending');
  });

  it('renders only a window of 10,000 rows and follows the scroll position', async () => {
    const rows = Array.from({ length: 10_000 }, (_, index) =>
      clusterSummary({
        name: `c-${String(index).padStart(5, '0')}`,
        createdAt: new Date(Date.UTC(2026, 0, 1) - index * 60_000).toISOString(),
      }),
    );
    const { requests } = renderWithPortal('/clusters', { handler: listServer(() => rows) });
    await screen.findByRole('link', { name: 'c-00000' });
    expect(requests.filter(isList)).toHaveLength(20);

    const table = screen.getByRole('table', { name: 'Clusters' });
    expect(table).toHaveAttribute('aria-rowcount', '10001');
    const rendered = rowNames();
    expect(rendered.length).toBeGreaterThan(viewportHeight / 48);
    expect(rendered.length).toBeLessThan(60);

    const scroller = screen.getByTestId('cluster-table-scroll');
    scroller.scrollTop = 48 * 5000;
    scroller.dispatchEvent(new Event('scroll'));
    await waitFor(() => expect(rowNames()).toContain('c-05005'));
    expect(rowNames()).not.toContain('c-00000');
    expect(rowNames().length).toBeLessThan(60);
  });

  it('teaches when there are no clusters, with the sandbox hint on the sandbox', async () => {
    renderWithPortal('/clusters', {
      handler: (request) => (isList(request) ? clusterPage([]) : undefined),
      sandbox: true,
    });
    expect(await screen.findByRole('heading', { name: 'No clusters yet' })).toBeVisible();
    expect(
      await screen.findByText(
        'This is the built-in sandbox cluster: try creating a 1-GPU cluster from the rtx4090-1 template',
      ),
    ).toBeVisible();
    const links = screen.getAllByRole('link', { name: 'New cluster' });
    expect(links).toHaveLength(1);
    await userEvent.click(links[0] as HTMLElement);
    expect(await screen.findByRole('heading', { name: 'New cluster page' })).toBeVisible();
  });

  it('shows no sandbox hint on a real cluster', async () => {
    const { requests } = renderWithPortal('/clusters', {
      handler: (request) => (isList(request) ? clusterPage([]) : undefined),
    });
    expect(await screen.findByRole('heading', { name: 'No clusters yet' })).toBeVisible();
    await waitFor(() =>
      expect(requests.some((request) => request.path === '/api/v1/about')).toBe(true),
    );
    expect(screen.queryByText(/built-in sandbox/)).toBeNull();
  });

  it('shows the server error message as the server worded it', async () => {
    renderWithPortal('/clusters', {
      handler: (request) =>
        isList(request)
          ? {
              status: 503,
              body: {
                error: { reason: 'Unavailable', message: 'cluster cache is not synced yet' },
              },
            }
          : undefined,
    });
    expect(await screen.findByRole('alert')).toHaveTextContent('cluster cache is not synced yet');
    expect(screen.getByRole('heading', { level: 2, name: 'Clusters' })).toBeVisible();
  });
});
