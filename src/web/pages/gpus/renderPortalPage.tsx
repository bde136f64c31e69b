import { render } from '@testing-library/react';
import { createMemoryRouter, Outlet, type RouteObject, RouterProvider } from 'react-router-dom';

import type { CurrentUser } from '../../../shared/api/authSchemas.ts';
import type { StreamEventName, StreamEvents } from '../../../shared/api/streamSchemas.ts';
import { createApiClient } from '../../../shared/client/apiClient.ts';
import { AppProviders } from '../../AppProviders.tsx';
import { SignedIn } from '../../components/SignedIn.tsx';
import { StreamProvider } from '../../stream/StreamProvider.tsx';

/** One request the fake portal saw. */
export interface FakeCall {
  method: string;
  url: URL;
  headers: Headers;
  body: unknown;
}

/** A fake portal answer: status (200 by default) and JSON body. */
export interface FakeAnswer {
  status?: number;
  body?: unknown;
}

/** Answers `METHOD /path` (path without the query); undefined falls through to 404. */
export type FakeHandler = (call: FakeCall) => FakeAnswer | Promise<FakeAnswer> | undefined;

/** A member of team-a and team-b, the user of page tests unless one is given. */
export const testUser: CurrentUser = {
  id: 'u1',
  username: 'alice',
  displayName: 'Alice',
  role: 'member',
  teams: ['team-a', 'team-b'],
  via: 'session',
};

/**
 * The Raydeck REST API as a `fetch` for component tests: `/api/v1/auth/me` answers `user`;
 * every other request goes to `handlers` by `"METHOD /path"` and is recorded in `calls`.
 */
export function fakePortal(
  handlers: Record<string, FakeHandler>,
  user: CurrentUser = testUser,
): { fetch: typeof fetch; calls: FakeCall[] } {
  const calls: FakeCall[] = [];
  const fetchImpl = async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input), 'http://portal.test');
    const method = init.method ?? 'GET';
    const text = typeof init.body === 'string' ? init.body : undefined;
    const call: FakeCall = {
      method,
      url,
      headers: new Headers(init.headers),
      body: text ? (JSON.parse(text) as unknown) : undefined,
    };
    const json = (answer: FakeAnswer) =>
      new Response(answer.body === undefined ? '' : JSON.stringify(answer.body), {
        status: answer.status ?? 200,
      });
    if (url.pathname === '/api/v1/auth/me') return json({ body: { user, csrfToken: 'csrf' } });
    calls.push(call);
    const answer = await handlers[`${method} ${url.pathname}`]?.(call);
    return json(
      answer ?? {
        status: 404,
        body: { error: { status: 404, reason: 'NotFound', message: 'no' } },
      },
    );
  };
  return { fetch: fetchImpl as typeof fetch, calls };
}

/**
 * A stand-in for the browser's EventSource that tests drive: install it on `globalThis`, then
 * `FakeEventSource.emit('inventory', …)` reaches every open source's listeners.
 */
export class FakeEventSource {
  static readonly open = new Set<FakeEventSource>();
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  private readonly listeners = new Map<string, ((message: MessageEvent<string>) => void)[]>();

  readonly url: string;

  constructor(url: string) {
    this.url = url;
    FakeEventSource.open.add(this);
  }

  addEventListener(name: string, listener: (message: MessageEvent<string>) => void): void {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener]);
  }

  close(): void {
    FakeEventSource.open.delete(this);
  }

  /** Delivers one stream event to every open source. */
  static emit<K extends StreamEventName>(name: K, data: StreamEvents[K]): void {
    for (const source of FakeEventSource.open) {
      for (const listener of source.listeners.get(name) ?? []) {
        listener(new MessageEvent(name, { data: JSON.stringify(data) }));
      }
    }
  }
}

/**
 * Renders `routes` at `path` for a signed-in user inside the app's providers, a live stream fed by
 * {@link FakeEventSource}, and a client whose `fetch` is `fetchImpl`; returns the router too,
 * so tests can read where a page navigated.
 */
export function renderPortalPage(options: {
  path: string;
  routes: RouteObject[];
  fetch: typeof fetch;
}) {
  globalThis.EventSource = FakeEventSource as unknown as typeof EventSource;
  const routes: RouteObject[] = [
    {
      element: (
        <SignedIn>
          <Outlet />
        </SignedIn>
      ),
      children: options.routes,
    },
  ];
  const router = createMemoryRouter(routes, { initialEntries: [options.path] });
  const client = createApiClient({ fetch: options.fetch });
  const view = render(
    <AppProviders client={client}>
      <StreamProvider enabled>
        <RouterProvider router={router} />
      </StreamProvider>
    </AppProviders>,
  );
  return { ...view, router };
}
