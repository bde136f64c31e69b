import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  type RbacTestSandbox,
  type ServiceAccountCredentials,
  startRbacSandbox,
} from '../../../test/support/startRbacSandbox.ts';

let sandbox: RbacTestSandbox;
let deployer: ServiceAccountCredentials;
const rbac = 'rbac.authorization.k8s.io';
const roles = `/apis/${rbac}/v1/namespaces/team-a/roles`;
const roleBindings = `/apis/${rbac}/v1/namespaces/team-a/rolebindings`;
const deployerIdentity =
  'user "system:serviceaccount:team-a:deployer" (groups=["system:serviceaccounts" "system:serviceaccounts:team-a" "system:authenticated"])';

beforeAll(async () => {
  sandbox = await startRbacSandbox();
  deployer = await sandbox.serviceAccount('team-a', 'deployer');
  await sandbox.apply([
    {
      kind: 'Role',
      metadata: { name: 'rbac-manager', namespace: 'team-a' },
      rules: [
        { apiGroups: [rbac], resources: ['roles', 'rolebindings'], verbs: ['create', 'update'] },
        { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
      ],
    },
    {
      kind: 'RoleBinding',
      metadata: { name: 'deployer-manages-rbac', namespace: 'team-a' },
      roleRef: { apiGroup: rbac, kind: 'Role', name: 'rbac-manager' },
      subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace: 'team-a' }],
    },
  ]);
});
afterAll(() => sandbox.close());

const binding = (name: string, roleRef: object) => ({
  metadata: { name },
  roleRef: { apiGroup: rbac, ...roleRef },
  subjects: [{ kind: 'User', apiGroup: rbac, name: 'carol' }],
});

describe('RBAC privilege-escalation prevention', () => {
  it('lets a user create a Role with permissions it holds, not more', async () => {
    const held = await deployer.request('POST', roles, {
      metadata: { name: 'pod-reader' },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
    });
    expect(held.status).toBe(201);
    const more = await deployer.request('POST', roles, {
      metadata: { name: 'secret-reader' },
      rules: [
        { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] },
        { apiGroups: [''], resources: ['pods'], verbs: ['list', 'delete'] },
      ],
    });
    expect(more.status).toBe(403);
    expect(more.body).toMatchObject({
      reason: 'Forbidden',
      message: `roles.${rbac} "secret-reader" is forbidden: ${deployerIdentity} is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}\n{APIGroups:[""], Resources:["secrets"], Verbs:["get" "list"]}`,
      details: { name: 'secret-reader', group: rbac, kind: 'roles' },
    });
  });

  it('lets a user bind only roles whose permissions it holds, unless it may bind them', async () => {
    expect(
      (
        await deployer.request(
          'POST',
          roleBindings,
          binding('carol-reads', { kind: 'Role', name: 'pod-reader' }),
        )
      ).status,
    ).toBe(201);
    const admin = await deployer.request(
      'POST',
      roleBindings,
      binding('carol-admin', { kind: 'ClusterRole', name: 'cluster-admin' }),
    );
    expect(admin.status).toBe(403);
    expect((admin.body as { message: string }).message).toBe(
      `rolebindings.${rbac} "carol-admin" is forbidden: ${deployerIdentity} is attempting to grant RBAC permissions not currently held:\n{APIGroups:["*"], Resources:["*"], Verbs:["*"]}\n{NonResourceURLs:["*"], Verbs:["*"]}`,
    );
    const missing = await deployer.request(
      'POST',
      roleBindings,
      binding('carol-ghost', { kind: 'Role', name: 'ghost' }),
    );
    expect(missing.status).toBe(404);

    await sandbox.apply([
      {
        kind: 'Role',
        metadata: { name: 'may-bind-admin', namespace: 'team-a' },
        rules: [
          {
            apiGroups: [rbac],
            resources: ['clusterroles'],
            verbs: ['bind'],
            resourceNames: ['cluster-admin'],
          },
        ],
      },
      {
        kind: 'RoleBinding',
        metadata: { name: 'deployer-may-bind-admin', namespace: 'team-a' },
        roleRef: { apiGroup: rbac, kind: 'Role', name: 'may-bind-admin' },
        subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace: 'team-a' }],
      },
    ]);
    expect(
      (
        await deployer.request(
          'POST',
          roleBindings,
          binding('carol-admin', { kind: 'ClusterRole', name: 'cluster-admin' }),
        )
      ).status,
    ).toBe(201);
  });

  it('does not restrict system:masters', async () => {
    const created = await sandbox.request('POST', roles, {
      metadata: { name: 'everything' },
      rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
    });
    expect(created.status).toBe(201);
  });
});
