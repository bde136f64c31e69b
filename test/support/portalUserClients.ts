import { type ApiClient, createApiClient } from '../../src/shared/client/apiClient.ts';

/** Password of every user made by {@link PortalUserClients.addUser} (it contains no test username). */
export const testUserPassword = 'shared-test-passphrase-9';

/** Typed clients of a running portal: its first admin, and users made through the API. */
export interface PortalUserClients {
  /** Signs in and returns a client that uses an API token of that user. */
  clientFor: (username: string, password: string) => Promise<ApiClient>;
  /** The first admin (`admin`), with an API token. */
  admin: ApiClient;
  /** Creates a user (as admin), optionally a member of teams; returns their client. */
  addUser: (
    username: string,
    role: 'admin' | 'member' | 'viewer',
    teams: string[],
  ) => Promise<ApiClient>;
}

/** A client that keeps the session cookie and sends the CSRF token, like a browser. */
function sessionClient(url: string): { client: ApiClient; setCsrf: (token: string) => void } {
  let cookie = '';
  let csrf: string | undefined;
  const fetchWithCookies: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    if (cookie) headers.set('cookie', cookie);
    const response = await fetch(input, { ...init, headers });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) cookie = setCookie.split(';')[0] ?? '';
    return response;
  };
  return {
    client: createApiClient({ baseUrl: url, fetch: fetchWithCookies, csrfToken: () => csrf }),
    setCsrf: (token) => {
      csrf = token;
    },
  };
}

/** Signs in to the portal at `url` and returns a client of that session (cookie and CSRF token). */
export async function signedInSession(
  url: string,
  username: string,
  password: string,
): Promise<ApiClient> {
  const { client, setCsrf } = sessionClient(url);
  const info = await client.login({ username, password });
  if (info.csrfToken) setCsrf(info.csrfToken);
  return client;
}

/**
 * Signs in to the portal at `url` as its first admin (`admin` with `adminPassword`) and returns
 * clients for it and for users the tests add, each with an API token of its own, through the
 * portal's public API only, so it works for an in-process portal and a `raydeck serve` process.
 */
export async function portalUserClients(
  url: string,
  adminPassword: string,
): Promise<PortalUserClients> {
  const clientFor = async (username: string, password: string): Promise<ApiClient> => {
    const session = await signedInSession(url, username, password);
    const { token } = await session.createToken({ name: `test-${username}` });
    return createApiClient({ baseUrl: url, token });
  };
  const admin = await clientFor('admin', adminPassword);
  const addUser = async (
    username: string,
    role: 'admin' | 'member' | 'viewer',
    teams: string[],
  ) => {
    const password = testUserPassword;
    await admin.createUser({ username, password, role });
    for (const team of teams) {
      const existing = (await admin.listTeams()).items.find((candidate) => candidate.name === team);
      if (!existing) await admin.createTeam({ name: team });
      await admin.setTeamMembers(team, [...(existing?.members ?? []), username]);
    }
    return clientFor(username, password);
  };
  return { clientFor, admin, addUser };
}
