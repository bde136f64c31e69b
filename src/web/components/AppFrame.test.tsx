import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router-dom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { CurrentUser } from '../../shared/api/authSchemas.ts';
import { createApiClient } from '../../shared/client/apiClient.ts';
import { AppProviders } from '../AppProviders.tsx';
import { appRoutes } from '../AppRouter.tsx';
import {
  apiErrorResponse,
  fakeFetch,
  type FakeHandler,
  testUser,
} from '../pages/admin/renderWithFakeApi.tsx';

/** Renders the whole routed app at `path` against a fake server that knows `user`. */
function renderAt(
  path: string,
  {
    user = testUser(),
    handlers = {},
  }: { user?: CurrentUser | null; handlers?: Record<string, FakeHandler> } = {},
) {
  const fake = fakeFetch(
    {
      'GET /api/v1/templates': () => ({ items: [] }),
      'GET /api/v1/admin/teams': () => ({
        items: ['team-a', 'team-b', 'team-c'].map((name) => ({
          name,
          displayName: name,
          description: '',
          members: [],
          createdAt: '2026-01-01T00:00:00Z',
        })),
      }),
      'POST /api/v1/auth/logout': () => undefined,
      ...handlers,
    },
    user,
  );
  const router = createMemoryRouter(appRoutes, { initialEntries: [path] });
  render(
    <AppProviders client={createApiClient({ fetch: fake.fetch })}>
      <RouterProvider router={router} />
    </AppProviders>,
  );
  return { router, calls: fake.calls, user: userEvent.setup() };
}

const member = testUser({
  username: 'ana',
  displayName: 'Ana',
  role: 'member',
  teams: ['team-a', 'team-b'],
});

beforeEach(() => localStorage.clear());
afterEach(() => vi.restoreAllMocks());

