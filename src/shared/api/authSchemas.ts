import { type Static, Type } from 'typebox';

import { maxPasswordLength, minPasswordLength } from './passwordProblem.ts';

/**
 * What a user may do. `admin`: everything in every team; `member`: read and write in their
 * teams' namespaces; `viewer`: read only in their teams' namespaces.
 */
export const UserRole = Type.Union([
  Type.Literal('admin'),
  Type.Literal('member'),
  Type.Literal('viewer'),
]);
export type UserRole = Static<typeof UserRole>;

/**
 * How a request proved who it is: a browser session cookie, an API token (`Authorization:
 * Bearer rdk_…`) or the user header of a trusted authenticating proxy (oauth2-proxy).
 */
export const AuthMethod = Type.Union([
  Type.Literal('session'),
  Type.Literal('token'),
  Type.Literal('header'),
]);
export type AuthMethod = Static<typeof AuthMethod>;

/** The pattern of {@link Username}, for checks outside schema validation. */
export const usernamePattern = '^[A-Za-z0-9][A-Za-z0-9._@+-]*$';

/**
 * A login name: letters, digits and `._@+-`, starting with a letter or digit, at most 128
 * characters, so that e-mail addresses from an SSO proxy fit too.
 */
export const Username = Type.String({ minLength: 1, maxLength: 128, pattern: usernamePattern });

/**
 * A new password as typed: 12 to 1024 characters. The whole rule (not the username, not a
 * common password) is `passwordProblem`, checked by the server. Never stored, logged or returned.
 */
export const Password = Type.String({
  minLength: minPasswordLength,
  maxLength: maxPasswordLength,
});

/** The signed-in user as the portal sees it, with the teams (namespaces) they belong to. */
export const CurrentUser = Type.Object(
  {
    id: Type.String(),
    username: Type.String(),
    displayName: Type.String(),
    role: UserRole,
    /** Team names, which are also the Kubernetes namespaces the user works in. */
    teams: Type.Array(Type.String()),
    via: AuthMethod,
  },
  { additionalProperties: false },
);
export type CurrentUser = Static<typeof CurrentUser>;

/** Body of `POST /api/v1/auth/login`. */
export const LoginRequest = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 128 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { $id: 'LoginRequest', additionalProperties: false },
);
export type LoginRequest = Static<typeof LoginRequest>;

/**
 * Body of `POST /api/v1/auth/login` and `GET /api/v1/auth/me`. `csrfToken` must be sent as the
 * `x-csrf-token` header on every mutation made with the session cookie; it is null when the
 * request was authenticated by an API token, which needs no CSRF token.
 */
export const SessionInfo = Type.Object(
  {
    user: CurrentUser,
    csrfToken: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'SessionInfo', additionalProperties: false },
);
export type SessionInfo = Static<typeof SessionInfo>;

/**
 * Body of `POST /api/v1/auth/password`: the signed-in user changes their own password. Their
 * other browser sessions end; so do their API tokens unless `revokeTokens` is false.
 */
export const ChangePasswordRequest = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1, maxLength: maxPasswordLength }),
    password: Password,
    /** Whether the user's API tokens stop working too. Defaults to true. */
    revokeTokens: Type.Optional(Type.Boolean()),
  },
  { $id: 'ChangePasswordRequest', additionalProperties: false },
);
export type ChangePasswordRequest = Static<typeof ChangePasswordRequest>;

/** An API token as listed: never the secret, only its first characters for recognition. */
export const ApiTokenInfo = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    /** The token's first 12 characters, e.g. `rdk_Ab12Cd34`, to tell tokens apart. */
    prefix: Type.String(),
    /** ISO 8601 UTC timestamps. */
    createdAt: Type.String(),
    lastUsedAt: Type.Union([Type.String(), Type.Null()]),
    /** Null means the token does not expire. */
    expiresAt: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);
export type ApiTokenInfo = Static<typeof ApiTokenInfo>;

/** Body of `GET /api/v1/tokens`: the caller's own tokens, newest first. */
export const ApiTokenList = Type.Object(
  { items: Type.Array(ApiTokenInfo) },
  { $id: 'ApiTokenList', additionalProperties: false },
);
export type ApiTokenList = Static<typeof ApiTokenList>;

/**
 * Days a new API token lives when its request does not say: 90. One default for the web page,
 * the CLI and plain API calls, so no client makes never-expiring tokens by leaving a field out.
 */
export const defaultTokenLifetimeDays = 90;

/** Body of `POST /api/v1/tokens`. */
export const CreateApiTokenRequest = Type.Object(
  {
    /** What the token is for, e.g. `ci-pipeline`; 1 to 100 characters. */
    name: Type.String({ minLength: 1, maxLength: 100 }),
    /**
     * Days until the token stops working, 1 to 3650; `null` means it never expires. Omitted:
     * {@link defaultTokenLifetimeDays}.
     */
    expiresInDays: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1, maximum: 3650 }), Type.Null()], {
        default: defaultTokenLifetimeDays,
        description: `Days until the token stops working (1 to 3650); null: never. Default ${defaultTokenLifetimeDays}.`,
      }),
    ),
  },
  { $id: 'CreateApiTokenRequest', additionalProperties: false },
);
export type CreateApiTokenRequest = Static<typeof CreateApiTokenRequest>;

/**
 * Answer to `POST /api/v1/tokens`: the one and only time the secret `token` (`rdk_…`) is
 * shown. The server keeps only its SHA-256.
 */
export const CreatedApiToken = Type.Object(
  {
    ...ApiTokenInfo.properties,
    token: Type.String(),
  },
  { $id: 'CreatedApiToken', additionalProperties: false },
);
export type CreatedApiToken = Static<typeof CreatedApiToken>;

/** Path parameters of `DELETE /api/v1/tokens/:id`. */
export const TokenIdParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);
export type TokenIdParams = Static<typeof TokenIdParams>;
