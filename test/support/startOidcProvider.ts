import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

import Provider, { type Configuration } from 'oidc-provider';

/** An account of the loopback identity provider. */
export interface OidcTestAccount {
  username: string;
  name: string;
  groups: string[];
}

/** A running loopback OIDC provider (the certified `oidc-provider` library, not a mock). */
export interface OidcTestProvider {
  /** Issuer URL, `http://127.0.0.1:<port>`. */
  issuer: URL;
  clientId: string;
  clientSecret: string;
  /** Accounts by subject; change them between sign-ins (e.g. remove a group). */
  accounts: Map<string, OidcTestAccount>;
  close(): Promise<void>;
}

/**
 * Starts `oidc-provider` on 127.0.0.1 with one confidential client (code flow, PKCE), a
 * `groups` scope and claim, ID-token claims from the scopes, RP-initiated logout, and a
 * one-field sign-in page: `POST /interaction/<uid>/login` with `subject=<account subject>`
 * signs in and consents at once. Keys are generated per start. Test support only.
 */
export async function startOidcProvider(options: {
  redirectUri: string;
  postLogoutRedirectUri: string;
  accounts: Record<string, OidcTestAccount>;
  /** ID-token lifetime in seconds. Defaults to 3600. */
  idTokenTtlSeconds?: number;
}): Promise<OidcTestProvider> {
  const accounts = new Map(Object.entries(options.accounts));
  const clientId = 'raydeck';
  const clientSecret = 'raydeck-test-client-secret-0123456789';
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = {
    ...privateKey.export({ format: 'jwk' }),
    kid: 'test-key',
    use: 'sig',
    alg: 'RS256',
  };

  // The provider needs its issuer URL, which needs the port: listen first, route later.
  const routing: { handler?: (req: IncomingMessage, res: ServerResponse) => void } = {};
  const server = createServer((req, res) => routing.handler?.(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const issuer = new URL(`http://127.0.0.1:${port}`);

  const configuration: Configuration = {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [options.redirectUri],
        post_logout_redirect_uris: [options.postLogoutRedirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [jwk] },
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username'],
      email: ['email'],
      groups: ['groups'],
    },
    scopes: ['openid', 'profile', 'email', 'groups'],
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    ttl: { IdToken: options.idTokenTtlSeconds ?? 3600 },
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx, sub) => {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        claims: () => ({
          sub,
          preferred_username: account.username,
          name: account.name,
          groups: [...account.groups],
        }),
      };
    },
  };
  const provider = new Provider(issuer.href.replace(/\/$/, ''), configuration);
  const providerCallback = provider.callback();

  routing.handler = (req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(url.pathname);
    if (!match) {
      providerCallback(req, res);
      return;
    }
    void (async () => {
      try {
        if (req.method === 'GET' && !match[2]) {
          res.setHeader('content-type', 'text/html; charset=utf-8');
          res.end(
            `<!doctype html><title>Loopback IdP</title><form method="post" action="/interaction/${match[1]}/login">` +
              `<label>Subject <input name="subject" autofocus></label><button type="submit">Sign in</button></form>`,
          );
          return;
        }
        let body = '';
        for await (const chunk of req) body += String(chunk);
        const subject = new URLSearchParams(body).get('subject') ?? '';
        const details = await provider.interactionDetails(req, res);
        if (!accounts.has(subject)) {
          await provider.interactionFinished(req, res, {
            error: 'access_denied',
            error_description: 'unknown account',
          });
          return;
        }
        const grant = new provider.Grant({
          accountId: subject,
          clientId: String(details.params['client_id']),
        });
        grant.addOIDCScope(String(details.params['scope']));
        const grantId = await grant.save();
        await provider.interactionFinished(
          req,
          res,
          { login: { accountId: subject }, consent: { grantId } },
          { mergeWithLastSubmission: false },
        );
      } catch (error) {
        res.statusCode = 500;
        res.end(String(error));
      }
    })();
  };

  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