describe('AppFrame', () => {
  it('lists every section for an admin and redirects / to Clusters', async () => {
    const { router } = renderAt('/');
    const navigation = await screen.findByRole('navigation', { name: 'Main navigation' });
    await waitFor(() => expect(router.state.location.pathname).toBe('/clusters'));
    const labels = within(navigation)
      .getAllByRole('link')
      .map((link) => link.textContent);
    expect(labels).toEqual(['Clusters', 'Jobs', 'Services', 'GPUs', 'Usage', 'Templates', 'Admin']);
    await waitFor(() =>
      expect(within(navigation).getByRole('link', { name: 'Clusters' })).toHaveAttribute(
        'aria-current',
        'page',
      ),
    );
  });

  it('hides the admin section from members', async () => {
    renderAt('/jobs', { user: member });
    const navigation = await screen.findByRole('navigation', { name: 'Main navigation' });
    expect(within(navigation).getByRole('link', { name: 'Templates' })).toBeVisible();
    expect(within(navigation).queryByRole('link', { name: 'Admin' })).not.toBeInTheDocument();
  });

  it('sends a signed-out visitor to the login page, remembering where they were going', async () => {
    const { router } = renderAt('/gpus', { user: null });
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeVisible();
    expect(`${router.state.location.pathname}${router.state.location.search}`).toBe(
      '/login?next=%2Fgpus',
    );
  });

  it('shows the server version it fetched', async () => {
    renderAt('/gpus');
    expect(await screen.findByTestId('server-version')).toHaveTextContent('v9.9.9');
  });

  it('says when the server version cannot be read', async () => {
    renderAt('/jobs', {
      handlers: { 'GET /api/v1/version': () => new Response('', { status: 502 }) },
    });
    expect(await screen.findByText('server unreachable', {}, { timeout: 5000 })).toBeVisible();
  });

  it('navigates between sections', async () => {
    const { user } = renderAt('/jobs');
    await user.click(await screen.findByRole('link', { name: 'Templates' }));
    expect(await screen.findByRole('heading', { level: 2, name: 'Templates' })).toBeVisible();
  });

  it('switches between the member’s teams and remembers the choice', async () => {
    const { user } = renderAt('/jobs', { user: member });
    const select = await screen.findByRole('combobox', { name: 'Team' });
    await waitFor(() => expect(select).toHaveValue('team-a'));
    expect(
      within(select)
        .getAllByRole('option')
        .map((option) => option.textContent),
    ).toEqual(['team-a', 'team-b']);
    await user.selectOptions(select, 'team-b');
    expect(select).toHaveValue('team-b');
    expect(localStorage.getItem('raydeck.team')).toBe('team-b');
  });

  it('lets an admin pick any team of the portal', async () => {
    const { user } = renderAt('/jobs', { user: testUser({ teams: [] }) });
    const select = await screen.findByRole('combobox', { name: 'Team' });
    await waitFor(() =>
      expect(
        within(select)
          .getAllByRole('option')
          .map((option) => option.textContent),
      ).toEqual(['team-a', 'team-b', 'team-c']),
    );
    await user.selectOptions(select, 'team-c');
    expect(select).toHaveValue('team-c');
  });

  it('points an admin of a portal without teams at where teams are made', async () => {
    renderAt('/jobs', {
      user: testUser({ teams: [] }),
      handlers: { 'GET /api/v1/admin/teams': () => ({ items: [] }) },
    });
    expect(await screen.findByRole('link', { name: 'Create a team' })).toHaveAttribute(
      'href',
      '/admin?tab=teams',
    );
    expect(screen.getByRole('combobox', { name: 'Team' })).toBeDisabled();
  });

  it('opens API tokens from the account menu', async () => {
    const { user, router } = renderAt('/jobs', {
      handlers: { 'GET /api/v1/tokens': () => ({ items: [] }) },
    });
    await user.click(await screen.findByRole('button', { name: 'Account' }));
    await user.click(await screen.findByRole('menuitem', { name: 'API tokens' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/tokens'));
  });

  it('signs out on the server, then shows the login page', async () => {
    const { user, calls, router } = renderAt('/jobs');
    await user.click(await screen.findByRole('button', { name: 'Account' }));
    expect(await screen.findByRole('menuitem', { name: 'About' })).toBeInTheDocument();
    await user.click(await screen.findByRole('menuitem', { name: 'Sign out' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/login'));
    expect(calls.find((call) => call.path === '/api/v1/auth/logout')?.method).toBe('POST');
  });

  it('keeps the user signed in and says so when signing out fails', async () => {
    const { user, router } = renderAt('/jobs', {
      handlers: {
        'POST /api/v1/auth/logout': () => apiErrorResponse(503, 'Unavailable', 'Store is busy.'),
      },
    });
    await user.click(await screen.findByRole('button', { name: 'Account' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Sign out' }));
    expect(await screen.findByText('Store is busy.')).toBeVisible();
    expect(router.state.location.pathname).toBe('/jobs');
  });

  it.each([
    { source: 'sandbox', sandbox: true, badge: 'Sandbox' },
    { source: 'in-cluster', sandbox: false, badge: 'Cluster: in-cluster https://10.43.0.1:443' },
  ])(
    'says in the header which cluster it manages ($source)',
    async ({ source, sandbox, badge }) => {
      renderAt('/jobs', {
        handlers: {
          'GET /api/v1/about': () => ({
            version: '0.1.0',
            node: 'v20.20.2',
            connection: { source, server: 'https://10.43.0.1:443', context: source, sandbox },
            informers: [],
            clusters: 0,
          }),
        },
      });
      const banner = await screen.findByRole('banner');
      expect(await within(banner).findByRole('link', { name: badge })).toHaveAttribute(
        'href',
        '/about',
      );
      // "Sandbox" only for the portal's own sandbox, never next to a real cluster.
      expect(within(banner).queryAllByRole('link', { name: /sandbox|in-cluster/i })).toHaveLength(
        1,
      );
    },
  );

  it('shows a not-found page for unknown paths', async () => {
    renderAt('/nowhere');
    expect(await screen.findByRole('heading', { name: 'Page not found' })).toBeVisible();
  });
});
