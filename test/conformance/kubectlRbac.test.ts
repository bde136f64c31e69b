import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { expectKubectlOk, type KubectlResult, kubectlRunner } from '../support/runKubectl.ts';
import { type RbacTestSandbox, startRbacSandbox } from '../support/startRbacSandbox.ts';
import {
  sandboxRequester,
  startTestSandbox,
  type TestSandbox,
} from '../support/startTestSandbox.ts';

// kubectl sends no bearer token to a plain-HTTP server, so this sandbox has no admin token:
// kubectl is the admin, and acts as the ServiceAccount with --as (impersonation, checked too).
let sandbox: TestSandbox;
let kubectl: (args: string[], input?: string) => Promise<KubectlResult>;
const bot = 'system:serviceaccount:team-a:bot';
const asBot = ['--as', bot];

const manifests = `
apiVersion: v1
kind: Namespace
metadata: {name: team-a}
---
apiVersion: v1
kind: Namespace
metadata: {name: team-b}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: bot, namespace: team-a}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pod-reader, namespace: team-a}
rules:
  - apiGroups: ['']
    resources: [pods]
    verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: bot-reads-pods, namespace: team-a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader}
subjects:
  - {kind: ServiceAccount, name: bot, namespace: team-a}
`;

beforeAll(async () => {
  sandbox = await startTestSandbox({ rbac: true });
  kubectl = kubectlRunner(sandbox.kubeconfig);
  expectKubectlOk(await kubectl(['apply', '-f', '-'], manifests));
});
afterAll(() => sandbox.close());

describe('kubectl 1.35 against a sandbox that enforces RBAC', () => {
  it('answers kubectl auth can-i from the bound Role', async () => {
    expect(
      expectKubectlOk(await kubectl([...asBot, 'auth', 'can-i', 'list', 'pods', '-n', 'team-a'])),
    ).toBe('yes\n');
    const otherNamespace = await kubectl([
      ...asBot,
      'auth',
      'can-i',
      'list',
      'pods',
      '-n',
      'team-b',
    ]);
    expect(otherNamespace).toMatchObject({ code: 1, stdout: 'no\n' });
    const secrets = await kubectl([...asBot, 'auth', 'can-i', 'get', 'secrets', '-n', 'team-a']);
    expect(secrets).toMatchObject({ code: 1, stdout: 'no\n' });
    expect(expectKubectlOk(await kubectl([...asBot, 'auth', 'can-i', 'get', '/healthz']))).toBe(
      'yes\n',
    );
    expect(expectKubectlOk(await kubectl(['auth', 'can-i', '*', '*']))).toBe('yes\n');
  });

  it('lists the rules with kubectl auth can-i --list', async () => {
    const table = expectKubectlOk(
      await kubectl([...asBot, 'auth', 'can-i', '--list', '-n', 'team-a']),
    );
    const pods = table.split('\n').find((line) => line.startsWith('pods '));
    expect(pods?.replace(/\s+/g, ' ').trim()).toBe('pods [] [] [get list watch]');
    expect(table).toContain('selfsubjectaccessreviews.authorization.k8s.io');
  });

  it('prints the exact Forbidden error for a refused kubectl get', async () => {
    expect(expectKubectlOk(await kubectl([...asBot, 'get', 'pods', '-n', 'team-a']))).toBe('');
    const refused = await kubectl([...asBot, 'get', 'pods', '-n', 'team-b']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `Error from server (Forbidden): pods is forbidden: User "${bot}" cannot list resource "pods" in API group "" in the namespace "team-b"`,
    );
    const secret = await kubectl([...asBot, 'get', 'secret', 'x', '-n', 'team-a']);
    expect(secret.stderr).toContain(
      `Error from server (Forbidden): secrets "x" is forbidden: User "${bot}" cannot get resource "secrets" in API group "" in the namespace "team-a"`,
    );
  });

  it('tells who is asking with kubectl auth whoami', async () => {
    const admin = JSON.parse(expectKubectlOk(await kubectl(['auth', 'whoami', '-o', 'json']))) as {
      status: { userInfo: object };
    };
    expect(admin.status.userInfo).toEqual({
      username: 'sandbox-admin',
      groups: ['system:masters', 'system:authenticated'],
    });
    const asServiceAccount = JSON.parse(
      expectKubectlOk(await kubectl([...asBot, 'auth', 'whoami', '-o', 'json'])),
    ) as { status: { userInfo: object } };
    expect(asServiceAccount.status.userInfo).toEqual({
      username: bot,
      groups: ['system:serviceaccounts', 'system:serviceaccounts:team-a', 'system:authenticated'],
    });
  });

  it('mints a working token with kubectl create token', async () => {
    const token = expectKubectlOk(
      await kubectl(['create', 'token', 'bot', '-n', 'team-a', '--duration', '20m']),
    ).trim();
    const request = sandboxRequester(sandbox.url, token);
    expect((await request('GET', '/api/v1/namespaces/team-a/pods')).status).toBe(200);
    expect((await request('GET', '/api/v1/namespaces/team-b/pods')).status).toBe(403);
    const tooShort = await kubectl(['create', 'token', 'bot', '-n', 'team-a', '--duration', '5m']);
    expect(tooShort.code).toBe(1);
    expect(tooShort.stderr).toContain('may not specify a duration less than 10 minutes');
    const missing = await kubectl(['create', 'token', 'ghost', '-n', 'team-a']);
    expect(missing.stderr).toContain('serviceaccounts "ghost" not found');
    // The ServiceAccount itself may not mint tokens: that needs serviceaccounts/token.
    const selfMinted = await kubectl([...asBot, 'create', 'token', 'bot', '-n', 'team-a']);
    expect(selfMinted.stderr).toContain(
      `serviceaccounts "bot" is forbidden: User "${bot}" cannot create resource "serviceaccounts/token" in API group "" in the namespace "team-a"`,
    );
  });
});

