import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

import type { ObjectApi } from './objectApi.ts';
import { serviceAccountUsername } from './RbacAuthorizer.ts';
import type { KubeObject, ResourceType } from './resourceType.ts';
import { badRequest, conflict, invalid } from './statusError.ts';
import type { UserInfo } from './userInfo.ts';

/** `spec` of an authentication.k8s.io/v1 TokenRequest. */
export interface TokenRequestSpec {
  audiences?: string[];
  expirationSeconds?: number;
  boundObjectRef?: { kind?: string; apiVersion?: string; name?: string; uid?: string } | null;
}

/** The issuer and audience of a real cluster's tokens; the sandbox accepts only this audience. */
export const apiServerAudience = 'https://kubernetes.default.svc.cluster.local';
/** `iss` of legacy (Secret-stored, non-expiring) ServiceAccount tokens. */
const legacyIssuer = 'kubernetes/serviceaccount';
/** TokenRequest defaults and bounds, in seconds: 1 hour; at least 10 minutes; at most 2^32. */
const defaultExpirationSeconds = 3600;
const minExpirationSeconds = 600;
const maxExpirationSeconds = 2 ** 32;
export const serviceAccountTokenSecretType = 'kubernetes.io/service-account-token';
const serviceAccountNameAnnotation = 'kubernetes.io/service-account.name';
const serviceAccountUidAnnotation = 'kubernetes.io/service-account.uid';

interface BoundClaims {
  iss: string;
  sub: string;
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  jti: string;
  'kubernetes.io': {
    namespace: string;
    serviceaccount: { name: string; uid: string };
    pod?: { name: string; uid: string };
    secret?: { name: string; uid: string };
  };
}

interface LegacyClaims {
  iss: typeof legacyIssuer;
  sub: string;
  'kubernetes.io/serviceaccount/namespace': string;
  'kubernetes.io/serviceaccount/secret.name': string;
  'kubernetes.io/serviceaccount/service-account.name': string;
  'kubernetes.io/serviceaccount/service-account.uid': string;
}

/**
 * ServiceAccount tokens as a Kubernetes API server issues and checks them.
 *
 * Bound tokens come from the TokenRequest subresource (`POST …/serviceaccounts/{name}/token`,
 * what `kubectl create token` sends). They are JWTs with upstream's claims (`sub`, `aud`, `exp`,
 * `iat`, `nbf`, `jti`, `kubernetes.io.{namespace,serviceaccount,pod,secret}`), but signed with
 * HS256 under a random per-process key instead of RS256: they stop authenticating when the
 * sandbox restarts, when they expire (by the sandbox's clock, default 3600 s), when their
 * ServiceAccount (or bound Pod/Secret) is deleted or replaced, and when their audiences leave
 * out {@link apiServerAudience}.
 *
 * Legacy tokens: a Secret of type `kubernetes.io/service-account-token` annotated with
 * `kubernetes.io/service-account.name` gets `data.token` (a non-expiring JWT), `data.namespace`
 * and `data["ca.crt"]` (empty: the sandbox has no TLS), as the token controller fills it. Such a
 * token authenticates while the Secret holds it and the ServiceAccount exists, restarts included.
 */
export class ServiceAccountTokens {
  private readonly api: ObjectApi;
  private readonly now: () => Date;
  private readonly key = randomBytes(32);

  constructor(api: ObjectApi, options: { now?: () => Date } = {}) {
    this.api = api;
    this.now = options.now ?? (() => new Date());
    this.api.store.subscribe('/secrets', (event) => {
      if (event.type !== 'DELETED') this.fillLegacyTokenSecret(event.record.object);
    });
  }

