import { readFileSync } from 'node:fs';

import { ConfigError, type ServerConfig } from '../serverConfig.ts';
import { parseTeamGroups } from './oidcGroupMapping.ts';
import { OidcSignIn, type OidcSignInOptions } from './OidcSignIn.ts';

/** The settings {@link oidcSignInFromConfig} reads. */
export type OidcConfig = Pick<
  ServerConfig,
  | 'oidcIssuer'
  | 'oidcClientId'
  | 'oidcClientSecret'
  | 'oidcClientSecretFile'
  | 'oidcRedirectUri'
  | 'oidcPostLogoutRedirectUri'
  | 'oidcScopes'
  | 'oidcUsernameClaim'
  | 'oidcGroupsClaim'
  | 'oidcAdminGroups'
  | 'oidcTeamGroups'
  | 'oidcTeamViewerGroups'
>;

/**
 * The OIDC sign-in the settings describe, or undefined when `--oidc-issuer` is unset. The
 * client secret comes from `--oidc-client-secret-file` (trailing newline dropped) or
 * `--oidc-client-secret`. Nothing is fetched here: discovery happens at the first sign-in, so
 * a provider that is down does not stop the portal (local break-glass accounts still work).
 * @throws ConfigError when the issuer is set without a client id or redirect URI, or the
 *   secret file cannot be read
 */
export function oidcSignInFromConfig(
  config: OidcConfig,
  extra: Pick<OidcSignInOptions, 'now' | 'fetch'> = {},
): OidcSignIn | undefined {
  const issuer = config.oidcIssuer;
  if (!issuer) return undefined;
  const problems: string[] = [];
  if (!config.oidcClientId) problems.push('--oidc-client-id: required with --oidc-issuer');
  if (!config.oidcRedirectUri) problems.push('--oidc-redirect-uri: required with --oidc-issuer');
  let clientSecret = config.oidcClientSecret;
  if (config.oidcClientSecretFile) {
    try {
      clientSecret = readFileSync(config.oidcClientSecretFile, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      const code = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
      problems.push(
        `--oidc-client-secret-file: cannot read ${config.oidcClientSecretFile} (${code})`,
      );
    }
  }
  const clientId = config.oidcClientId;
  const redirectUri = config.oidcRedirectUri;
  if (problems.length > 0 || !clientId || !redirectUri) throw new ConfigError(problems);
  return new OidcSignIn({
    issuer,
    clientId,
    clientSecret: clientSecret || undefined,
    redirectUri,
    postLogoutRedirectUri: config.oidcPostLogoutRedirectUri ?? new URL('/login', redirectUri),
    scopes: config.oidcScopes,
    usernameClaim: config.oidcUsernameClaim,
    groupsClaim: config.oidcGroupsClaim,
    mapping: {
      adminGroups: config.oidcAdminGroups ?? [],
      memberGroups: parseTeamGroups(config.oidcTeamGroups ?? ''),
      viewerGroups: parseTeamGroups(config.oidcTeamViewerGroups ?? ''),
    },
    ...extra,
  });
}
