import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  type RbacTestSandbox,
  type ServiceAccountCredentials,
  startRbacSandbox,
} from '../../../test/support/startRbacSandbox.ts';

let sandbox: RbacTestSandbox;
let bot: ServiceAccountCredentials;
const rbac = 'rbac.authorization.k8s.io';
const botUser = 'system:serviceaccount:team-a:bot';

beforeAll(async () => {
  sandbox = await startRbacSandbox();
  bot = await sandbox.serviceAccount('team-a', 'bot');
  await sandbox.apply([
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-b' } },
    {
      apiVersion: `${rbac}/v1`,
      kind: 'Role',
      metadata: { name: 'pod-reader', namespace: 'team-a' },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }],
    },
    {
      apiVersion: `${rbac}/v1`,
      kind: 'RoleBinding',
      metadata: { name: 'bot-reads-pods', namespace: 'team-a' },
      roleRef: { apiGroup: rbac, kind: 'Role', name: 'pod-reader' },
      subjects: [{ kind: 'ServiceAccount', name: 'bot', namespace: 'team-a' }],
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', namespace: 'team-a' },
      stringData: { password: 'hunter2' },
    },
  ]);
  for (const namespace of ['team-a', 'team-b']) {
    const created = await sandbox.request('POST', `/api/v1/namespaces/${namespace}/pods`, {
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    });
    expect(created.status).toBe(201);
  }
});
afterAll(() => sandbox.close());

function forbidden(message: string, details: object) {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: 'Forbidden',
    details,
    code: 403,
  };
}

