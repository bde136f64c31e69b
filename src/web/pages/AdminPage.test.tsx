import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { AdminUser, Team } from '../../shared/api/adminSchemas.ts';
import type { AuditEntry } from '../../shared/api/auditSchemas.ts';
import {
  apiErrorResponse,
  type FakeCall,
  renderWithFakeApi,
  testUser,
} from './admin/renderWithFakeApi.tsx';
import { AdminPage } from './AdminPage.tsx';

function adminUser(username: string, overrides: Partial<AdminUser> = {}): AdminUser {
  return {
    id: `u-${username}`,
    username,
    displayName: username,
    role: 'member',
    disabled: false,
    hasPassword: true,
    teams: [],
    createdAt: '2026-11-01T09:00:00Z',
    ...overrides,
  };
}

/** A fake of the admin API holding users and teams in memory. */
function adminServer() {
  const users: AdminUser[] = [
    adminUser('admin', { id: 'u-admin', role: 'admin', teams: ['team-a'] }),
    adminUser('ana', { teams: ['team-a'] }),
  ];
  const teams: Team[] = [
    {
      name: 'team-a',
      displayName: 'Team A',
      description: 'Vision models',
      members: ['admin', 'ana'],
      createdAt: '2026-11-01T09:00:00Z',
    },
  ];
  return {
    users,
    teams,
    handlers: {
      'GET /api/v1/admin/users': () => ({ items: [...users] }),
      'POST /api/v1/admin/users': (call: FakeCall) => {
        const body = call.body as { username: string; role: AdminUser['role']; teams?: string[] };
        if (users.some((user) => user.username === body.username)) {
          return apiErrorResponse(409, 'AlreadyExists', `The username ${body.username} is taken.`, [
            { path: 'body.username', message: 'is taken' },
          ]);
        }
        const created = adminUser(body.username, { role: body.role, teams: body.teams ?? [] });
        users.push(created);
        return Response.json(created, { status: 201 });
      },
      'PATCH /api/v1/admin/users/u-admin': () =>
        apiErrorResponse(
          409,
          'LastAdmin',
          'This is the last enabled admin; promote another user first.',
        ),
      'PATCH /api/v1/admin/users/u-ana': (call: FakeCall) => {
        const ana = users[1];
        if (!ana) throw new Error('ana is gone');
        Object.assign(ana, call.body);
        return ana;
      },
      'GET /api/v1/admin/teams': () => ({ items: [...teams] }),
      'POST /api/v1/admin/teams': (call: FakeCall) => {
        const { name } = call.body as { name: string };
        const team = {
          name,
          displayName: name,
          description: '',
          members: [],
          createdAt: '2026-11-26T08:00:00Z',
        };
        teams.push(team);
        return Response.json(team, { status: 201 });
      },
      'DELETE /api/v1/admin/teams/team-a': () => {
        teams.splice(0, 1);
        return undefined;
      },
    },
  };
}

function auditEntry(id: number, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id,
    at: '2026-11-26T08:00:00Z',
    actor: 'ana',
    actorRole: 'member',
    action: 'cluster.create',
    targetKind: 'raycluster',
    targetNamespace: 'team-a',
    targetName: `rc-${id}`,
    result: 'success',
    statusCode: 201,
    requestId: `req-${id}`,
    sourceIp: '127.0.0.1',
    details: {},
    ...overrides,
  };
}

