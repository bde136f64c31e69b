import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type RbacTestSandbox, startRbacSandbox } from '../../../test/support/startRbacSandbox.ts';
import { sandboxRequester } from '../../../test/support/startTestSandbox.ts';

/** The sandbox's clock: tokens expire by it, never by the real one. */
const start = Date.parse('2026-03-01T12:00:00Z');
let now = start;
let sandbox: RbacTestSandbox;

beforeAll(async () => {
  sandbox = await startRbacSandbox({ now: () => new Date(now) });
});
afterAll(() => sandbox.close());

const unauthorizedStatus = {
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: 'Unauthorized',
  reason: 'Unauthorized',
  code: 401,
};

async function whoami(token: string): Promise<{ status: number; body: unknown }> {
  return sandboxRequester(sandbox.url, token)(
    'POST',
    '/apis/authentication.k8s.io/v1/selfsubjectreviews',
    { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
  );
}

describe('bearer tokens', () => {
  it('answers 401 Unauthorized to no token and to unknown tokens', async () => {
    const anonymous = sandboxRequester(sandbox.url, undefined);
    expect(await anonymous('GET', '/api/v1/namespaces')).toMatchObject({
      status: 401,
      body: unauthorizedStatus,
    });
    expect(await whoami('not-a-token')).toMatchObject({ status: 401, body: unauthorizedStatus });
    expect((await whoami('a.b.c')).status).toBe(401);
    const admin = await whoami(sandbox.adminToken);
    expect((admin.body as { status: { userInfo: object } }).status.userInfo).toEqual({
      username: 'sandbox-admin',
      groups: ['system:masters', 'system:authenticated'],
    });
  });

  it('mints TokenRequests valid for expirationSeconds (default 3600) by the sandbox clock', async () => {
    now = start;
    const account = await sandbox.serviceAccount('team-t', 'runner');
    const minted = await sandbox.request(
      'POST',
      '/api/v1/namespaces/team-t/serviceaccounts/runner/token',
      { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {} },
    );
    expect(minted.status).toBe(201);
    expect(minted.body).toMatchObject({
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { name: 'runner', namespace: 'team-t' },
      spec: {
        audiences: ['https://kubernetes.default.svc.cluster.local'],
        expirationSeconds: 3600,
        boundObjectRef: null,
      },
      status: { expirationTimestamp: '2026-03-01T13:00:00Z' },
    });
    const token = (minted.body as { status: { token: string } }).status.token;
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
      sub: string;
      exp: number;
      'kubernetes.io': { namespace: string; serviceaccount: { name: string } };
    };
    expect(claims.sub).toBe('system:serviceaccount:team-t:runner');
    expect(claims.exp).toBe(start / 1000 + 3600);
    expect(claims['kubernetes.io'].serviceaccount.name).toBe('runner');

    const user = (await whoami(token)).body as {
      status: { userInfo: { username: string; uid: string; groups: string[]; extra: object } };
    };
    expect(user.status.userInfo).toMatchObject({
      username: account.username,
      groups: ['system:serviceaccounts', 'system:serviceaccounts:team-t', 'system:authenticated'],
    });
    expect(user.status.userInfo.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(user.status.userInfo.extra).toHaveProperty('authentication.kubernetes.io/credential-id');

    now = start + 3599_000;
    expect((await whoami(token)).status).toBe(201);
    now = start + 3600_000;
    expect(await whoami(token)).toMatchObject({ status: 401, body: unauthorizedStatus });
    now = start;
  });

  it('validates expirationSeconds and the ServiceAccount', async () => {
    await sandbox.serviceAccount('team-t', 'runner');
    const short = await sandbox.request(
      'POST',
      '/api/v1/namespaces/team-t/serviceaccounts/runner/token',
      { spec: { expirationSeconds: 599 } },
    );
    expect(short.status).toBe(422);
    expect((short.body as { message: string }).message).toBe(
      'TokenRequest.authentication.k8s.io "runner" is invalid: spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes',
    );
    const ghost = await sandbox.request(
      'POST',
      '/api/v1/namespaces/team-t/serviceaccounts/ghost/token',
      { spec: {} },
    );
    expect(ghost.status).toBe(404);
    expect((ghost.body as { message: string }).message).toBe('serviceaccounts "ghost" not found');
    expect(
      (await sandbox.request('GET', '/api/v1/namespaces/team-t/serviceaccounts/runner/token'))
        .status,
    ).toBe(405);
  });

  it('refuses tokens for other audiences and tokens of a deleted ServiceAccount', async () => {
    const account = await sandbox.serviceAccount('team-t', 'short-lived');
    const foreign = await sandbox.request(
      'POST',
      '/api/v1/namespaces/team-t/serviceaccounts/short-lived/token',
      { spec: { audiences: ['vault'] } },
    );
    expect(
      (await whoami((foreign.body as { status: { token: string } }).status.token)).status,
    ).toBe(401);
    expect((await whoami(account.token)).status).toBe(201);
    await sandbox.request('DELETE', '/api/v1/namespaces/team-t/serviceaccounts/short-lived');
    expect((await whoami(account.token)).status).toBe(401);
    // A new account of the same name has another uid: the old token stays dead.
    await sandbox.serviceAccount('team-t', 'short-lived');
    expect((await whoami(account.token)).status).toBe(401);
  });

  it('fills legacy ServiceAccount token Secrets, whose tokens work while the Secret exists', async () => {
    await sandbox.serviceAccount('team-t', 'legacy');
    const created = await sandbox.request('POST', '/api/v1/namespaces/team-t/secrets', {
      metadata: {
        name: 'legacy-token',
        annotations: { 'kubernetes.io/service-account.name': 'legacy' },
      },
      type: 'kubernetes.io/service-account-token',
    });
    expect(created.status).toBe(201);
    const secret = (await sandbox.request('GET', '/api/v1/namespaces/team-t/secrets/legacy-token'))
      .body as { metadata: { annotations: Record<string, string> }; data: Record<string, string> };
    expect(secret.metadata.annotations['kubernetes.io/service-account.uid']).toMatch(
      /^[0-9a-f-]{36}$/,
    );
    expect(Buffer.from(secret.data['namespace'] ?? '', 'base64').toString()).toBe('team-t');
    const token = Buffer.from(secret.data['token'] ?? '', 'base64').toString();
    now = start + 365 * 24 * 3600_000;
    const user = (await whoami(token)).body as { status: { userInfo: { username: string } } };
    expect(user.status.userInfo.username).toBe('system:serviceaccount:team-t:legacy');
    now = start;
    await sandbox.request('DELETE', '/api/v1/namespaces/team-t/secrets/legacy-token');
    expect((await whoami(token)).status).toBe(401);
  });
});
