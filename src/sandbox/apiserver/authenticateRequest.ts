import type { IncomingMessage } from 'node:http';

import { forbiddenError } from './forbiddenError.ts';
import type { AccessDecision } from './RbacAuthorizer.ts';
import type { RequestAttributes } from './requestAttributes.ts';
import { type ServiceAccountTokens, serviceAccountUser } from './ServiceAccountTokens.ts';
import { unauthorized } from './statusError.ts';
import { sandboxAdmin, type UserInfo } from './userInfo.ts';

/** How requests are authenticated, and who may impersonate whom. */
export interface RequestAuthentication {
  /** The admin token (`--token`): it authenticates as {@link sandboxAdmin}. */
  adminToken?: string;
  tokens: ServiceAccountTokens;
  /** Decides `impersonate` requests; without it, anyone may impersonate anyone. */
  authorize?: (user: UserInfo, attributes: RequestAttributes) => AccessDecision;
}

const authenticated = 'system:authenticated';
const unauthenticated = 'system:unauthenticated';
const serviceAccountPrefix = 'system:serviceaccount:';

/**
 * Who sends a request, as a Kubernetes API server decides it. `Authorization: Bearer <token>`
 * must be the admin token, or a live ServiceAccount token; any other token gets 401
 * `Unauthorized`. Without a bearer token, the request is the admin when no admin token is
 * configured (the sandbox's own kubeconfig then carries none), else 401 (anonymous auth off).
 * Then the `Impersonate-User`/`-Group`/`-Uid`/`-Extra-*` headers switch identity, each checked
 * as an `impersonate` request of the caller (users, groups, serviceaccounts, uids, userextras);
 * the impersonated user gets `system:authenticated`, and a ServiceAccount its groups.
 */
export function authenticateRequest(
  auth: RequestAuthentication,
  request: IncomingMessage,
): UserInfo {
  const user = authenticateToken(auth, request.headers.authorization);
  const headers = request.headersDistinct;
  const username = headers['impersonate-user']?.[0];
  if (!username) return user;
  const groups = (headers['impersonate-group'] ?? []).filter(Boolean);
  const uid = headers['impersonate-uid']?.[0];
  const extra: Record<string, string[]> = {};
  for (const [header, values] of Object.entries(headers)) {
    if (!header.startsWith('impersonate-extra-') || !values) continue;
    extra[decodeURIComponent(header.slice('impersonate-extra-'.length))] = values;
  }

  const checks: RequestAttributes[] = [];
  const attributes = (
    resource: string,
    name: string,
    extraFields: Partial<RequestAttributes> = {},
  ): RequestAttributes => ({
    resourceRequest: true,
    verb: 'impersonate',
    path: '',
    apiGroup: '',
    apiVersion: '',
    namespace: '',
    resource,
    subresource: '',
    name,
    ...extraFields,
  });
  let impersonated: UserInfo;
  if (username.startsWith(serviceAccountPrefix)) {
    const [namespace = '', name = ''] = username.slice(serviceAccountPrefix.length).split(':');
    checks.push(attributes('serviceaccounts', name, { namespace }));
    const account = serviceAccountUser(namespace, name);
    impersonated = {
      username,
      groups: [...account.groups.filter((group) => group !== authenticated), ...groups],
    };
  } else {
    checks.push(attributes('users', username));
    impersonated = { username, groups };
  }
  for (const group of groups) checks.push(attributes('groups', group));
  if (uid) {
    checks.push(attributes('uids', uid, { apiGroup: 'authentication.k8s.io' }));
    impersonated.uid = uid;
  }
  for (const [key, values] of Object.entries(extra)) {
    for (const value of values) {
      checks.push(
        attributes('userextras', value, { apiGroup: 'authentication.k8s.io', subresource: key }),
      );
    }
  }
  if (Object.keys(extra).length > 0) impersonated.extra = extra;
  for (const check of checks) {
    const decision = auth.authorize?.(user, check) ?? { allowed: true };
    if (!decision.allowed) throw forbiddenError(user.username, check, decision.reason);
  }
  if (
    username !== 'system:anonymous' &&
    !impersonated.groups.includes(authenticated) &&
    !impersonated.groups.includes(unauthenticated)
  ) {
    impersonated.groups = [...impersonated.groups, authenticated];
  }
  return impersonated;
}

function authenticateToken(auth: RequestAuthentication, header: string | undefined): UserInfo {
  const token = /^bearer\s+(\S.*)$/i.exec(header ?? '')?.[1]?.trim();
  if (token === undefined) {
    if (auth.adminToken) throw unauthorized();
    return sandboxAdmin;
  }
  if (auth.adminToken && token === auth.adminToken) return sandboxAdmin;
  const user = auth.tokens.authenticate(token);
  if (!user) throw unauthorized();
  return user;
}
