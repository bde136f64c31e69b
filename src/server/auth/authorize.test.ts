import { describe, expect, it } from 'vitest';

import type { UserRole } from '../../shared/api/authSchemas.ts';
import {
  type AuthenticatedUser,
  authorize,
  type AuthorizeAction,
  visibleNamespaces,
} from './authorize.ts';

const user = (role: UserRole, teams: string[] = ['team-a']): AuthenticatedUser => ({
  id: role,
  username: role,
  displayName: role,
  role,
  teams,
  via: 'session',
});

describe('authorize', () => {
  const cases: [UserRole, AuthorizeAction, string | undefined, boolean][] = [
    ['admin', 'read', 'team-z', true],
    ['admin', 'write', 'team-z', true],
    ['admin', 'admin', undefined, true],
    ['admin', 'write', undefined, true],
    ['member', 'read', 'team-a', true],
    ['member', 'write', 'team-a', true],
    ['member', 'read', 'team-b', false],
    ['member', 'write', 'team-b', false],
    ['member', 'admin', 'team-a', false],
    ['member', 'read', undefined, true],
    ['member', 'write', undefined, false],
    ['viewer', 'read', 'team-a', true],
    ['viewer', 'write', 'team-a', false],
    ['viewer', 'read', 'team-b', false],
    ['viewer', 'admin', undefined, false],
    ['viewer', 'read', undefined, true],
  ];
  it.each(cases)('%s may %s in %s: %s', (role, action, namespace, allowed) => {
    expect(authorize(user(role), action, namespace)).toBe(allowed);
  });

  it('allows nothing to nobody', () => {
    expect(authorize(null, 'read')).toBe(false);
    expect(authorize(undefined, 'read', 'team-a')).toBe(false);
  });
});

describe('visibleNamespaces', () => {
  it("is '*' for admins, the teams for others, nothing for nobody", () => {
    expect(visibleNamespaces(user('admin', []))).toBe('*');
    expect(visibleNamespaces(user('member', ['a', 'b']))).toEqual(['a', 'b']);
    expect(visibleNamespaces(user('viewer', []))).toEqual([]);
    expect(visibleNamespaces(null)).toEqual([]);
  });
});
