import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { AboutInfo } from '../../shared/api/aboutInfo.ts';
import { AboutPage } from './AboutPage.tsx';
import { apiErrorResponse, renderWithFakeApi } from './admin/renderWithFakeApi.tsx';

function about(sandbox: boolean): AboutInfo {
  return {
    version: '0.1.0',
    node: 'v20.20.2',
    connection: {
      source: sandbox ? 'sandbox' : 'kubeconfig',
      server: 'https://10.0.0.1:6443',
      context: sandbox ? '' : 'homelab',
      sandbox,
    },
    informers: [
      { name: 'rayclusters', synced: true, idleSeconds: 4, objects: 12 },
      {
        name: 'pods',
        synced: false,
        idleSeconds: -1,
        objects: 0,
        lastError: 'watch: 403 Forbidden',
      },
    ],
    clusters: 12,
  };
}

describe('AboutPage', () => {
  it('shows versions, the connection and each informer’s health', async () => {
    renderWithFakeApi(<AboutPage />, {
      path: '/about',
      handlers: { 'GET /api/v1/about': () => about(false) },
    });
    expect(await screen.findByText('v20.20.2')).toBeVisible();
    expect(screen.getByText('https://10.0.0.1:6443')).toBeVisible();
    expect(screen.getByText('homelab')).toBeVisible();
    expect(screen.queryByText('Sandbox cluster')).not.toBeInTheDocument();
    const table = screen.getByRole('table', { name: 'Informer health' });
    const pods = within(table).getByText('pods').closest('tr');
    expect(pods).toHaveTextContent('Not synced');
    expect(pods).toHaveTextContent('watch: 403 Forbidden');
    expect(within(table).getByText('rayclusters').closest('tr')).toHaveTextContent('4 s ago');
  });

  it('says clearly when the portal runs on the sandbox cluster', async () => {
    renderWithFakeApi(<AboutPage />, {
      path: '/about',
      handlers: { 'GET /api/v1/about': () => about(true) },
    });
    expect(await screen.findByText('Sandbox cluster')).toBeVisible();
    expect(screen.getByText('You are using the sandbox cluster')).toBeVisible();
  });

  it('shows a load failure inline', async () => {
    renderWithFakeApi(<AboutPage />, {
      path: '/about',
      handlers: {
        'GET /api/v1/about': () => apiErrorResponse(500, 'InternalError', 'Internal server error'),
      },
    });
    expect(await screen.findByText('Internal server error', {}, { timeout: 4000 })).toBeVisible();
  });
});
