import type {
  AdminUser,
  AdminUserList,
  CreateTeamRequest,
  CreateUserRequest,
  SetTeamMembersRequest,
  Team,
  TeamList,
  UpdateUserRequest,
} from '../api/adminSchemas.ts';
import type { AuditPage, AuditQuery } from '../api/auditSchemas.ts';
import type {
  ApiTokenList,
  ChangePasswordRequest,
  CreateApiTokenRequest,
  CreatedApiToken,
  LoginRequest,
  SessionInfo,
} from '../api/authSchemas.ts';
import type { OidcLogoutResult, SignInMethods } from '../api/oidcSchemas.ts';
import type { ApiRequest } from './apiClient.ts';

/** The typed calls of the auth, token, admin and audit API. */
export interface AuthEndpoints {
  /** Signs in; the answer holds the CSRF token for later changes (the cookie is set by the server). */
  login(body: LoginRequest): Promise<SessionInfo>;
  logout(): Promise<void>;
  /** Who am I, with my teams and the CSRF token of my session. */
  me(): Promise<SessionInfo>;
  /** How one may sign in here (local accounts, the OIDC sign-in path). */
  signInMethods(): Promise<SignInMethods>;
  /** Ends an OIDC session; go to `redirectTo` to end the provider's session too. */
  oidcLogout(): Promise<OidcLogoutResult>;
  /** Changes my own password; my other sessions end, and my API tokens unless `revokeTokens: false`. */
  changePassword(body: ChangePasswordRequest): Promise<void>;
  listTokens(): Promise<ApiTokenList>;
  /** The answer's `token` is the only time the secret is shown. */
  createToken(body: CreateApiTokenRequest): Promise<CreatedApiToken>;
  deleteToken(id: string): Promise<void>;
  listUsers(): Promise<AdminUserList>;
  createUser(body: CreateUserRequest): Promise<AdminUser>;
  updateUser(id: string, changes: UpdateUserRequest): Promise<AdminUser>;
  /** Deletes a user; their clusters are kept. */
  deleteUser(id: string): Promise<void>;
  listTeams(): Promise<TeamList>;
  createTeam(body: CreateTeamRequest): Promise<Team>;
  deleteTeam(name: string): Promise<void>;
  /** Replaces the team's member list with these usernames. */
  setTeamMembers(name: string, members: string[]): Promise<Team>;
  /** A page of the audit log, newest first; pass `nextCursor` back as `cursor`. */
  queryAudit(query?: AuditQuery): Promise<AuditPage>;
}

/**
 * Binds the auth, token, admin and audit endpoints to a client's `request` function, e.g.
 * `authEndpoints(createApiClient(options).request)`.
 */
export function authEndpoints(request: ApiRequest): AuthEndpoints {
  const segment = encodeURIComponent;
  return {
    login: (body) => request<SessionInfo>('/api/v1/auth/login', { method: 'POST', body }),
    logout: async () => {
      await request<unknown>('/api/v1/auth/logout', { method: 'POST' });
    },
    me: () => request<SessionInfo>('/api/v1/auth/me'),
    signInMethods: () => request<SignInMethods>('/api/v1/auth/methods'),
    oidcLogout: () => request<OidcLogoutResult>('/api/v1/auth/oidc/logout', { method: 'POST' }),
    changePassword: async (body) => {
      await request<unknown>('/api/v1/auth/password', { method: 'POST', body });
    },
    listTokens: () => request<ApiTokenList>('/api/v1/tokens'),
    createToken: (body) => request<CreatedApiToken>('/api/v1/tokens', { method: 'POST', body }),
    deleteToken: async (id) => {
      await request<unknown>(`/api/v1/tokens/${segment(id)}`, { method: 'DELETE' });
    },
    listUsers: () => request<AdminUserList>('/api/v1/admin/users'),
    createUser: (body) => request<AdminUser>('/api/v1/admin/users', { method: 'POST', body }),
    updateUser: (id, changes) =>
      request<AdminUser>(`/api/v1/admin/users/${segment(id)}`, { method: 'PATCH', body: changes }),
    deleteUser: async (id) => {
      await request<unknown>(`/api/v1/admin/users/${segment(id)}`, { method: 'DELETE' });
    },
    listTeams: () => request<TeamList>('/api/v1/admin/teams'),
    createTeam: (body) => request<Team>('/api/v1/admin/teams', { method: 'POST', body }),
    deleteTeam: async (name) => {
      await request<unknown>(`/api/v1/admin/teams/${segment(name)}`, { method: 'DELETE' });
    },
    setTeamMembers: (name, members) =>
      request<Team>(`/api/v1/admin/teams/${segment(name)}/members`, {
        method: 'PUT',
        body: { members } satisfies SetTeamMembersRequest,
      }),
    queryAudit: (query = {}) => request<AuditPage>('/api/v1/audit', { query: { ...query } }),
  };
}
