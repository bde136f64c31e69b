import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { ClusterSummary } from '../../shared/api/clusterSchemas.ts';
import { clusterPhases } from '../../shared/ray/clusterPhase.ts';
import { TeamSwitcher } from '../components/TeamSwitcher.tsx';
import { clusterListPageSize } from '../hooks/useClusterList.ts';
import {
  clusterPage,
  clusterSummary,
  FakeEventSource,
  type FakeRequest,
  renderWithPortal,
} from './clusters/renderWithPortal.tsx';

const listPath = '/api/v1/clusters';
const isList = (request: FakeRequest) => request.method === 'GET' && request.path === listPath;

/**
 * A stand-in for the list server: filters by the query's team, phase, GPU type and text, sorts
 * by name when asked (else keeps the given order, newest first) and pages by offset cursor.
 */
function listServer(rows: () => ClusterSummary[]) {
  return (request: FakeRequest) => {
    if (!isList(request)) return undefined;
    const query = request.query;
    const text = query.get('q')?.toLowerCase();
    let all = rows().filter(
      (row) =>
        (!query.get('team') || row.namespace === query.get('team')) &&
        (!query.get('phase') || row.phase === query.get('phase')) &&
        (!query.get('gpuType') || row.gpus.products.includes(query.get('gpuType') ?? '')) &&
        (!text || `${row.name} ${row.namespace} ${row.owner ?? ''}`.toLowerCase().includes(text)),
    );
    if (query.get('sort') === 'name') {
      all = [...all].sort((left, right) => left.name.localeCompare(right.name));
      if (query.get('order') === 'desc') all.reverse();
    }
    const limit = Number(query.get('limit') ?? 50);
    const offset = Number(query.get('cursor') ?? 0);
    const next = offset + limit;
    return {
      body: {
        items: all.slice(offset, next),
        total: all.length,
        ...(next < all.length ? { nextCursor: String(next) } : {}),
      },
    };
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
  it('asks the server for one page and shows every column', async () => {
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
    expect(pages).toHaveLength(1);
    expect(pages[0]?.query.get('limit')).toBe(String(clusterListPageSize));
    expect(pages[0]?.query.get('sort')).toBeNull();
    expect(screen.getByText('502 clusters, updated live')).toBeVisible();
    expect(screen.getByRole('table', { name: 'Clusters' })).toHaveAttribute('aria-rowcount', '503');
    expect(screen.getByRole('link', { name: 'New cluster' })).toHaveAttribute(
      'href',
      '/clusters/new',
    );
  });

  it('patches shown rows from the stream by resourceVersion and asks the server about others', async () => {
    let rows = [clusterSummary({ name: 'alpha', phase: 'Pending', resourceVersion: '5' })];
    const { requests } = renderWithPortal('/clusters', { handler: listServer(() => rows) });
    await screen.findByRole('link', { name: 'alpha' });
    const loads = requests.filter(isList).length;
    const stream = FakeEventSource.latest();

    stream.emit('cluster', {
      type: 'upsert',
      summary: clusterSummary({ name: 'alpha', phase: 'Ready', resourceVersion: '7' }),
    });
    await waitFor(() => expect(within(rowOf('alpha')).getByText('Ready')).toBeVisible());
    // A late, older version never undoes a newer one.
    stream.emit('cluster', {
      type: 'upsert',
      summary: clusterSummary({ name: 'alpha', phase: 'Provisioning', resourceVersion: '6' }),
    });
    expect(within(rowOf('alpha')).getByText('Ready')).toBeVisible();
    expect(requests.filter(isList)).toHaveLength(loads);

    // A row not shown: where it belongs is the server's to say.
    const beta = clusterSummary({ name: 'beta', createdAt: '2026-11-28T00:00:00Z' });
    rows = [beta, ...rows];
    stream.emit('cluster', { type: 'upsert', summary: beta });
    await waitFor(() => expect(rowNames()).toEqual(['beta', 'alpha']));
    expect(requests.filter(isList)).toHaveLength(loads + 1);

    stream.emit('cluster', {
      type: 'delete',
      summary: clusterSummary({ name: 'alpha', resourceVersion: '8' }),
    });
    await waitFor(() => expect(rowNames()).toEqual(['beta']));
    expect(requests.filter(isList)).toHaveLength(loads + 1);
  });

  it('says suspended in the workers column of a suspended cluster, not 0/0', async () => {
    const rows = [
      clusterSummary({ name: 'parked', phase: 'Suspended', workers: { ready: 0, desired: 0 } }),
    ];
    renderWithPortal('/clusters', { handler: listServer(() => rows) });
    await screen.findByRole('link', { name: 'parked' });
    const cells = within(rowOf('parked'))
      .getAllByRole('cell')
      .map((cell) => cell.textContent);
    expect(cells[5]).toBe('suspended');
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

  it('keeps a change that arrives while a page is on its way', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    renderWithPortal('/clusters', {
      handler: async (request) => {
        if (!isList(request)) return undefined;
        await gate;
        return clusterPage([
          clusterSummary({ name: 'old', phase: 'Pending', resourceVersion: '3' }),
        ]);
      },
    });
    expect(await screen.findAllByTestId('skeleton-row')).not.toHaveLength(0);
    await waitFor(() => expect(FakeEventSource.instances).not.toHaveLength(0));
    FakeEventSource.latest().emit('cluster', {
      type: 'upsert',
      summary: clusterSummary({ name: 'old', phase: 'Ready', resourceVersion: '4' }),
    });
    release();
    expect(await screen.findByRole('link', { name: 'old' })).toBeVisible();
    expect(within(rowOf('old')).getByText('Ready')).toBeVisible();
  });

  it('asks the server to filter by team, phase and GPU type and to search', async () => {
    const rows = [
      clusterSummary({ name: 'a-ready', namespace: 'team-a' }),
      clusterSummary({ name: 'a-scaling', namespace: 'team-a', phase: 'Scaling' }),
      clusterSummary({
        name: 'b-a100',
        namespace: 'team-b',
        owner: 'bob',
        gpus: { count: 1, products: ['NVIDIA-A100-SXM4-80GB'] },
      }),
    ];
    const { requests } = renderWithPortal('/clusters', { handler: listServer(() => rows) });
    await screen.findByRole('link', { name: 'a-ready' });
    const user = userEvent.setup();
    const lastQuery = () => requests.filter(isList).at(-1)?.query;

    const teamFilter = screen.getByLabelText('Filter by team');
    expect(
      within(teamFilter)
        .getAllByRole('option')
        .map((option) => option.textContent),
    ).toEqual(['All teams', 'team-a', 'team-b']);
    expect(
      within(screen.getByLabelText('Filter by phase'))
        .getAllByRole('option')
        .map((option) => option.textContent),
    ).toEqual(['All phases', ...clusterPhases]);
    await user.selectOptions(teamFilter, 'team-a');
    await waitFor(() => expect(rowNames()).toEqual(['a-ready', 'a-scaling']));
    expect(lastQuery()?.get('team')).toBe('team-a');

    await user.selectOptions(screen.getByLabelText('Filter by phase'), 'Scaling');
    await waitFor(() => expect(rowNames()).toEqual(['a-scaling']));
    expect(lastQuery()?.get('phase')).toBe('Scaling');
    expect(screen.getByText('1 matching cluster')).toBeVisible();

    await user.selectOptions(teamFilter, '');
    await user.selectOptions(screen.getByLabelText('Filter by phase'), '');
    await user.type(screen.getByLabelText('Search clusters'), 'BOB');
    await waitFor(() => expect(rowNames()).toEqual(['b-a100']), { timeout: 5000 });
    expect(lastQuery()?.get('q')).toBe('BOB');

    await user.clear(screen.getByLabelText('Search clusters'));
    await user.type(screen.getByLabelText('Search clusters'), 'nothing-like-this');
    // Typing, the search debounce and a server round trip: allow for a busy machine.
    expect(
      await screen.findByRole('heading', { name: 'No clusters match' }, { timeout: 5000 }),
    ).toBeVisible();
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(rowNames()).toHaveLength(3));
  });

  it('filters by the team chosen in the header', async () => {
    const rows = [
      clusterSummary({ name: 'a-one', namespace: 'team-a' }),
      clusterSummary({ name: 'b-one', namespace: 'team-b' }),
    ];
    const { requests } = renderWithPortal('/clusters', {
      handler: listServer(() => rows),
      header: <TeamSwitcher />,
    });
    await screen.findByRole('link', { name: 'b-one' });
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Team' }), 'team-b');
    await waitFor(() => expect(rowNames()).toEqual(['b-one']));
    expect(requests.filter(isList).at(-1)?.query.get('team')).toBe('team-b');
    expect(screen.getByLabelText('Filter by team')).toHaveValue('team-b');
  });

  it('asks the server to sort by a column header, from the keyboard too', async () => {
    const rows = [
      clusterSummary({ name: 'b', createdAt: '2026-11-03T00:00:00Z' }),
      clusterSummary({ name: 'a', createdAt: '2026-11-02T00:00:00Z' }),
      clusterSummary({ name: 'c', createdAt: '2026-11-01T00:00:00Z' }),
    ];
    const { requests } = renderWithPortal('/clusters', { handler: listServer(() => rows) });
    await screen.findByRole('link', { name: 'a' });
    expect(rowNames()).toEqual(['b', 'a', 'c']);

    const user = userEvent.setup();
    const nameHeader = screen.getByRole('button', { name: 'Name' });
    nameHeader.focus();
    await user.keyboard('{Enter}');
    await waitFor(() => expect(rowNames()).toEqual(['a', 'b', 'c']));
    expect(requests.filter(isList).at(-1)?.query.get('sort')).toBe('name');
    expect(nameHeader.closest('th')).toHaveAttribute('aria-sort', 'ascending');
    await user.keyboard(' ');
    await waitFor(() => expect(rowNames()).toEqual(['c', 'b', 'a']));
    expect(requests.filter(isList).at(-1)?.query.get('order')).toBe('desc');
    expect(nameHeader.closest('th')).toHaveAttribute('aria-sort', 'descending');
  });

  it('renders only a window of 10,000 rows and loads the next page near the end', async () => {
    const rows = Array.from({ length: 10_000 }, (_, index) =>
      clusterSummary({
        name: `c-${String(index).padStart(5, '0')}`,
        createdAt: new Date(Date.UTC(2026, 0, 1) - index * 60_000).toISOString(),
      }),
    );
    const { requests } = renderWithPortal('/clusters', { handler: listServer(() => rows) });
    await screen.findByRole('link', { name: 'c-00000' });
    expect(requests.filter(isList)).toHaveLength(1);

    const table = screen.getByRole('table', { name: 'Clusters' });
    expect(table).toHaveAttribute('aria-rowcount', '10001');
    const rendered = rowNames();
    expect(rendered.length).toBeGreaterThan(viewportHeight / 48);
    expect(rendered.length).toBeLessThan(60);

    const scroller = screen.getByTestId('cluster-table-scroll');
    scroller.scrollTop = 48 * (clusterListPageSize - 10);
    scroller.dispatchEvent(new Event('scroll'));
    await waitFor(() => expect(requests.filter(isList)).toHaveLength(2));
    expect(requests.filter(isList)[1]?.query.get('cursor')).toBe(String(clusterListPageSize));
    await waitFor(() => expect(rowNames()).toContain('c-00095'));
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
