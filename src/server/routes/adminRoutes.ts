import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import {
  AdminUser,
  AdminUserList,
  CreateTeamRequest,
  CreateUserRequest,
  SetTeamMembersRequest,
  Team,
  TeamList,
  TeamNameParams,
  UpdateUserRequest,
  UserIdParams,
} from '../../shared/api/adminSchemas.ts';
import { isReservedUsername } from '../../shared/api/isReservedUsername.ts';
import { auditFromRequest } from '../audit/auditFromRequest.ts';
import { requireRole } from '../auth/authPlugin.ts';
import { invalidField } from '../auth/invalidField.ts';
import { hashPassword } from '../auth/passwordHash.ts';
import { weakPasswordError } from '../auth/weakPasswordError.ts';
import { sendApiError } from '../sendApiError.ts';

/**
 * Admin-only user and team management under `/api/v1/admin`: users (list, create, change role,
 * display name, password, disable) and teams (list, create, delete, set members). A team is a
 * Kubernetes namespace name; deleting a team does not delete the namespace. Every change is
 * audited; answers never contain password hashes. New passwords must pass `passwordProblem`;
 * reserved usernames (`isReservedUsername`) cannot be created; usernames are unique in any case.
 * Needs `authPlugin`.
 */
export const adminRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { users, teams, sessions, tokens, auditLog, revocations } = app.authServices;
  app.addHook('preHandler', requireRole('admin'));

  app.get(
    '/api/v1/admin/users',
    { schema: { tags: ['admin'], summary: 'List users', response: { 200: AdminUserList } } },
    async () => ({
      items: await users.list(),
    }),
  );

  app.post(
    '/api/v1/admin/users',
    {
      schema: {
        tags: ['admin'],
        summary: 'Create a user',
        body: CreateUserRequest,
        response: { 201: AdminUser },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const audit = {
        ...auditFromRequest(request),
        action: 'user.create',
        targetKind: 'user',
        targetName: body.username,
      };
      const reserved = isReservedUsername(body.username);
      const refusal = reserved
        ? invalidField('body.username', 'is reserved for the portal itself')
        : weakPasswordError(body.password, body.username);
      if (refusal) {
        await auditLog.record({
          ...audit,
          result: 'failure',
          statusCode: 400,
          details: { reason: reserved ? 'reservedUsername' : 'weakPassword' },
        });
        return sendApiError(reply, refusal);
      }
      const wanted = body.teams ?? [];
      const found = new Set(await teams.existing(wanted));
      const unknownTeams = wanted.filter((team) => !found.has(team));
      if (unknownTeams.length > 0) {
        await auditLog.record({
          ...audit,
          result: 'failure',
          statusCode: 400,
          details: { reason: 'unknownTeams', teams: unknownTeams },
        });
        return sendApiError(
          reply,
          invalidField('body.teams', `names teams that do not exist: ${unknownTeams.join(', ')}`),
        );
      }
      const row = await users.create({
        username: body.username,
        displayName: body.displayName ?? body.username,
        passwordHash: await hashPassword(body.password),
        role: body.role,
        teams: wanted,
      });
      const created = row ? await users.adminView(row.id) : undefined;
      if (!created) {
        await auditLog.record({
          ...audit,
          result: 'failure',
          statusCode: 409,
          details: { reason: 'usernameTaken' },
        });
        return sendApiError(reply, {
          status: 409,
          reason: 'AlreadyExists',
          message: `The username ${body.username} is taken.`,
          fields: [{ path: 'body.username', message: 'is taken' }],
        });
      }
      await auditLog.record({
        ...audit,
        result: 'success',
        statusCode: 201,
        details: {
          userId: created.id,
          role: created.role,
          ...(created.teams.length > 0 ? { teams: created.teams } : {}),
        },
      });
      return reply.code(201).send(created);
    },
  );

  app.patch(
    '/api/v1/admin/users/:id',
    {
      schema: {
        tags: ['admin'],
        summary: 'Change a user (role, display name, password, disabled)',
        params: UserIdParams,
        body: UpdateUserRequest,
        response: { 200: AdminUser },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const body = request.body;
      const before = await users.adminView(id);
      const audit = {
        ...auditFromRequest(request),
        action: 'user.update',
        targetKind: 'user',
        targetName: before?.username ?? id,
      };
      // Field names only: the new password itself never reaches the audit log.
      const changed = Object.keys(body)
        .filter((key) => key !== 'revokeTokens')
        .sort();
      if (!before) {
        await auditLog.record({
          ...audit,
          result: 'failure',
          statusCode: 404,
          details: { changed },
        });
        return sendApiError(reply, { status: 404, reason: 'NotFound', message: `No user ${id}.` });
      }
      const weak =
        body.password === undefined ? undefined : weakPasswordError(body.password, before.username);
      if (weak) {
        await auditLog.record({
          ...audit,
          result: 'failure',
          statusCode: 400,
          details: { changed, reason: 'weakPassword' },
        });
        return sendApiError(reply, weak);
      }
      const outcome = await users.update(id, {
        displayName: body.displayName,
        role: body.role,
        disabled: body.disabled,
        passwordHash: body.password === undefined ? undefined : await hashPassword(body.password),
      });
      if (outcome !== 'updated') {
        const lastAdmin = outcome === 'lastAdmin';
        await auditLog.record({
          ...audit,
          result: 'failure',
          statusCode: lastAdmin ? 409 : 404,
          details: { changed, reason: outcome },
        });
        return lastAdmin
          ? sendApiError(reply, {
              status: 409,
              reason: 'LastAdmin',
              message: 'This is the last enabled admin; promote another user first.',
            })
          : sendApiError(reply, { status: 404, reason: 'NotFound', message: `No user ${id}.` });
      }
      // A new password or a disabled account ends every open browser session at once.
      if (body.password !== undefined || body.disabled === true) await sessions.deleteForUser(id);
      // A reset password usually means a leaked one: its tokens go too, unless asked not to.
      const tokensRevoked =
        body.password !== undefined && body.revokeTokens !== false
          ? await tokens.deleteForUser(id)
          : 0;
      // Open streams of this user re-check at once: role, disabled and password all count.
      revocations.emit({ kind: 'user', userId: id });
      const after = await users.adminView(id);
      if (!after) throw new Error(`user ${id} vanished while being updated`);
      await auditLog.record({
        ...audit,
        result: 'success',
        statusCode: 200,
        details: {
          changed,
          ...(body.role !== undefined ? { role: { from: before.role, to: after.role } } : {}),
          ...(body.disabled !== undefined ? { disabled: after.disabled } : {}),
          ...(body.password !== undefined ? { tokensRevoked } : {}),
        },
      });
      return after;
    },
  );

  app.delete(
    '/api/v1/admin/users/:id',
    {
      schema: {
        tags: ['admin'],
        summary:
          'Delete a user (memberships, sessions and tokens go; their clusters are kept as they are)',
        params: UserIdParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const before = await users.adminView(id);
      const audit = {
        ...auditFromRequest(request),
        action: 'user.delete',
        targetKind: 'user',
        targetName: before?.username ?? id,
      };
      if (request.user?.id === id) {
        await auditLog.record({
          ...audit,
          result: 'failure',
          statusCode: 409,
          details: { reason: 'self' },
        });
        return sendApiError(reply, {
          status: 409,
          reason: 'CannotDeleteSelf',
          message: 'You cannot delete your own account; ask another admin.',
        });
      }
      const outcome = await users.delete(id);
      if (outcome !== 'deleted') {
        const lastAdmin = outcome === 'lastAdmin';
        await auditLog.record({
          ...audit,
          result: 'failure',
          statusCode: lastAdmin ? 409 : 404,
          details: { reason: outcome },
        });
        return lastAdmin
          ? sendApiError(reply, {
              status: 409,
              reason: 'LastAdmin',
              message: 'This is the last enabled admin; promote another user first.',
            })
          : sendApiError(reply, { status: 404, reason: 'NotFound', message: `No user ${id}.` });
      }
      revocations.emit({ kind: 'user', userId: id });
      // Their RayClusters stay, still labelled with their name as owner; an admin or a teammate
      // deletes them. Reassigning ownership is not offered yet.
      await auditLog.record({
        ...audit,
        result: 'success',
        statusCode: 204,
        details: {
          userId: id,
          role: before?.role ?? null,
          teams: before?.teams ?? [],
          clusters: 'kept',
        },
      });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/admin/teams',
    { schema: { tags: ['admin'], summary: 'List teams', response: { 200: TeamList } } },
    async () => ({
      items: await teams.list(),
    }),
  );

  app.post(
    '/api/v1/admin/teams',
    {
      schema: {
        tags: ['admin'],
        summary: 'Create a team',
        body: CreateTeamRequest,
        response: { 201: Team },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const audit = {
        ...auditFromRequest(request),
        action: 'team.create',
        targetKind: 'team',
        targetNamespace: body.name,
        targetName: body.name,
      };
      const created = await teams.create({
        name: body.name,
        displayName: body.displayName ?? body.name,
        description: body.description ?? '',
      });
      if (!created) {
        await auditLog.record({
          ...audit,
          result: 'failure',
          statusCode: 409,
          details: { reason: 'nameTaken' },
        });
        return sendApiError(reply, {
          status: 409,
          reason: 'AlreadyExists',
          message: `A team named ${body.name} exists already.`,
          fields: [{ path: 'body.name', message: 'is taken' }],
        });
      }
      // A proxy user whose group names the new team gains it: their streams re-check.
      revocations.emit({ kind: 'teams' });
      await auditLog.record({ ...audit, result: 'success', statusCode: 201 });
      return reply.code(201).send(created);
    },
  );

  app.delete(
    '/api/v1/admin/teams/:name',
    {
      schema: {
        tags: ['admin'],
        summary: 'Delete a team (not its namespace)',
        params: TeamNameParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const { name } = request.params;
      const deleted = await teams.delete(name);
      if (deleted) revocations.emit({ kind: 'teams' });
      await auditLog.record({
        ...auditFromRequest(request),
        action: 'team.delete',
        targetKind: 'team',
        targetNamespace: name,
        targetName: name,
        result: deleted ? 'success' : 'failure',
        statusCode: deleted ? 204 : 404,
      });
      if (!deleted) {
        return sendApiError(reply, {
          status: 404,
          reason: 'NotFound',
          message: `No team ${name}.`,
        });
      }
      return reply.code(204).send(null);
    },
  );

  app.put(
    '/api/v1/admin/teams/:name/members',
    {
      schema: {
        tags: ['admin'],
        summary: "Set a team's members",
        params: TeamNameParams,
        body: SetTeamMembersRequest,
        response: { 200: Team },
      },
    },
    async (request, reply) => {
      const { name } = request.params;
      const members = request.body.members;
      const before = await teams.find(name);
      const outcome = await teams.setMembers(name, members);
      const audit = {
        ...auditFromRequest(request),
        action: 'team.members.set',
        targetKind: 'team',
        targetNamespace: name,
        targetName: name,
      };
      if (outcome.kind === 'noSuchTeam') {
        await auditLog.record({ ...audit, result: 'failure', statusCode: 404 });
        return sendApiError(reply, {
          status: 404,
          reason: 'NotFound',
          message: `No team ${name}.`,
        });
      }
      if (outcome.kind === 'unknownUsers') {
        await auditLog.record({
          ...audit,
          result: 'failure',
          statusCode: 400,
          details: { unknownUsers: outcome.usernames },
        });
        const fields = outcome.usernames.map((username) => ({
          path: `body.members[${members.indexOf(username)}]`,
          message: `no user named ${username}`,
        }));
        return sendApiError(reply, {
          status: 400,
          reason: 'ValidationFailed',
          message: fields.map((field) => `${field.path}: ${field.message}`).join('; '),
          fields,
        });
      }
      revocations.emit({ kind: 'teams' });
      const previous = new Set(before?.members ?? []);
      const next = new Set(outcome.team.members);
      await auditLog.record({
        ...audit,
        result: 'success',
        statusCode: 200,
        details: {
          added: [...next].filter((username) => !previous.has(username)),
          removed: [...previous].filter((username) => !next.has(username)),
        },
      });
      return outcome.team;
    },
  );
};