describe('AdminPage', () => {
  it('tells members the page is for admins and calls no admin API', async () => {
    const { calls } = renderWithFakeApi(<AdminPage />, {
      path: '/admin',
      user: testUser({ role: 'member' }),
      handlers: adminServer().handlers,
    });
    expect(await screen.findByText('Admins only')).toBeVisible();
    expect(screen.queryByRole('tab')).not.toBeInTheDocument();
    expect(calls.some((call) => call.path.startsWith('/api/v1/admin'))).toBe(false);
  });

  it('creates a user, showing a taken username under its input first', async () => {
    const server = adminServer();
    const { user, calls } = renderWithFakeApi(<AdminPage />, {
      path: '/admin',
      handlers: server.handlers,
    });
    expect(await screen.findByRole('table', { name: 'Users' })).toBeVisible();
    await user.click(screen.getByRole('button', { name: 'New user' }));
    const dialog = await screen.findByRole('dialog', { name: 'New user' });
    const username = within(dialog).getByRole('textbox', { name: 'Username' });
    await user.type(username, 'ana');
    await user.type(within(dialog).getByLabelText('Password'), 'a-long-password');
    await user.selectOptions(within(dialog).getByRole('combobox', { name: 'Role' }), 'viewer');
    await user.click(within(dialog).getByRole('button', { name: 'Create user' }));
    await waitFor(() => expect(username).toHaveAccessibleDescription(/is taken/));
    expect(await screen.findByText('The username ana is taken.')).toBeVisible();

    await user.clear(username);
    await user.type(username, 'bo');
    await user.click(within(dialog).getByRole('button', { name: 'Create user' }));
    expect(await screen.findByText('User bo created')).toBeVisible();
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(await screen.findByRole('combobox', { name: 'Role of bo' })).toHaveValue('viewer');
    expect(calls.filter((call) => call.method === 'POST').at(-1)?.body).toEqual({
      username: 'bo',
      password: 'a-long-password',
      role: 'viewer',
    });
  });

  it('gives a new user teams in the New user dialog', async () => {
    const { user, calls } = renderWithFakeApi(<AdminPage />, {
      path: '/admin',
      handlers: adminServer().handlers,
    });
    await user.click(await screen.findByRole('button', { name: 'New user' }));
    const dialog = await screen.findByRole('dialog', { name: 'New user' });
    await user.type(within(dialog).getByRole('textbox', { name: 'Username' }), 'dee');
    await user.type(within(dialog).getByLabelText('Password'), 'a-long-password');
    await user.click(within(dialog).getByLabelText('Teams'));
    await user.click(await screen.findByRole('option', { name: 'team-a', hidden: true }));
    await user.click(within(dialog).getByRole('button', { name: 'Create user' }));
    expect(await screen.findByText('Member of team-a.')).toBeVisible();
    expect(calls.filter((call) => call.method === 'POST').at(-1)?.body).toEqual({
      username: 'dee',
      password: 'a-long-password',
      role: 'member',
      teams: ['team-a'],
    });
  });

  it('deletes a user after confirming, saying their clusters are kept', async () => {
    const server = adminServer();
    const { user, calls } = renderWithFakeApi(<AdminPage />, {
      path: '/admin',
      handlers: {
        ...server.handlers,
        'DELETE /api/v1/admin/users/u-ana': () => {
          server.users.splice(1, 1);
          return new Response(null, { status: 204 });
        },
      },
    });
    await user.click(await screen.findByRole('button', { name: 'Actions for ana' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Delete' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete user' });
    expect(dialog).toHaveTextContent('Their clusters are kept');
    await user.click(within(dialog).getByRole('button', { name: 'Delete user' }));
    expect(await screen.findByText('ana deleted')).toBeVisible();
    expect(
      calls.some((call) => call.method === 'DELETE' && call.path === '/api/v1/admin/users/u-ana'),
    ).toBe(true);
  });

  it('names a password that breaks the shared rule under its input, before any request', async () => {
    const { user, calls } = renderWithFakeApi(<AdminPage />, {
      path: '/admin',
      handlers: adminServer().handlers,
    });
    await user.click(await screen.findByRole('button', { name: 'New user' }));
    const dialog = await screen.findByRole('dialog', { name: 'New user' });
    await user.type(within(dialog).getByRole('textbox', { name: 'Username' }), 'carla');
    const password = within(dialog).getByLabelText('Password');
    expect(password).toHaveAccessibleDescription(/At least 12 characters/);
    for (const [typed, problem] of [
      ['short-one', 'Password must be at least 12 characters long'],
      ['carla-rocks-2026', 'Password must not contain the username'],
      ['password1234', 'Password is too common; choose a less guessable one'],
    ] as const) {
      await user.clear(password);
      await user.type(password, typed);
      await user.click(within(dialog).getByRole('button', { name: 'Create user' }));
      await waitFor(() => expect(password).toHaveAccessibleDescription(new RegExp(problem)));
    }
    expect(calls.some((call) => call.method === 'POST')).toBe(false);
  });

  it('resets a password, revoking API tokens unless told to keep them', async () => {
    const { user, calls } = renderWithFakeApi(<AdminPage />, {
      path: '/admin',
      handlers: adminServer().handlers,
    });
    const reset = async (keepTokens: boolean) => {
      await user.click(await screen.findByRole('button', { name: 'Actions for ana' }));
      await user.click(await screen.findByRole('menuitem', { name: 'Reset password' }));
      const dialog = await screen.findByRole('dialog', { name: 'Reset password of ana' });
      await user.type(within(dialog).getByLabelText('New password'), 'violet-orchard-42');
      if (keepTokens) {
        await user.click(within(dialog).getByRole('checkbox', { name: /Keep their API tokens/ }));
      }
      await user.click(within(dialog).getByRole('button', { name: 'Set password' }));
      await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    };
    await reset(false);
    expect(await screen.findByText(/their API tokens are revoked/)).toBeVisible();
    await reset(true);
    expect(calls.filter((call) => call.method === 'PATCH').map((call) => call.body)).toEqual([
      { password: 'violet-orchard-42' },
      { password: 'violet-orchard-42', revokeTokens: false },
    ]);
  });

  it('changes a role in place and shows the server’s refusal as it is', async () => {
    const { user, calls } = renderWithFakeApi(<AdminPage />, {
      path: '/admin',
      handlers: adminServer().handlers,
    });
    await user.selectOptions(await screen.findByRole('combobox', { name: 'Role of ana' }), 'admin');
    expect(await screen.findByText('ana is now admin')).toBeVisible();
    expect(calls.find((call) => call.method === 'PATCH')?.body).toEqual({ role: 'admin' });

    await user.selectOptions(screen.getByRole('combobox', { name: 'Role of admin' }), 'viewer');
    expect(
      await screen.findByText('This is the last enabled admin; promote another user first.'),
    ).toBeVisible();
    await waitFor(() =>
      expect(screen.getByRole('combobox', { name: 'Role of admin' })).toHaveValue('admin'),
    );
  });

  it('disables a user after confirming', async () => {
    const { user, calls } = renderWithFakeApi(<AdminPage />, {
      path: '/admin',
      handlers: adminServer().handlers,
    });
    await user.click(await screen.findByRole('button', { name: 'Actions for ana' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Disable' }));
    const dialog = await screen.findByRole('dialog', { name: 'Disable user' });
    await user.click(within(dialog).getByRole('button', { name: 'Disable user' }));
    expect(await screen.findByText('ana disabled')).toBeVisible();
    expect(calls.find((call) => call.method === 'PATCH')?.body).toEqual({ disabled: true });
  });

  it('creates and deletes teams on the Teams tab', async () => {
    const { user } = renderWithFakeApi(<AdminPage />, {
      path: '/admin?tab=teams',
      pattern: '/admin',
      handlers: adminServer().handlers,
    });
    const table = await screen.findByRole('table', { name: 'Teams' });
    expect(within(table).getByText('Team A')).toBeVisible();
    await user.click(screen.getByRole('button', { name: 'New team' }));
    const dialog = await screen.findByRole('dialog', { name: 'New team' });
    await user.type(within(dialog).getByRole('textbox', { name: 'Name' }), 'team-c');
    await user.click(within(dialog).getByRole('button', { name: 'Create team' }));
    expect(await screen.findByText('Team team-c created')).toBeVisible();
    expect(await within(table).findByText('nobody yet')).toBeVisible();

    await user.click(screen.getByRole('button', { name: 'Delete team-a' }));
    const confirm = await screen.findByRole('dialog', { name: 'Delete team' });
    await user.click(within(confirm).getByRole('button', { name: 'Delete team' }));
    expect(await screen.findByText('Team team-a deleted')).toBeVisible();
  });

  it('keeps Save members clear of the open members list', async () => {
    const { user } = renderWithFakeApi(<AdminPage />, {
      path: '/admin?tab=teams',
      pattern: '/admin',
      handlers: adminServer().handlers,
    });
    await screen.findByRole('table', { name: 'Teams' });
    await user.click(screen.getByRole('button', { name: 'Members of team-a' }));
    const dialog = await screen.findByRole('dialog', { name: 'Members of team-a' });
    // The list opens on focus; a spacer as tall as the list keeps the buttons below it.
    await user.click(within(dialog).getByLabelText('Members of team-a', { selector: 'input' }));
    expect(await within(dialog).findByTestId('member-list-room')).toBeInTheDocument();
    await user.keyboard('{Escape}');
    await waitFor(() => expect(within(dialog).queryByTestId('member-list-room')).toBeNull());
    expect(within(dialog).getByRole('button', { name: 'Save members' })).toBeEnabled();
  });

  it('filters the audit log and loads older entries with the cursor', async () => {
    const queries: URLSearchParams[] = [];
    const { user } = renderWithFakeApi(<AdminPage />, {
      path: '/admin?tab=audit',
      pattern: '/admin',
      handlers: {
        'GET /api/v1/audit': (call) => {
          queries.push(call.query);
          if (call.query.get('actor') === 'bo') {
            return {
              items: [auditEntry(7, { actor: 'bo', result: 'denied', statusCode: 403 })],
              nextCursor: null,
            };
          }
          return call.query.get('cursor') === '41'
            ? { items: [auditEntry(40), auditEntry(39)], nextCursor: null }
            : { items: [auditEntry(42), auditEntry(41)], nextCursor: '41' };
        },
      },
    });
    const table = await screen.findByRole('table', { name: 'Audit log' });
    expect(within(table).getAllByRole('row')).toHaveLength(3);
    await user.click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(5));
    expect(within(table).getByText('raycluster/rc-39')).toBeVisible();
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();

    await user.type(screen.getByRole('textbox', { name: 'Actor' }), 'bo');
    await user.click(screen.getByRole('button', { name: 'Apply filters' }));
    await waitFor(() =>
      expect(screen.getByRole('table', { name: 'Audit log' })).toHaveTextContent('denied'),
    );
    expect(queries.at(-1)?.get('actor')).toBe('bo');
    expect(queries.at(-1)?.get('limit')).toBe('50');
  });
});
