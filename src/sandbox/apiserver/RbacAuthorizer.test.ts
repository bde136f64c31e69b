import { describe, expect, it } from 'vitest';

import { createSandboxApiServer } from './createSandboxApiServer.ts';
import { RbacAuthorizer, ruleAllows } from './RbacAuthorizer.ts';
import type { RequestAttributes } from './requestAttributes.ts';
import type { ResourceType } from './resourceType.ts';
import type { UserInfo } from './userInfo.ts';

function resource(fields: Partial<RequestAttributes>): RequestAttributes {
  return {
    resourceRequest: true,
    verb: 'get',
    path: '',
    apiGroup: '',
    apiVersion: 'v1',
    namespace: '',
    resource: 'pods',
    subresource: '',
    name: '',
    ...fields,
  };
}

function nonResource(path: string, verb = 'get'): RequestAttributes {
  return { ...resource({}), resourceRequest: false, verb, path, resource: '', apiVersion: '' };
}

describe('ruleAllows', () => {
  it('matches verbs, groups and resources exactly or by *', () => {
    const rule = { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] };
    expect(ruleAllows(rule, resource({ verb: 'list' }))).toBe(true);
    expect(ruleAllows(rule, resource({ verb: 'delete' }))).toBe(false);
    expect(ruleAllows(rule, resource({ apiGroup: 'apps' }))).toBe(false);
    expect(ruleAllows(rule, resource({ resource: 'secrets' }))).toBe(false);
    const wildcard = { verbs: ['*'], apiGroups: ['*'], resources: ['*'] };
    expect(ruleAllows(wildcard, resource({ verb: 'deletecollection', apiGroup: 'ray.io' }))).toBe(
      true,
    );
  });

  it('needs resource/subresource (or */subresource) for a subresource; pods/* is no wildcard', () => {
    const log = resource({ subresource: 'log' });
    expect(ruleAllows({ verbs: ['get'], apiGroups: [''], resources: ['pods'] }, log)).toBe(false);
    expect(ruleAllows({ verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }, log)).toBe(
      true,
    );
    expect(ruleAllows({ verbs: ['get'], apiGroups: [''], resources: ['*/log'] }, log)).toBe(true);
    expect(ruleAllows({ verbs: ['get'], apiGroups: [''], resources: ['pods/*'] }, log)).toBe(false);
    expect(
      ruleAllows(
        { verbs: ['get'], apiGroups: [''], resources: ['pods/status'] },
        resource({ subresource: 'status' }),
      ),
    ).toBe(true);
  });

  it('limits by resourceNames, which never match a request without a name', () => {
    const rule = {
      verbs: ['get', 'list'],
      apiGroups: [''],
      resources: ['configmaps'],
      resourceNames: ['settings'],
    };
    expect(ruleAllows(rule, resource({ resource: 'configmaps', name: 'settings' }))).toBe(true);
    expect(ruleAllows(rule, resource({ resource: 'configmaps', name: 'other' }))).toBe(false);
    expect(ruleAllows(rule, resource({ resource: 'configmaps', verb: 'list' }))).toBe(false);
  });

  it('matches non-resource URLs exactly, by * and by a trailing *, never resource requests', () => {
    const rule = { verbs: ['get'], nonResourceURLs: ['/healthz', '/apis/*'] };
    expect(ruleAllows(rule, nonResource('/healthz'))).toBe(true);
    expect(ruleAllows(rule, nonResource('/healthz/etcd'))).toBe(false);
    expect(ruleAllows(rule, nonResource('/apis/ray.io/v1'))).toBe(true);
    expect(ruleAllows(rule, nonResource('/healthz', 'post'))).toBe(false);
    expect(ruleAllows({ verbs: ['*'], nonResourceURLs: ['*'] }, nonResource('/metrics'))).toBe(
      true,
    );
    expect(ruleAllows(rule, resource({}))).toBe(false);
  });
});