describe('RBAC on every request (--rbac)', () => {
  it('lets a ServiceAccount list and get pods where its Role is bound', async () => {
    const list = await bot.request('GET', '/api/v1/namespaces/team-a/pods');
    expect(list.status).toBe(200);
    expect((list.body as { items: { metadata: { name: string } }[] }).items).toHaveLength(1);
    expect((await bot.request('GET', '/api/v1/namespaces/team-a/pods/p')).status).toBe(200);
  });

  it("refuses another namespace's pods with Kubernetes' exact 403", async () => {
    const list = await bot.request('GET', '/api/v1/namespaces/team-b/pods');
    expect(list.status).toBe(403);
    expect(list.body).toEqual(
      forbidden(
        `pods is forbidden: User "${botUser}" cannot list resource "pods" in API group "" in the namespace "team-b"`,
        { kind: 'pods' },
      ),
    );
    const get = await bot.request('GET', '/api/v1/namespaces/team-b/pods/p');
    expect(get.body).toEqual(
      forbidden(
        `pods "p" is forbidden: User "${botUser}" cannot get resource "pods" in API group "" in the namespace "team-b"`,
        { name: 'p', kind: 'pods' },
      ),
    );
    const everywhere = await bot.request('GET', '/api/v1/pods');
    expect((everywhere.body as { message: string }).message).toBe(
      `pods is forbidden: User "${botUser}" cannot list resource "pods" in API group "" at the cluster scope`,
    );
  });

  it('refuses secrets, writes, subresources and other groups', async () => {
    const secret = await bot.request('GET', '/api/v1/namespaces/team-a/secrets/db');
    expect(secret.status).toBe(403);
    expect((secret.body as { message: string }).message).toBe(
      `secrets "db" is forbidden: User "${botUser}" cannot get resource "secrets" in API group "" in the namespace "team-a"`,
    );
    expect((await bot.request('GET', '/api/v1/namespaces/team-a/secrets')).status).toBe(403);
    const create = await bot.request('POST', '/api/v1/namespaces/team-a/pods', {
      metadata: { name: 'q' },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    });
    expect((create.body as { message: string }).message).toBe(
      `pods is forbidden: User "${botUser}" cannot create resource "pods" in API group "" in the namespace "team-a"`,
    );
    const remove = await bot.request('DELETE', '/api/v1/namespaces/team-a/pods');
    expect((remove.body as { message: string }).message).toContain(
      'cannot deletecollection resource "pods"',
    );
    const log = await bot.request('GET', '/api/v1/namespaces/team-a/pods/p/log');
    expect((log.body as { message: string }).message).toBe(
      `pods "p" is forbidden: User "${botUser}" cannot get resource "pods/log" in API group "" in the namespace "team-a"`,
    );
    const ray = await bot.request('GET', '/apis/ray.io/v1/namespaces/team-a/rayclusters');
    expect(ray.body).toEqual(
      forbidden(
        `rayclusters.ray.io is forbidden: User "${botUser}" cannot list resource "rayclusters" in API group "ray.io" in the namespace "team-a"`,
        { group: 'ray.io', kind: 'rayclusters' },
      ),
    );
    const node = await bot.request('GET', '/api/v1/nodes/n1');
    expect((node.body as { message: string }).message).toBe(
      `nodes "n1" is forbidden: User "${botUser}" cannot get resource "nodes" in API group "" at the cluster scope`,
    );
    // Authorization comes before routing, as on a real server: no probing for what is served.
    const unknown = await bot.request('GET', '/apis/example.com/v1/namespaces/team-a/widgets');
    expect(unknown.status).toBe(403);
    expect((await sandbox.request('GET', '/apis/example.com/v1/widgets')).status).toBe(404);
  });

  it('lets any authenticated user read discovery and ask about itself', async () => {
    for (const path of ['/api', '/api/v1', '/apis', '/apis/ray.io/v1', '/version', '/healthz']) {
      expect((await bot.request('GET', path)).status, path).toBe(200);
    }
    const review = await bot.request(
      'POST',
      '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
      {
        spec: { resourceAttributes: { namespace: 'team-a', verb: 'watch', resource: 'pods' } },
      },
    );
    expect(review.status).toBe(201);
    expect((review.body as { status: object }).status).toEqual({
      allowed: true,
      reason: `RBAC: allowed by RoleBinding "bot-reads-pods/team-a" of Role "pod-reader" to ServiceAccount "team-a/bot"`,
    });
    const whoami = await bot.request('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'SelfSubjectReview',
    });
    expect(whoami.status).toBe(201);
    expect((whoami.body as { status: { userInfo: object } }).status.userInfo).toMatchObject({
      username: botUser,
      groups: ['system:serviceaccounts', 'system:serviceaccounts:team-a', 'system:authenticated'],
    });
    const rules = await bot.request(
      'POST',
      '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews',
      { spec: { namespace: 'team-a' } },
    );
    expect(
      (rules.body as { status: { resourceRules: object[] } }).status.resourceRules,
    ).toContainEqual({ verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods'] });
  });

  it('checks impersonation: the admin may, a ServiceAccount may not', async () => {
    const asBot = { 'impersonate-user': botUser };
    expect(
      (await sandbox.request('GET', '/api/v1/namespaces/team-a/pods', undefined, asBot)).status,
    ).toBe(200);
    expect(
      (await sandbox.request('GET', '/api/v1/namespaces/team-b/pods', undefined, asBot)).status,
    ).toBe(403);
    const escalate = await bot.request('GET', '/api/v1/namespaces/team-b/pods', undefined, {
      'impersonate-user': 'alice',
    });
    expect(escalate.body).toEqual(
      forbidden(
        `users "alice" is forbidden: User "${botUser}" cannot impersonate resource "users" in API group "" at the cluster scope`,
        { name: 'alice', kind: 'users' },
      ),
    );
  });

  it('grants what a new RoleBinding grants at once, and leaves in-process controllers alone', async () => {
    await sandbox.apply([
      {
        apiVersion: `${rbac}/v1`,
        kind: 'RoleBinding',
        metadata: { name: 'bot-views-team-b', namespace: 'team-b' },
        roleRef: { apiGroup: rbac, kind: 'ClusterRole', name: 'cluster-admin' },
        subjects: [{ kind: 'ServiceAccount', name: 'bot', namespace: 'team-a' }],
      },
    ]);
    expect((await bot.request('GET', '/api/v1/namespaces/team-b/secrets')).status).toBe(200);
    expect((await bot.request('GET', '/api/v1/namespaces/default/secrets')).status).toBe(403);
    const configMaps = sandbox.apiServer.registry.lookup('', 'v1', 'configmaps');
    if (!configMaps) throw new Error('configmaps not served');
    expect(
      sandbox.apiServer.api.create(configMaps, 'kube-system', { metadata: { name: 'internal' } })
        .object.metadata?.name,
    ).toBe('internal');
  });
});
