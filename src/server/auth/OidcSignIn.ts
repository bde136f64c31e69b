import * as oidc from 'openid-client';

import { usernamePattern } from '../../shared/api/authSchemas.ts';
import { isReservedUsername } from '../../shared/api/isReservedUsername.ts';
import { mapGroups, type MappedAccess, type OidcGroupMapping } from './oidcGroupMapping.ts';

/** Settings of the OIDC sign-in (see the `--oidc-*` settings). */
export interface OidcSignInOptions {
  /** Issuer URL; its `/.well-known/openid-configuration` is read on first use. */
  issuer: URL;
  clientId: string;
  /** Confidential client secret (sent as HTTP Basic); undefined = public client with PKCE only. */
  clientSecret: string | undefined;
  /** The portal's callback URL, exactly as registered at the provider. */
  redirectUri: URL;
  /** Where the provider sends the browser after logout; default the portal's `/login`. */
  postLogoutRedirectUri: URL;
  /** Scopes asked for; `openid` is always included. */
  scopes: readonly string[];
  /** ID-token claim holding the username, e.g. `preferred_username` or `email`. */
  usernameClaim: string;
  /** ID-token claim holding the groups (an array of strings, or one string). */
  groupsClaim: string;
  mapping: OidcGroupMapping;
  /** Seconds a started sign-in may take. Defaults to 600. */
  flowTtlSeconds?: number;
  /** Clock, injected by tests: ID-token `exp`/`iat` are judged against it. */
  now?: () => Date;
  /** HTTP client for every call to the provider (tests use it to tamper with answers). */
  fetch?: oidc.CustomFetch;
}

/** A started sign-in: send the browser to `url`, remember `state` in a cookie. */
export interface OidcStart {
  url: URL;
  state: string;
}

/** A finished sign-in. `externalId` is the account key `oidc:<iss>#<sub>` (ADR 0014). */
export interface OidcIdentity {
  externalId: string;
  username: string;
  displayName: string;
  groups: string[];
  /** Null when none of the groups is mapped: the sign-in must be refused. */
  access: MappedAccess | null;
  idToken: string;
  /** The ID token's expiry: the session ends then. */
  expiresAt: Date;
}

/** Why a callback was refused; `reason` is the API error reason. */
export class OidcSignInError extends Error {
  readonly reason: string;
  constructor(reason: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OidcSignInError';
    this.reason = reason;
  }
}

interface PendingFlow {
  verifier: string;
  nonce: string;
  returnTo: string;
  expiresAt: number;
}

/** At most this many sign-ins may be in flight (a flood of starts cannot exhaust memory). */
const maxPendingFlows = 10_000;
const usernameRegExp = new RegExp(usernamePattern);

/**
 * OpenID Connect sign-in: authorization code flow with PKCE (S256), state and nonce, through
 * openid-client (discovery, token exchange, ID-token checks: issuer, audience, expiry, nonce
 * and, with non-repudiation checks on, the JWS signature against the provider's JWKS).
 * Pending sign-ins live in memory for `flowTtlSeconds`, keyed by state and used once: a
 * callback must come back to the replica that started it (the kit runs one; with several,
 * use session affinity).
 */
export class OidcSignIn {
  readonly #options: OidcSignInOptions;
  readonly #pending = new Map<string, PendingFlow>();
  readonly #now: () => Date;
  #server: Promise<oidc.ServerMetadata> | undefined;

