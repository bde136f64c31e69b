import { screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';

import type { ClusterDetail } from '../../shared/api/clusterSchemas.ts';
import {
  kubeRayApiServerUnavailableReason,
  notAvailableThroughKubeRayApiServer,
} from '../../shared/api/notAvailableThroughKubeRayApiServer.ts';
import type { Template } from '../../shared/api/templateSchemas.ts';
import type { RayClusterResource } from '../../shared/ray/rayTypes.ts';
import { AboutPage } from '../pages/AboutPage.tsx';
import {
  clusterPage,
  clusterSummary,
  renderWithPortal,
} from '../pages/clusters/renderWithPortal.tsx';
import { CreateClusterPage } from '../pages/CreateClusterPage.tsx';
import { FakeEventSource, fakePortal, renderPortalPage } from '../pages/gpus/renderPortalPage.tsx';
import { GpusPage } from '../pages/GpusPage.tsx';
import { AppFrame } from './AppFrame.tsx';

// The portal run with --apiserver-url: what needs pods, nodes or quotas says so plainly.
const inventorySentence = notAvailableThroughKubeRayApiServer('The GPU inventory');
const aboutSentence = notAvailableThroughKubeRayApiServer(
  'What needs pods, nodes or quotas (GPU inventory, fit now, why pending)',
);

afterEach(() => {
  FakeEventSource.open.clear();
  localStorage.clear();
});

/** `GET /api/v1/about` of a portal run with `--apiserver-url`. */
const aboutThroughApiServer = {
  version: '0.1.0',
  node: 'v20',
  connection: {
    source: 'apiserver-v2',
    server: 'http://127.0.0.1:31888',
    context: 'kuberay-apiserver',
    sandbox: false,
    unavailable: { reason: aboutSentence },
  },
  informers: [],
  clusters: 0,
};

/** A 409 `NotAvailableThroughKubeRayApiServer` answer with `message`. */
const notAvailable = (message: string) => ({
  status: 409,
  body: {
    error: { status: 409, reason: kubeRayApiServerUnavailableReason, message, requestId: 'r1' },
  },
});

describe('not available through the KubeRay APIServer', () => {
  it('the GPUs page shows the sentence as a notice, not as a failure', async () => {
    const portal = fakePortal({
      'GET /api/v1/gpus': () => notAvailable(inventorySentence),
      // The team quota meters meet the same wall (QuotaService answers 409 the same way).
      'GET /api/v1/teams/team-a/quota': () => notAvailable('Team quotas are not available'),
    });
    renderPortalPage({
      path: '/gpus',
      routes: [{ path: '/gpus', element: <GpusPage /> }],
      fetch: portal.fetch,
    });
    const notice = await screen.findByRole('region', {
      name: 'Not available through the KubeRay APIServer',
    });
    expect(within(notice).getByText(inventorySentence)).toBeVisible();
    expect(screen.queryByText('Could not load the GPU inventory')).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('the why-pending card of a pending cluster shows the sentence instead of causes', async () => {
    const resource: RayClusterResource = {
      apiVersion: 'ray.io/v1',
      kind: 'RayCluster',
      metadata: { name: 'train', namespace: 'team-a', uid: 'u1' },
      spec: { headGroupSpec: { rayStartParams: {}, template: { spec: { containers: [] } } } },
    };
    const detail: ClusterDetail = {
      summary: clusterSummary({ name: 'train', phase: 'Pending', reason: 'Waiting for pods.' }),
      resource,
      explanation: [],
      pods: [],
      events: [],
      endpoints: {
        dashboardUrl: '/api/v1/clusters/team-a/train/dashboard/',
        proxyPath: '/api/v1/clusters/team-a/train/dashboard/',
        clientAddress: 'ray://train-head-svc.team-a.svc.cluster.local:10001',
        jobsApiAddress: 'http://train-head-svc.team-a.svc.cluster.local:8265',
        jobSubmitExample: 'ray job submit -- python x.py',
      },
    };
    renderWithPortal('/clusters/team-a/train', {
      handler: (request) => {
        if (request.path === '/api/v1/clusters/team-a/train') return { body: detail };
        if (request.path === '/api/v1/clusters') return clusterPage([]);
        if (request.path === '/api/v1/about') {
          return {
            body: {
              version: '0.1.0',
              node: 'v20',
              connection: {
                source: 'apiserver-v2',
                server: 'http://127.0.0.1:31888',
                context: 'kuberay-apiserver',
                sandbox: false,
                unavailable: { reason: aboutSentence },
              },
              informers: [],
              clusters: 1,
            },
          };
        }
        return undefined;
      },
    });
    const card = await screen.findByRole('region', { name: 'Why pending' });
    expect(within(card).getByText(aboutSentence)).toBeVisible();
  });

  it('the wizard template cards say that fit-now is not available', async () => {
    localStorage.setItem('raydeck.team', 'team-a');
    const fitSentence = notAvailableThroughKubeRayApiServer('Whether a template fits now');
    const template: Template = {
      name: 'a100-1',
      namespace: 'raydeck',
      description: 'KubeRay APIServer compute template',
      head: { cpu: 8, memory: '64Gi' },
      worker: { cpu: 8, memory: '64Gi', gpu: 1, gpuResource: 'nvidia.com/gpu' },
      tolerations: [],
      allowedRayVersions: ['2.52.0'],
      allowedImages: [],
      allowedExposure: ['ClusterIP'],
      maxWorkers: 4,
      defaultWorkers: 1,
      defaultIdleTimeoutSeconds: 3600,
      version: 1,
      retired: false,
      origin: 'kuberay-apiserver',
    };
    const portal = fakePortal({
      'GET /api/v1/templates': () => ({ body: { items: [template] } }),
      'GET /api/v1/templates/availability': () => notAvailable(fitSentence),
    });
    renderPortalPage({
      path: '/clusters/new',
      routes: [{ path: '/clusters/new', element: <CreateClusterPage /> }],
      fetch: portal.fetch,
    });
    const card = await screen.findByRole('radio', { name: 'a100-1' }, { timeout: 10_000 });
    expect(await within(card).findByText(fitSentence, {}, { timeout: 5_000 })).toBeVisible();
  });

  it('the header badge says the cluster is reached through the KubeRay APIServer', async () => {
    const portal = fakePortal({ 'GET /api/v1/about': () => ({ body: aboutThroughApiServer }) });
    renderPortalPage({
      path: '/gpus',
      routes: [{ element: <AppFrame />, children: [{ path: '/gpus', element: <p>page</p> }] }],
      fetch: portal.fetch,
    });
    const badge = await screen.findByRole('link', {
      name: 'Cluster: KubeRay APIServer http://127.0.0.1:31888',
    });
    expect(badge).toHaveTextContent('KubeRay APIServer');
  });

  it('the About page names the KubeRay APIServer and what it cannot show', async () => {
    const portal = fakePortal({ 'GET /api/v1/about': () => ({ body: aboutThroughApiServer }) });
    renderPortalPage({
      path: '/about',
      routes: [{ path: '/about', element: <AboutPage /> }],
      fetch: portal.fetch,
    });
    const notice = await screen.findByRole('region', {
      name: 'Connected through the KubeRay APIServer',
    });
    expect(within(notice).getByText(aboutSentence)).toBeVisible();
    expect(screen.getByText('KubeRay APIServer v2')).toBeVisible();
  });
});
