import { type Static, Type } from 'typebox';

import { Password, Username, UserRole } from './authSchemas.ts';

/**
 * The pattern of a team name, which is also its Kubernetes namespace: a DNS-1123 label
 * (lower-case letters, digits and `-`, starting and ending with a letter or digit, at most 63
 * characters).
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-label-names
 */
export const teamNamePattern = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
/** {@link teamNamePattern} as a schema. */
export const TeamName = Type.String({ minLength: 1, maxLength: 63, pattern: teamNamePattern });

/** A user as an admin sees it. Password hashes are never part of any answer. */
export const AdminUser = Type.Object(
  {
    id: Type.String(),
    username: Type.String(),
    displayName: Type.String(),
    role: UserRole,
    /** A disabled user can no longer sign in; their sessions and tokens stop working. */
    disabled: Type.Boolean(),
    /** False for users provisioned by a trusted proxy (SSO): they cannot sign in locally. */
    hasPassword: Type.Boolean(),
    /** Team names the user is a member of (stored memberships, not SSO groups). */
    teams: Type.Array(Type.String()),
    /** ISO 8601 UTC timestamp. */
    createdAt: Type.String(),
  },
  { $id: 'AdminUser', additionalProperties: false },
);
export type AdminUser = Static<typeof AdminUser>;

/** Body of `GET /api/v1/admin/users`, ordered by username. */
export const AdminUserList = Type.Object(
  { items: Type.Array(Type.Object(AdminUser.properties, { additionalProperties: false })) },
  { $id: 'AdminUserList', additionalProperties: false },
);
export type AdminUserList = Static<typeof AdminUserList>;

/** Body of `POST /api/v1/admin/users`. `displayName` defaults to the username. */
export const CreateUserRequest = Type.Object(
  {
    username: Username,
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    password: Password,
    role: UserRole,
    /** Teams the user is a member of from the start; each must exist. */
    teams: Type.Optional(Type.Array(TeamName, { maxItems: 100, uniqueItems: true })),
  },
  { $id: 'CreateUserRequest', additionalProperties: false },
);
export type CreateUserRequest = Static<typeof CreateUserRequest>;

/**
 * Body of `PATCH /api/v1/admin/users/:id`: only the fields sent change. A new `password` or
 * `disabled: true` ends the user's sessions; a new `password` also revokes their API tokens
 * unless `revokeTokens` is false.
 */
export const UpdateUserRequest = Type.Object(
  {
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    role: Type.Optional(UserRole),
    password: Type.Optional(Password),
    disabled: Type.Optional(Type.Boolean()),
    /** With `password`: whether the user's API tokens stop working too. Defaults to true. */
    revokeTokens: Type.Optional(Type.Boolean()),
  },
  { $id: 'UpdateUserRequest', additionalProperties: false, minProperties: 1 },
);
export type UpdateUserRequest = Static<typeof UpdateUserRequest>;

/** Path parameters of `/api/v1/admin/users/:id`. */
export const UserIdParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);
export type UserIdParams = Static<typeof UserIdParams>;

/** A team: a Kubernetes namespace plus the users who work in it. */
export const Team = Type.Object(
  {
    name: Type.String(),
    displayName: Type.String(),
    description: Type.String(),
    /** Usernames of the members, sorted. */
    members: Type.Array(Type.String()),
    /** ISO 8601 UTC timestamp. */
    createdAt: Type.String(),
  },
  { $id: 'Team', additionalProperties: false },
);
export type Team = Static<typeof Team>;

/** Body of `GET /api/v1/admin/teams`, ordered by name. */
export const TeamList = Type.Object(
  { items: Type.Array(Type.Object(Team.properties, { additionalProperties: false })) },
  { $id: 'TeamList', additionalProperties: false },
);
export type TeamList = Static<typeof TeamList>;

/** Body of `POST /api/v1/admin/teams`. `displayName` defaults to the name. */
export const CreateTeamRequest = Type.Object(
  {
    name: TeamName,
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { $id: 'CreateTeamRequest', additionalProperties: false },
);
export type CreateTeamRequest = Static<typeof CreateTeamRequest>;

/** Path parameters of `/api/v1/admin/teams/:name`. */
export const TeamNameParams = Type.Object({ name: TeamName }, { additionalProperties: false });
export type TeamNameParams = Static<typeof TeamNameParams>;

/** Body of `PUT /api/v1/admin/teams/:name/members`: the complete member list, by username. */
export const SetTeamMembersRequest = Type.Object(
  { members: Type.Array(Username, { maxItems: 10_000, uniqueItems: true }) },
  { $id: 'SetTeamMembersRequest', additionalProperties: false },
);
export type SetTeamMembersRequest = Static<typeof SetTeamMembersRequest>;
