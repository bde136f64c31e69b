import { type Static, Type } from 'typebox';

/**
 * Where to go after signing in: a path of this portal (`/…`, never `//host` or a backslash),
 * so the sign-in cannot be used to redirect to another site.
 */
export const returnToPattern = '^/(?![/\\\\])[^\\\\\\s]*$';

/** Query of `GET /api/v1/auth/oidc/login`. */
export const OidcLoginQuery = Type.Object(
  { returnTo: Type.Optional(Type.String({ maxLength: 2048, pattern: returnToPattern })) },
  { additionalProperties: false },
);
export type OidcLoginQuery = Static<typeof OidcLoginQuery>;

/**
 * Query of `GET /api/v1/auth/oidc/callback`, as the identity provider sends it. Open to further
 * parameters (`iss`, `session_state`, …) because providers add their own; openid-client checks
 * the whole redirect.
 */
export const OidcCallbackQuery = Type.Object(
  {
    code: Type.Optional(Type.String({ maxLength: 4096 })),
    state: Type.Optional(Type.String({ maxLength: 512 })),
    error: Type.Optional(Type.String({ maxLength: 256 })),
  },
  { additionalProperties: true },
);
export type OidcCallbackQuery = Static<typeof OidcCallbackQuery>;

/** Body of `GET /api/v1/auth/methods`: how one may sign in here (drives the sign-in page). */
export const SignInMethods = Type.Object(
  {
    /** Username and password accounts (`POST /api/v1/auth/login`). */
    local: Type.Boolean(),
    /** Path that starts the OIDC sign-in, or null when OIDC is off. */
    oidcLoginPath: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'SignInMethods', additionalProperties: false },
);
export type SignInMethods = Static<typeof SignInMethods>;

/**
 * Body of `POST /api/v1/auth/oidc/logout`: the session has ended here; the browser goes to
 * `redirectTo` next (the provider's end-session endpoint when it has one, else `/login`).
 */
export const OidcLogoutResult = Type.Object(
  { redirectTo: Type.String() },
  { $id: 'OidcLogoutResult', additionalProperties: false },
);
export type OidcLogoutResult = Static<typeof OidcLogoutResult>;
