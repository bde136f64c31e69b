import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { createMemoryRouter, RouterProvider } from 'react-router-dom';

import type { CurrentUser } from '../../../shared/api/authSchemas.ts';
import type { ClusterSummary } from '../../../shared/api/clusterSchemas.ts';
import type { StreamEventName, StreamEvents } from '../../../shared/api/streamSchemas.ts';
import { createApiClient } from '../../../shared/client/apiClient.ts';
import { SessionProvider } from '../../session/SessionProvider.tsx';
import { StreamProvider } from '../../stream/StreamProvider.tsx';
import { ClusterDetailPage } from '../ClusterDetailPage.tsx';
import { ClustersPage } from '../ClustersPage.tsx';

/**
 * Test support for the cluster pages (imported only by `*.test.tsx`): an in-memory
 * EventSource the tests push stream events through, a fake `fetch` that answers from a
 * handler and records every request, and a render of the pages inside the real session and
 * stream providers.
 */
export class FakeEventSource {
  static instances: FakeEventSource[] = [];
  readonly url: string;
  onopen: ((event: Event) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  closed = false;
  private readonly listeners = new Map<string, ((event: MessageEvent<string>) => void)[]>();

  constructor(url: string) {
    this.url = url;
    FakeEventSource.instances.push(this);
  }

  /** The source the page opened last. */
  static latest(): FakeEventSource {
    const source = FakeEventSource.instances.at(-1);
    if (!source) throw new Error('no EventSource was opened');
    return source;
  }

  addEventListener(name: string, listener: (event: MessageEvent<string>) => void): void {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener]);
  }

  close(): void {
    this.closed = true;
  }

  /** Delivers one event of any stream (e.g. a job's `log`), as its server would send it. */
  emitRaw(name: string, data: unknown): void {
    act(() => {
      const message = new MessageEvent<string>(name, { data: JSON.stringify(data) });
      for (const listener of this.listeners.get(name) ?? []) listener(message);
    });
  }

  /** Delivers one stream event, as the server would send it. */
  emit<K extends StreamEventName>(name: K, data: StreamEvents[K]): void {
    act(() => {
      const message = new MessageEvent<string>(name, { data: JSON.stringify(data) });
      for (const listener of this.listeners.get(name) ?? []) listener(message);
    });
  }
}

/** One request the page made. */
export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

/** An answer of the fake server: status (default 200) and JSON body. */
export interface FakeAnswer {
  status?: number;
  body?: unknown;
}

/** Answers a request, or returns undefined for the defaults (session, about) or a 404. */
export type FakeHandler = (
  request: FakeRequest,
) => FakeAnswer | undefined | Promise<FakeAnswer | undefined>;

/** A member of team-a and team-b, as `/api/v1/auth/me` answers by default. */
export const memberAlice: CurrentUser = {
  id: 'u-alice',
  username: 'alice',
  displayName: 'Alice',
  role: 'member',
  teams: ['team-a', 'team-b'],
  via: 'session',
};

/** Options of {@link renderWithPortal}. */
export interface PortalOptions {
  handler: FakeHandler;
  user?: CurrentUser;
  /** What `/api/v1/about` says about the sandbox. Default false. */
  sandbox?: boolean;
  /** Rendered above the page, as the app frame's header would be (e.g. the team switcher). */
  header?: ReactNode;
}

/** Renders the app's cluster routes at `path`; returns the recorded requests and the router. */
export function renderWithPortal(path: string, options: PortalOptions) {
  Object.assign(globalThis, { EventSource: FakeEventSource });
  const requests: FakeRequest[] = [];
  const user = options.user ?? memberAlice;
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
      (await options.handler(request)) ??
      (request.path === '/api/v1/auth/me'
        ? { body: { user, csrfToken: 'csrf-1' } }
        : request.path === '/api/v1/about'
          ? {
              body: {
                version: '0.1.0',
                node: 'v20',
                connection: {
                  source: 'sandbox',
                  server: 'http://127.0.0.1:1',
                  context: 'sandbox',
                  sandbox: options.sandbox ?? false,
                },
                informers: [],
                clusters: 0,
              },
            }
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
      {
        path: '/clusters',
        element: (
          <>
            {options.header}
            <ClustersPage />
          </>
        ),
      },
      { path: '/clusters/new', element: <h2>New cluster page</h2> },
      {
        path: '/clusters/:team/:name',
        element: (
          <>
            {options.header}
            <ClusterDetailPage />
          </>
        ),
      },
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
  return { ...view, requests, router, queryClient };
}

/** A cluster row with plausible defaults; override what a test is about. */
export function clusterSummary(
  overrides: Partial<ClusterSummary> & Pick<ClusterSummary, 'name'>,
): ClusterSummary {
  const namespace = overrides.namespace ?? 'team-a';
  return {
    namespace,
    uid: `uid-${namespace}-${overrides.name}`,
    origin: 'raydeck',
    owner: 'alice',
    template: 'rtx4090-1',
    phase: 'Ready',
    reason: '',
    workers: { ready: 1, desired: 1 },
    gpus: { count: 1, products: ['NVIDIA-GeForce-RTX-4090'] },
    createdAt: new Date(Date.now() - 3 * 86_400_000).toISOString(),
    resourceVersion: '1',
    ...overrides,
  };
}

/** A page of the list API holding `items`, with `nextCursor` when given. */
export function clusterPage(items: ClusterSummary[], nextCursor?: string): FakeAnswer {
  return { body: { items, total: items.length, ...(nextCursor ? { nextCursor } : {}) } };
}
