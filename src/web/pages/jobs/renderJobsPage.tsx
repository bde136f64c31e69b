import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { createMemoryRouter, RouterProvider } from 'react-router-dom';

import type { CurrentUser } from '../../../shared/api/authSchemas.ts';
import type { JobDetail, JobSummary } from '../../../shared/api/jobSchemas.ts';
import { createApiClient } from '../../../shared/client/apiClient.ts';
import { SessionProvider } from '../../session/SessionProvider.tsx';
import { StreamProvider } from '../../stream/StreamProvider.tsx';
import {
  FakeEventSource,
  type FakeHandler,
  type FakeRequest,
  memberAlice,
} from '../clusters/renderWithPortal.tsx';
import { JobDetailPage } from '../JobDetailPage.tsx';
import { JobsPage } from '../JobsPage.tsx';
import { SubmitJobPage } from '../SubmitJobPage.tsx';

/**
 * Test support for the jobs pages (imported only by `*.test.tsx`): renders `/jobs`, `/jobs/new`
 * and `/jobs/:team/:id` in the real session and stream providers, with a fake `fetch` that
 * answers from a handler and records every request (the same fakes as the cluster pages).
 */
export function renderJobsPage(
  path: string,
  handler: FakeHandler,
  user: CurrentUser = memberAlice,
) {
  Object.assign(globalThis, { EventSource: FakeEventSource });
  FakeEventSource.instances = [];
  const requests: FakeRequest[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const url = new URL(String(input), 'http://portal.test');
    const request: FakeRequest = {
      method: init?.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    requests.push(request);
    const answer =
      (await handler(request)) ??
      (request.path === '/api/v1/auth/me'
        ? { body: { user, csrfToken: 'csrf-1' } }
        : {
            status: 404,
            body: { error: { reason: 'NotFound', message: `no route ${request.path}` } },
          });
    const status = answer.status ?? 200;
    return new Response(
      status === 204 || answer.body === undefined ? null : JSON.stringify(answer.body),
      { status },
    );
  };
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const client = createApiClient({ fetch: fetchImpl });
  const router = createMemoryRouter(
    [
      { path: '/jobs', element: <JobsPage /> },
      { path: '/jobs/new', element: <SubmitJobPage /> },
      { path: '/jobs/:team/:id', element: <JobDetailPage /> },
    ],
    { initialEntries: [path] },
  );
  const wrap = (children: ReactNode) => (
    <MantineProvider>
      <QueryClientProvider client={queryClient}>
        <SessionProvider client={client}>
          <StreamProvider enabled>{children}</StreamProvider>
        </SessionProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
  const view = render(wrap(<RouterProvider router={router} />));
  return { ...view, requests, router };
}

/** The job stream the page opened (not the app stream). */
export function jobStream(): FakeEventSource {
  const source = [...FakeEventSource.instances]
    .reverse()
    .find((candidate) => candidate.url.includes('/stream') && candidate.url.includes('/jobs/'));
  if (!source) throw new Error('no job stream was opened');
  return source;
}

/** A job row with plausible defaults, dated against the tests' frozen clock. */
export function jobSummary(overrides: Partial<JobSummary> & Pick<JobSummary, 'id'>): JobSummary {
  const createdAt = new Date(Date.now() - 10 * 60_000).toISOString();
  return {
    team: 'team-a',
    kind: 'rayjob',
    cluster: `${overrides.id}-raycluster-abcde`,
    rayJobName: overrides.id,
    submissionId: `${overrides.id}-x7k2p`,
    owner: 'alice',
    origin: 'raydeck',
    entrypoint: 'python gpu_check.py',
    runtimeEnv: { pip: [], envVarNames: [], otherKeys: [] },
    status: { phase: 'Running', rayStatus: 'RUNNING', deploymentStatus: 'Running' },
    createdAt,
    startedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
    updatedAt: createdAt,
    gpus: 1,
    gpuSeconds: 300,
    log: { totalBytes: 0, storedFrom: 0 },
    clusterGone: false,
    ...overrides,
  };
}

/** A job detail around `summary`. */
export function jobDetail(summary: JobSummary, overrides: Partial<JobDetail> = {}): JobDetail {
  return {
    summary,
    timeline: [{ at: summary.createdAt, status: { phase: 'Waiting' } }],
    runtimeEnvJson: '{}',
    entrypointResources: {},
    metadata: {},
    ...overrides,
  };
}