  /** Answers a TokenRequest for ServiceAccount `namespace/name` (the 201 body). */
  request(namespace: string, name: string, body: unknown): object {
    const spec = ((body ?? {}) as { spec?: TokenRequestSpec }).spec ?? {};
    const expirationSeconds = spec.expirationSeconds ?? defaultExpirationSeconds;
    const tooShort = expirationSeconds < minExpirationSeconds;
    if (tooShort || expirationSeconds > maxExpirationSeconds) {
      throw invalid('TokenRequest', 'authentication.k8s.io', name, [
        {
          field: 'spec.expirationSeconds',
          reason: 'FieldValueInvalid',
          message: `Invalid value: ${expirationSeconds}: may not specify a duration ${tooShort ? 'less than 10 minutes' : 'larger than 2^32 seconds'}`,
        },
      ]);
    }
    const serviceAccount = this.api.get(this.type('serviceaccounts'), namespace, name);
    const audiences = spec.audiences?.length ? spec.audiences : [apiServerAudience];
    const bound = this.boundObject(namespace, name, spec.boundObjectRef ?? undefined);
    const issuedAt = Math.floor(this.now().getTime() / 1000);
    const claims: BoundClaims = {
      aud: audiences,
      exp: issuedAt + expirationSeconds,
      iat: issuedAt,
      iss: apiServerAudience,
      jti: randomUUID(),
      'kubernetes.io': {
        namespace,
        ...(bound ? { [bound.kind === 'Pod' ? 'pod' : 'secret']: bound.reference } : {}),
        serviceaccount: { name, uid: serviceAccount.metadata?.uid ?? '' },
      },
      nbf: issuedAt,
      sub: serviceAccountUsername(namespace, name),
    };
    return {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { name, namespace, creationTimestamp: null },
      spec: {
        audiences,
        expirationSeconds,
        boundObjectRef: spec.boundObjectRef ?? null,
      },
      status: {
        token: this.sign(claims),
        expirationTimestamp: new Date(claims.exp * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      },
    };
  }

  /** The ServiceAccount a token belongs to, or undefined when it does not authenticate. */
  authenticate(token: string): UserInfo | undefined {
    const [header, payload, signature] = token.split('.');
    if (!header || !payload || signature === undefined || token.split('.').length !== 3) {
      return undefined;
    }
    let claims: Partial<BoundClaims & LegacyClaims>;
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
    } catch {
      return undefined;
    }
    if (claims.iss === legacyIssuer) return this.authenticateLegacy(token, claims);
    const expected = createHmac('sha256', this.key).update(`${header}.${payload}`).digest();
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const nowSeconds = this.now().getTime() / 1000;
    const scope = claims['kubernetes.io'];
    if (
      claims.iss !== apiServerAudience ||
      !claims.aud?.includes(apiServerAudience) ||
      !scope ||
      (claims.exp ?? 0) <= nowSeconds ||
      (claims.nbf ?? 0) > nowSeconds
    ) {
      return undefined;
    }
    const serviceAccount = this.api.find(
      this.type('serviceaccounts'),
      scope.namespace,
      scope.serviceaccount.name,
    );
    if (!serviceAccount || serviceAccount.metadata?.uid !== scope.serviceaccount.uid) {
      return undefined;
    }
    for (const [kind, reference] of [
      ['pods', scope.pod],
      ['secrets', scope.secret],
    ] as const) {
      if (!reference) continue;
      const object = this.api.find(this.type(kind), scope.namespace, reference.name);
      if (object?.metadata?.uid !== reference.uid) return undefined;
    }
    return {
      ...serviceAccountUser(scope.namespace, scope.serviceaccount.name),
      uid: scope.serviceaccount.uid,
      extra: {
        'authentication.kubernetes.io/credential-id': [`JTI=${claims.jti ?? ''}`],
        ...(scope.pod
          ? {
              'authentication.kubernetes.io/pod-name': [scope.pod.name],
              'authentication.kubernetes.io/pod-uid': [scope.pod.uid],
            }
          : {}),
      },
    };
  }

  private authenticateLegacy(token: string, claims: Partial<LegacyClaims>): UserInfo | undefined {
    const namespace = claims['kubernetes.io/serviceaccount/namespace'] ?? '';
    const secretName = claims['kubernetes.io/serviceaccount/secret.name'] ?? '';
    const name = claims['kubernetes.io/serviceaccount/service-account.name'] ?? '';
    const uid = claims['kubernetes.io/serviceaccount/service-account.uid'] ?? '';
    const secret = this.api.find(this.type('secrets'), namespace, secretName);
    const stored = (secret?.['data'] as Record<string, string> | undefined)?.['token'];
    if (
      secret?.['type'] !== serviceAccountTokenSecretType ||
      !stored ||
      Buffer.from(stored, 'base64').toString('utf8') !== token
    ) {
      return undefined;
    }
    const serviceAccount = this.api.find(this.type('serviceaccounts'), namespace, name);
    if (!serviceAccount || serviceAccount.metadata?.uid !== uid) return undefined;
    return { ...serviceAccountUser(namespace, name), uid };
  }

