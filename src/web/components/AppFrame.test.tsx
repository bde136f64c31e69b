import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router-dom';
import { describe, expect, it } from 'vitest';

import { createApiClient } from '../../shared/client/apiClient.ts';
import { AppProviders } from '../AppProviders.tsx';
import { appRoutes } from '../AppRouter.tsx';
import { ApiClientContext } from '../hooks/useApiClient.ts';

function renderAt(path: string, fetchImpl: typeof fetch) {
  const router = createMemoryRouter(appRoutes, { initialEntries: [path] });
  return render(
    <AppProviders>
      <ApiClientContext.Provider value={createApiClient({ fetch: fetchImpl })}>
        <RouterProvider router={router} />
      </ApiClientContext.Provider>
    </AppProviders>,
  );
}

const versionFetch: typeof fetch = async () =>
  new Response(JSON.stringify({ version: '9.9.9', node: 'v20', apiVersion: 'v1' }), {
    status: 200,
  });

describe('AppFrame', () => {
  it('lists every section in the main navigation and redirects / to Clusters', async () => {
    renderAt('/', versionFetch);
    const navigation = screen.getByRole('navigation', { name: 'Main navigation' });
    const labels = within(navigation)
      .getAllByRole('link')
      .map((link) => link.textContent);
    expect(labels).toEqual(['Clusters', 'Jobs', 'Services', 'GPUs', 'Templates', 'Admin']);
    expect(await screen.findByRole('heading', { level: 2, name: 'Clusters' })).toBeVisible();
    expect(within(navigation).getByRole('link', { name: 'Clusters' })).toHaveAttribute(
      'aria-current',
      'page',
    );
  });

  it('shows the server version it fetched', async () => {
    renderAt('/gpus', versionFetch);
    expect(await screen.findByTestId('server-version')).toHaveTextContent('v9.9.9');
  });

  it('says when the server cannot be reached', async () => {
    const failingFetch: typeof fetch = async () => new Response('', { status: 502 });
    renderAt('/jobs', failingFetch);
    expect(await screen.findByText('server unreachable', {}, { timeout: 5000 })).toBeVisible();
  });

  it('navigates between sections', async () => {
    renderAt('/clusters', versionFetch);
    await userEvent.click(screen.getByRole('link', { name: 'Templates' }));
    expect(await screen.findByRole('heading', { level: 2, name: 'Templates' })).toBeVisible();
  });

  it('shows a not-found page for unknown paths', async () => {
    renderAt('/nowhere', versionFetch);
    expect(await screen.findByRole('heading', { name: 'Page not found' })).toBeVisible();
  });
});
