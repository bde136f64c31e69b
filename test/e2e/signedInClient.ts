import { type ApiClient, createApiClient } from '../../src/shared/client/apiClient.ts';
import { e2eAdmin } from './portalProcess.ts';
import type { Credentials } from './signIn.ts';

/**
 * The shared typed REST client, signed in with a session of its own (cookie and CSRF token), for
 * arranging a scene faster than the UI would (e.g. a cluster that already holds every A100). The
 * browser under test never shares this session.
 */
export async function signedInClient(
  portalUrl: string,
  credentials: Credentials = e2eAdmin,
): Promise<ApiClient> {
  const response = await fetch(`${portalUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(credentials),
  });
  if (!response.ok) {
    throw new Error(`signing in as ${credentials.username} failed: ${await response.text()}`);
  }
  const session = (await response.json()) as { csrfToken: string | null };
  const cookie = response.headers
    .getSetCookie()
    .map((setCookie) => setCookie.split(';')[0])
    .join('; ');
  const fetchWithCookie: typeof fetch = (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('cookie', cookie);
    return fetch(input, { ...init, headers });
  };
  return createApiClient({
    baseUrl: portalUrl,
    fetch: fetchWithCookie,
    csrfToken: () => session.csrfToken ?? undefined,
  });
}