describe('RbacAuthorizer over stored RBAC objects', () => {
  const server = createSandboxApiServer();
  const { api } = server;
  const type = (group: string, plural: string): ResourceType => {
    const found = api.registry.lookup(group, 'v1', plural);
    if (!found) throw new Error(plural);
    return found;
  };
  const rbac = 'rbac.authorization.k8s.io';
  const namespaces = type('', 'namespaces');
  for (const name of ['team-a', 'team-b'])
    api.create(namespaces, undefined, { metadata: { name } });
  api.create(type(rbac, 'roles'), 'team-a', {
    metadata: { name: 'pod-reader' },
    rules: [{ verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods', 'pods/log'] }],
  });
  api.create(type(rbac, 'clusterroles'), undefined, {
    metadata: { name: 'ray-editor' },
    rules: [{ verbs: ['*'], apiGroups: ['ray.io'], resources: ['rayclusters'] }],
  });
  api.create(type(rbac, 'clusterroles'), undefined, {
    metadata: { name: 'node-reader' },
    rules: [{ verbs: ['list'], apiGroups: [''], resources: ['nodes'] }],
  });
  api.create(type(rbac, 'rolebindings'), 'team-a', {
    metadata: { name: 'bot-reads-pods' },
    roleRef: { apiGroup: rbac, kind: 'Role', name: 'pod-reader' },
    // A ServiceAccount subject without a namespace means the binding's own.
    subjects: [{ kind: 'ServiceAccount', name: 'bot' }],
  });
  api.create(type(rbac, 'rolebindings'), 'team-a', {
    metadata: { name: 'devs-edit-ray' },
    roleRef: { apiGroup: rbac, kind: 'ClusterRole', name: 'ray-editor' },
    subjects: [{ kind: 'Group', apiGroup: rbac, name: 'devs' }],
  });
  api.create(type(rbac, 'clusterrolebindings'), undefined, {
    metadata: { name: 'alice-nodes' },
    roleRef: { apiGroup: rbac, kind: 'ClusterRole', name: 'node-reader' },
    subjects: [{ kind: 'User', apiGroup: rbac, name: 'alice' }],
  });
  api.create(type(rbac, 'rolebindings'), 'team-b', {
    metadata: { name: 'dangling' },
    roleRef: { apiGroup: rbac, kind: 'Role', name: 'missing' },
    subjects: [{ kind: 'User', apiGroup: rbac, name: 'alice' }],
  });
  const authorizer = new RbacAuthorizer(server.store);
  const bot: UserInfo = {
    username: 'system:serviceaccount:team-a:bot',
    groups: ['system:serviceaccounts', 'system:serviceaccounts:team-a', 'system:authenticated'],
  };
  const alice: UserInfo = { username: 'alice', groups: ['devs', 'system:authenticated'] };

  it('grants a Role only in the RoleBinding namespace, and names the binding', () => {
    expect(authorizer.authorize(bot, resource({ verb: 'list', namespace: 'team-a' }))).toEqual({
      allowed: true,
      reason:
        'RBAC: allowed by RoleBinding "bot-reads-pods/team-a" of Role "pod-reader" to ServiceAccount "team-a/bot"',
    });
    expect(authorizer.authorize(bot, resource({ verb: 'list', namespace: 'team-b' })).allowed).toBe(
      false,
    );
    expect(
      authorizer.authorize(
        bot,
        resource({ verb: 'list', namespace: 'team-a', resource: 'secrets' }),
      ).allowed,
    ).toBe(false);
    expect(
      authorizer.authorize(bot, resource({ namespace: 'team-a', subresource: 'log', name: 'p' }))
        .allowed,
    ).toBe(true);
  });

  it('grants a ClusterRole through a RoleBinding in that namespace only', () => {
    const create = (namespace: string) =>
      authorizer.authorize(
        alice,
        resource({ verb: 'create', apiGroup: 'ray.io', resource: 'rayclusters', namespace }),
      );
    expect(create('team-a').allowed).toBe(true);
    expect(create('team-b').allowed).toBe(false);
  });

  it('grants ClusterRoleBindings everywhere, and reports missing roles when denying', () => {
    expect(
      authorizer.authorize(alice, resource({ verb: 'list', resource: 'nodes' })),
    ).toMatchObject({ allowed: true });
    expect(
      authorizer.authorize(alice, resource({ verb: 'get', resource: 'pods', namespace: 'team-b' })),
    ).toEqual({
      allowed: false,
      reason: 'RBAC: role.rbac.authorization.k8s.io "missing" not found',
    });
  });

  it('lets every authenticated user read discovery and health and ask about itself', () => {
    for (const path of ['/api', '/apis/ray.io/v1', '/version', '/healthz', '/openapi/v3']) {
      expect(authorizer.authorize(bot, nonResource(path)).allowed, path).toBe(true);
    }
    expect(authorizer.authorize(bot, nonResource('/metrics')).allowed).toBe(false);
    expect(
      authorizer.authorize(
        bot,
        resource({
          verb: 'create',
          apiGroup: 'authorization.k8s.io',
          resource: 'selfsubjectaccessreviews',
        }),
      ).allowed,
    ).toBe(true);
    const anonymous: UserInfo = {
      username: 'system:anonymous',
      groups: ['system:unauthenticated'],
    };
    expect(authorizer.authorize(anonymous, nonResource('/version')).allowed).toBe(true);
    expect(authorizer.authorize(anonymous, nonResource('/api')).allowed).toBe(false);
  });

  it('lets system:masters do everything', () => {
    const admin: UserInfo = { username: 'root', groups: ['system:masters'] };
    expect(
      authorizer.authorize(admin, resource({ verb: 'delete', resource: 'secrets', name: 'x' }))
        .allowed,
    ).toBe(true);
  });

  it('lists the rules that apply in a namespace', () => {
    const rules = authorizer.rulesFor(bot, 'team-a');
    expect(rules.resourceRules).toContainEqual({
      verbs: ['get', 'list', 'watch'],
      apiGroups: [''],
      resources: ['pods', 'pods/log'],
    });
    expect(rules.nonResourceRules).toContainEqual({
      verbs: ['get'],
      nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'],
    });
    expect(rules.incomplete).toBe(false);
    expect(authorizer.rulesFor(bot, 'team-b').resourceRules).not.toContainEqual(
      expect.objectContaining({ resources: ['pods', 'pods/log'] }),
    );
    expect(authorizer.rulesFor(alice, 'team-b')).toMatchObject({
      incomplete: true,
      evaluationError: 'role.rbac.authorization.k8s.io "missing" not found',
    });
  });
});