  /** The token controller's part: fills a new legacy token Secret of an existing account. */
  private fillLegacyTokenSecret(secret: KubeObject): void {
    const annotations = secret.metadata?.annotations ?? {};
    const name = annotations[serviceAccountNameAnnotation];
    const data = (secret['data'] ?? {}) as Record<string, string>;
    if (secret['type'] !== serviceAccountTokenSecretType || !name || data['token']) return;
    const namespace = secret.metadata?.namespace ?? '';
    if (secret.metadata?.deletionTimestamp) return;
    const serviceAccount = this.api.find(this.type('serviceaccounts'), namespace, name);
    const uid = serviceAccount?.metadata?.uid;
    if (!uid) return;
    const claims: LegacyClaims = {
      iss: legacyIssuer,
      'kubernetes.io/serviceaccount/namespace': namespace,
      'kubernetes.io/serviceaccount/secret.name': secret.metadata?.name ?? '',
      'kubernetes.io/serviceaccount/service-account.name': name,
      'kubernetes.io/serviceaccount/service-account.uid': uid,
      sub: serviceAccountUsername(namespace, name),
    };
    const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
    this.api.patch(this.type('secrets'), namespace, secret.metadata?.name ?? '', 'merge', {
      metadata: { annotations: { [serviceAccountUidAnnotation]: uid } },
      data: { token: base64(this.sign(claims)), namespace: base64(namespace), 'ca.crt': '' },
    });
  }

  /** The Pod or Secret a token is bound to, checked as upstream's TokenRequest REST does. */
  private boundObject(
    namespace: string,
    serviceAccountName: string,
    reference: NonNullable<TokenRequestSpec['boundObjectRef']> | undefined,
  ): { kind: 'Pod' | 'Secret'; reference: { name: string; uid: string } } | undefined {
    if (!reference) return undefined;
    const kind = reference.kind;
    if (kind !== 'Pod' && kind !== 'Secret') {
      throw badRequest(`cannot bind token to object of type ${String(kind)}`);
    }
    const objectName = reference.name ?? '';
    const object = this.api.get(
      this.type(kind === 'Pod' ? 'pods' : 'secrets'),
      namespace,
      objectName,
    );
    if (kind === 'Pod') {
      const podAccount =
        (object['spec'] as { serviceAccountName?: string } | undefined)?.serviceAccountName ??
        'default';
      if (podAccount !== serviceAccountName) {
        throw badRequest(
          `cannot bind token for serviceaccount "${serviceAccountName}" to pod running with different serviceaccount name.`,
        );
      }
    }
    const uid = object.metadata?.uid ?? '';
    if (reference.uid && reference.uid !== uid) {
      throw conflict(
        { group: '', resource: kind, name: objectName },
        `the UID in the bound object reference (${reference.uid}) does not match the UID in record. The object might have been deleted and then recreated`,
      );
    }
    return { kind, reference: { name: objectName, uid } };
  }

  private sign(claims: object): string {
    const header = Buffer.from(JSON.stringify({ alg: 'HS256', kid: 'raydeck-sandbox' })).toString(
      'base64url',
    );
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    const signature = createHmac('sha256', this.key)
      .update(`${header}.${payload}`)
      .digest('base64url');
    return `${header}.${payload}.${signature}`;
  }

  private type(plural: string): ResourceType {
    const type = this.api.registry.lookup('', 'v1', plural);
    if (!type) throw new Error(`built-in type ${plural} is not registered`);
    return type;
  }
}

/** A ServiceAccount's username and the groups Kubernetes gives every ServiceAccount. */
export function serviceAccountUser(namespace: string, name: string): UserInfo {
  return {
    username: serviceAccountUsername(namespace, name),
    groups: [
      'system:serviceaccounts',
      `system:serviceaccounts:${namespace}`,
      'system:authenticated',
    ],
  };
}