describe('kubectl 1.35 with bearer tokens over TLS', () => {
  let tlsSandbox: RbacTestSandbox;
  beforeAll(async () => {
    tlsSandbox = await startRbacSandbox({ tls: true });
  });
  afterAll(() => tlsSandbox.close());

  it('authenticates the admin token and a ServiceAccount token, and refuses others', async () => {
    expect(tlsSandbox.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const admin = kubectlRunner(tlsSandbox.kubeconfig);
    expectKubectlOk(await admin(['apply', '-f', '-'], manifests));
    expect(
      expectKubectlOk(
        await admin(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}']),
      ),
    ).toBe('sandbox-admin');

    const account = await tlsSandbox.serviceAccount('team-a', 'bot');
    const asAccount = kubectlRunner(account.kubeconfig);
    expect(
      expectKubectlOk(
        await asAccount(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}']),
      ),
    ).toBe(bot);
    expect(
      expectKubectlOk(await asAccount(['auth', 'can-i', 'list', 'pods', '-n', 'team-a'])),
    ).toBe('yes\n');
    const refused = await asAccount(['get', 'pods', '-n', 'team-b']);
    expect(refused.stderr).toContain(
      `Error from server (Forbidden): pods is forbidden: User "${bot}" cannot list resource "pods" in API group "" in the namespace "team-b"`,
    );

    const minted = expectKubectlOk(await admin(['create', 'token', 'bot', '-n', 'team-a'])).trim();
    const withToken = await admin([
      '--token',
      minted,
      'auth',
      'whoami',
      '-o',
      'jsonpath={.status.userInfo.username}',
    ]);
    expect(expectKubectlOk(withToken)).toBe(bot);
    const unknown = await admin(['--token', 'not-a-token', 'get', 'namespaces']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('error: You must be logged in to the server (Unauthorized)');
  });
});
