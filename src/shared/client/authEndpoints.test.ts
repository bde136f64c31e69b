import { describe, expect, it } from 'vitest';

import type { ApiRequest, ApiRequestInit } from './apiClient.ts';
import { authEndpoints } from './authEndpoints.ts';

describe('authEndpoints', () => {
  it('maps every call to its method, path, body and query', async () => {
    const calls: [string, ApiRequestInit | undefined][] = [];
    const request: ApiRequest = async <T>(path: string, init?: ApiRequestInit) => {
      calls.push([path, init]);
      return {} as T;
    };
    const api = authEndpoints(request);
    await api.login({ username: 'ana', password: 'pw' });
    await api.logout();
    await api.me();
    await api.changePassword({ currentPassword: 'old', password: 'new', revokeTokens: false });
    await api.listTokens();
    await api.createToken({ name: 'ci' });
    await api.deleteToken('t/1');
    await api.listUsers();
    await api.createUser({ username: 'bo', password: 'password', role: 'viewer' });
    await api.updateUser('u1', { role: 'member' });
    await api.listTeams();
    await api.createTeam({ name: 'team-a' });
    await api.deleteTeam('team-a');
    await api.setTeamMembers('team-a', ['ana']);
    await api.queryAudit({ actor: 'ana', limit: 10 });
    expect(calls).toEqual([
      ['/api/v1/auth/login', { method: 'POST', body: { username: 'ana', password: 'pw' } }],
      ['/api/v1/auth/logout', { method: 'POST' }],
      ['/api/v1/auth/me', undefined],
      [
        '/api/v1/auth/password',
        { method: 'POST', body: { currentPassword: 'old', password: 'new', revokeTokens: false } },
      ],
      ['/api/v1/tokens', undefined],
      ['/api/v1/tokens', { method: 'POST', body: { name: 'ci' } }],
      ['/api/v1/tokens/t%2F1', { method: 'DELETE' }],
      ['/api/v1/admin/users', undefined],
      [
        '/api/v1/admin/users',
        { method: 'POST', body: { username: 'bo', password: 'password', role: 'viewer' } },
      ],
      ['/api/v1/admin/users/u1', { method: 'PATCH', body: { role: 'member' } }],
      ['/api/v1/admin/teams', undefined],
      ['/api/v1/admin/teams', { method: 'POST', body: { name: 'team-a' } }],
      ['/api/v1/admin/teams/team-a', { method: 'DELETE' }],
      ['/api/v1/admin/teams/team-a/members', { method: 'PUT', body: { members: ['ana'] } }],
      ['/api/v1/audit', { query: { actor: 'ana', limit: 10 } }],
    ]);
  });
});
