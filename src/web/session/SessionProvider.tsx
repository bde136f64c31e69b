import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';

import type { CurrentUser, LoginRequest } from '../../shared/api/authSchemas.ts';
import { type ApiClient, createApiClient } from '../../shared/client/apiClient.ts';
import { ApiError } from '../../shared/client/ApiError.ts';
import { ApiClientContext } from '../hooks/useApiClient.ts';

/** The signed-in user, their current team, and how to sign in and out. */
export interface Session {
  /** Undefined while loading; null when signed out. */
  user: CurrentUser | null | undefined;
  /** The team (namespace) the user works in now; admins may pick any known team. */
  team: string | undefined;
  setTeam: (team: string) => void;
  login: (credentials: LoginRequest) => Promise<void>;
  logout: () => Promise<void>;
}

const SessionContext = createContext<Session | undefined>(undefined);

/** The current session; only inside {@link SessionProvider}. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession needs a SessionProvider');
  return session;
}

const teamStorageKey = 'raydeck.team';

/**
 * The API client of a browser session and the CSRF token it sends on mutations; the token lives
 * in this closure, outside React state, because only requests read it.
 */
function createSessionClient(client: ApiClient | undefined): {
  client: ApiClient;
  setCsrfToken: (token: string | undefined) => void;
} {
  let csrfToken: string | undefined;
  return {
    client: client ?? createApiClient({ csrfToken: () => csrfToken }),
    setCsrfToken: (token) => {
      csrfToken = token;
    },
  };
}

/**
 * Owns the browser session: loads `/api/v1/auth/me`, keeps the CSRF token every mutation sends,
 * remembers the chosen team, and provides the API client that uses them.
 */
export function SessionProvider({ children, client }: { children: ReactNode; client?: ApiClient }) {
  const [sessionClient] = useState(() => createSessionClient(client));
  const apiClient = sessionClient.client;
  const queryClient = useQueryClient();
  const [chosenTeam, setChosenTeam] = useState<string | undefined>(
    () => localStorage.getItem(teamStorageKey) ?? undefined,
  );

  const me = useQuery({
    queryKey: ['session'],
    queryFn: async () => {
      try {
        const info = await apiClient.me();
        sessionClient.setCsrfToken(info.csrfToken ?? undefined);
        return info.user;
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
    staleTime: 60_000,
  });

  const login = useCallback(
    async (credentials: LoginRequest) => {
      const info = await apiClient.login(credentials);
      sessionClient.setCsrfToken(info.csrfToken ?? undefined);
      queryClient.setQueryData(['session'], info.user);
    },
    [apiClient, sessionClient, queryClient],
  );
  const logout = useCallback(async () => {
    // With OIDC on, sign out through it: an SSO session also ends at the provider
    // (RP-initiated logout), which the server names in `redirectTo`.
    const methods = await apiClient.signInMethods().catch(() => null);
    let providerLogout: string | undefined;
    if (methods?.oidcLoginPath) {
      const { redirectTo } = await apiClient.oidcLogout();
      if (/^https?:\/\//.test(redirectTo)) providerLogout = redirectTo;
    } else {
      await apiClient.logout();
    }
    if (providerLogout) window.location.assign(providerLogout);
    sessionClient.setCsrfToken(undefined);
    // Signed out first, then drop everything else the old user loaded.
    queryClient.setQueryData(['session'], null);
    queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== 'session' });
  }, [apiClient, sessionClient, queryClient]);

  const user = me.isError ? null : me.data;
  const teams = user?.teams ?? [];
  const team =
    chosenTeam && (teams.includes(chosenTeam) || user?.role === 'admin') ? chosenTeam : teams[0];
  const setTeam = useCallback((next: string) => {
    localStorage.setItem(teamStorageKey, next);
    setChosenTeam(next);
  }, []);

  const session = useMemo<Session>(
    () => ({ user, team, setTeam, login, logout }),
    [user, team, setTeam, login, logout],
  );
  return (
    <ApiClientContext.Provider value={apiClient}>
      <SessionContext.Provider value={session}>{children}</SessionContext.Provider>
    </ApiClientContext.Provider>
  );
}
