import { Notifications, notifications } from '@mantine/notifications';
import { render, type RenderResult } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactElement } from 'react';
import { createMemoryRouter, RouterProvider, useLocation } from 'react-router-dom';

import type { CurrentUser, SessionInfo } from '../../../shared/api/authSchemas.ts';
import { createApiClient } from '../../../shared/client/apiClient.ts';
import { AppProviders } from '../../AppProviders.tsx';
import { SignedIn } from '../../components/SignedIn.tsx';
import { StreamProvider } from '../../stream/StreamProvider.tsx';

/** A request the fake server received: method, path, query and parsed JSON body. */
export interface FakeCall {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Headers;
  body: unknown;
}

/**
 * Answers one `"METHOD /path"` of the fake server. Return a `Response` to control the status,
 * anything else to answer 200 with it as JSON (`undefined`: 204 No Content).
 */
export type FakeHandler = (call: FakeCall) => unknown;

/** A user for component tests; `role` and `teams` change what the portal shows. */
export function testUser(overrides: Partial<CurrentUser> = {}): CurrentUser {
  return {
    id: 'u-admin',
    username: 'admin',
    displayName: 'Admin',
    role: 'admin',
    teams: ['team-a', 'team-b'],
    via: 'session',
    ...overrides,
  };
}

/** An API error answer in the server's `ApiErrorBody` shape. */
export function apiErrorResponse(
  status: number,
  reason: string,
  message: string,
  fields?: { path: string; message: string }[],
): Response {
  return Response.json(
    { error: { status, reason, message, requestId: 'req-test', ...(fields ? { fields } : {}) } },
    { status },
  );
}

/**
 * A `fetch` that routes `"METHOD /path"` to handlers and records every call. `GET
 * /api/v1/auth/me` answers `user` (null: 401, signed out) unless a handler overrides it; any
 * other unknown route answers 404, as the server would.
 */
export function fakeFetch(
  handlers: Record<string, FakeHandler>,
  user: CurrentUser | null = testUser(),
): { fetch: typeof fetch; calls: FakeCall[] } {
  const calls: FakeCall[] = [];
  const routes: Record<string, FakeHandler> = {
    'GET /api/v1/auth/me': () =>
      user
        ? ({ user, csrfToken: 'csrf-test' } satisfies SessionInfo)
        : apiErrorResponse(401, 'Unauthorized', 'Sign in.'),
    'GET /api/v1/version': () => ({ version: '9.9.9', node: 'v20', apiVersion: 'v1' }),
    ...handlers,
  };
  const fetchImpl: typeof fetch = async (input, init) => {
    const url = new URL(String(input), 'http://portal.test');
    const method = init?.method ?? 'GET';
    const body: unknown = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
    const call: FakeCall = {
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: new Headers(init?.headers),
      body,
    };
    calls.push(call);
    const handler = routes[`${method} ${url.pathname}`];
    if (!handler) return apiErrorResponse(404, 'NotFound', `no route ${method} ${url.pathname}`);
    const answer = handler(call);
    if (answer instanceof Response) return answer;
    if (answer === undefined) return new Response(null, { status: 204 });
    return Response.json(answer);
  };
  return { fetch: fetchImpl, calls };
}

/** Shows the current location so tests can assert where a page navigated to. */
function LocationProbe() {
  const location = useLocation();
  return <output data-testid="location">{`${location.pathname}${location.search}`}</output>;
}

/** What {@link renderWithFakeApi} returns: Testing Library's result, the calls and a user. */
export interface PortalRender extends RenderResult {
  calls: FakeCall[];
  user: ReturnType<typeof userEvent.setup>;
}

/**
 * Renders one page as the signed-in portal would (providers, session, notifications, a router
 * at `path` matching `pattern`) against a fake server made of `handlers`. Other paths render a
 * placeholder naming the path, so navigation can be asserted.
 */
export function renderWithFakeApi(
  element: ReactElement,
  options: {
    handlers?: Record<string, FakeHandler>;
    user?: CurrentUser | null;
    path?: string;
    pattern?: string;
    signedIn?: boolean;
  } = {},
): PortalRender {
  // The notification store is global: drop toasts (and the queue past its limit) of earlier tests.
  notifications.clean();
  notifications.cleanQueue();
  const { fetch: fetchImpl, calls } = fakeFetch(options.handlers ?? {}, options.user);
  const path = options.path ?? '/';
  const page = options.signedIn === false ? element : <SignedIn>{element}</SignedIn>;
  const router = createMemoryRouter(
    [
      { path: options.pattern ?? path.split('?')[0] ?? '/', element: page },
      { path: '*', element: <LocationProbe /> },
    ],
    { initialEntries: [path] },
  );
  const result = render(
    <AppProviders client={createApiClient({ fetch: fetchImpl, csrfToken: () => 'csrf-test' })}>
      <Notifications />
      <StreamProvider enabled={false}>
        <RouterProvider router={router} />
      </StreamProvider>
    </AppProviders>,
  );
  return { ...result, calls, user: userEvent.setup() };
}