  constructor(options: OidcSignInOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => new Date());
  }

  /** The issuer's discovery document, fetched once (a failure is retried on next use). */
  async serverMetadata(): Promise<oidc.ServerMetadata> {
    this.#server ??= oidc
      .discovery(this.#options.issuer, this.#options.clientId, undefined, undefined, {
        ...(this.#options.fetch ? { [oidc.customFetch]: this.#options.fetch } : {}),
        ...(this.#options.issuer.protocol === 'http:'
          ? { execute: [oidc.allowInsecureRequests] }
          : {}),
      })
      .then((config) => config.serverMetadata());
    try {
      return await this.#server;
    } catch (error) {
      this.#server = undefined;
      throw error;
    }
  }

  /** Starts a sign-in that comes back to `returnTo` (a portal path, checked by the route). */
  async start(returnTo: string): Promise<OidcStart> {
    const config = await this.#configuration();
    this.#dropExpired();
    if (this.#pending.size >= maxPendingFlows) {
      throw new OidcSignInError('TooManySignIns', 'Too many sign-ins in progress; try again.');
    }
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const ttlMs = (this.#options.flowTtlSeconds ?? 600) * 1000;
    this.#pending.set(state, {
      verifier,
      nonce,
      returnTo,
      expiresAt: this.#now().getTime() + ttlMs,
    });
    const scopes = new Set(['openid', ...this.#options.scopes]);
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.#options.redirectUri.href,
      scope: [...scopes].join(' '),
      response_type: 'code',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url, state };
  }

  /**
   * Finishes a sign-in from the provider's redirect. `cookieState` is the state this browser
   * started with: a callback carrying another (a login forged into someone else's browser) is
   * refused. Each state is used once.
   * @throws OidcSignInError when anything does not check out
   */
  async finish(
    callbackQuery: URLSearchParams,
    cookieState: string | undefined,
  ): Promise<{ identity: OidcIdentity; returnTo: string }> {
    const state = callbackQuery.get('state') ?? '';
    const flow = this.#pending.get(state);
    if (flow) this.#pending.delete(state);
    if (!flow || !cookieState || cookieState !== state) {
      throw new OidcSignInError(
        'InvalidState',
        'This sign-in was not started in this browser, or was already used; sign in again.',
      );
    }
    if (flow.expiresAt <= this.#now().getTime()) {
      throw new OidcSignInError('SignInExpired', 'The sign-in took too long; sign in again.');
    }
    const providerError = callbackQuery.get('error');
    if (providerError) {
      throw new OidcSignInError('ProviderRefused', `The identity provider said ${providerError}.`);
    }
    const config = await this.#configuration();
    const currentUrl = new URL(this.#options.redirectUri.href);
    currentUrl.search = callbackQuery.toString();
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(config, currentUrl, {
        pkceCodeVerifier: flow.verifier,
        expectedState: state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      throw new OidcSignInError(
        'InvalidIdToken',
        'The identity provider’s answer did not check out (code, signature, issuer, audience, nonce or expiry).',
        { cause: error },
      );
    }
    const claims = tokens.claims();
    const idToken = tokens.id_token;
    if (!claims || !idToken) {
      throw new OidcSignInError('InvalidIdToken', 'The identity provider sent no ID token.');
    }
    return { identity: this.#identity(claims, idToken), returnTo: flow.returnTo };
  }

  /**
   * Where to send the browser to end the provider's session too: its end_session_endpoint
   * (RP-initiated logout) with the ID token as hint, or null when it has none.
   */
  async endSessionUrl(idToken: string | null): Promise<URL | null> {
    const config = await this.#configuration();
    if (!config.serverMetadata().end_session_endpoint) return null;
    return oidc.buildEndSessionUrl(config, {
      post_logout_redirect_uri: this.#options.postLogoutRedirectUri.href,
      ...(idToken ? { id_token_hint: idToken } : {}),
    });
  }

  #identity(claims: oidc.IDToken, idToken: string): OidcIdentity {
    const options = this.#options;
    const rawName = claims[options.usernameClaim];
    const username = typeof rawName === 'string' ? rawName.trim() : '';
    if (
      username.length === 0 ||
      username.length > 120 ||
      !usernameRegExp.test(username) ||
      isReservedUsername(username)
    ) {
      throw new OidcSignInError(
        'InvalidUsernameClaim',
        `The ID token's ${options.usernameClaim} claim is not a usable username.`,
      );
    }
    const rawGroups = claims[options.groupsClaim];
    const groups = (
      Array.isArray(rawGroups) ? rawGroups : typeof rawGroups === 'string' ? [rawGroups] : []
    )
      .filter((group): group is string => typeof group === 'string')
      .slice(0, 1000);
    const name = claims['name'];
    return {
      externalId: `oidc:${claims.iss}#${claims.sub}`,
      username,
      displayName: typeof name === 'string' && name.trim() ? name.trim().slice(0, 200) : username,
      groups,
      access: mapGroups(options.mapping, groups),
      idToken,
      expiresAt: new Date(claims.exp * 1000),
    };
  }

  /**
   * A client configuration over the discovered metadata, built per use so that the injected
   * clock applies: openid-client judges `exp` and `iat` by its own clock plus `clockSkew`.
   */
  async #configuration(): Promise<oidc.Configuration> {
    const options = this.#options;
    const skewSeconds = Math.round((this.#now().getTime() - Date.now()) / 1000);
    const config = new oidc.Configuration(
      await this.serverMetadata(),
      options.clientId,
      {
        ...(options.clientSecret !== undefined ? { client_secret: options.clientSecret } : {}),
        [oidc.clockSkew]: skewSeconds,
        [oidc.clockTolerance]: 30,
      },
      options.clientSecret !== undefined
        ? oidc.ClientSecretBasic(options.clientSecret)
        : oidc.None(),
    );
    if (options.fetch) config[oidc.customFetch] = options.fetch;
    if (options.issuer.protocol === 'http:') oidc.allowInsecureRequests(config);
    oidc.enableNonRepudiationChecks(config);
    return config;
  }

  #dropExpired(): void {
    const now = this.#now().getTime();
    for (const [state, flow] of this.#pending) {
      if (flow.expiresAt <= now) this.#pending.delete(state);
    }
  }
}
