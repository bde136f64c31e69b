/**
 * The kit's team ClusterRoles (deploy/raydeck/base/team-roles.yaml), bound in one namespace, as
 * the real kubectl sees them on a sandbox enforcing RBAC: a member's ServiceAccount token (from
 * TokenRequest, 8 h) lists RayClusters in its team `vision` and is forbidden in `team-a`; a
 * viewer reads but cannot create; neither reads Secrets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { expectKubectlOk, kubectlRunner } from '../support/runKubectl.ts';
import { type RbacTestSandbox, startRbacSandbox } from '../support/startRbacSandbox.ts';
import { buildOverlay } from './buildOverlay.ts';

let sandbox: RbacTestSandbox;
let member: ReturnType<typeof kubectlRunner>;
let viewer: ReturnType<typeof kubectlRunner>;

const eightHoursSeconds = 8 * 60 * 60;

function roleBinding(namespace: string, role: string, account: string): object {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: role, namespace },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects: [{ kind: 'ServiceAccount', name: account, namespace }],
  };
}

beforeAll(async () => {
  sandbox = await startRbacSandbox({ tls: true });
  const roles = buildOverlay('raydeck/overlays/homelab').filter(
    (object) => object.kind === 'ClusterRole' && object.metadata.name.startsWith('raydeck-team-'),
  );
  expect(roles.map((role) => role.metadata.name).sort()).toEqual([
    'raydeck-team-member',
    'raydeck-team-viewer',
  ]);
  await sandbox.apply([
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'vision' } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } },
    ...roles,
    roleBinding('vision', 'raydeck-team-member', 'raydeck-member'),
    roleBinding('vision', 'raydeck-team-viewer', 'raydeck-viewer'),
  ]);
  const options = { expirationSeconds: eightHoursSeconds };
  member = kubectlRunner(
    (await sandbox.serviceAccount('vision', 'raydeck-member', options)).kubeconfig,
  );
  viewer = kubectlRunner(
    (await sandbox.serviceAccount('vision', 'raydeck-viewer', options)).kubeconfig,
  );
}, 60_000);

afterAll(() => sandbox?.close());

describe('team ClusterRoles of the kit, bound in namespace vision', () => {
  it('let a member list RayClusters in vision and nowhere else', async () => {
    expectKubectlOk(await member(['get', 'rayclusters', '-n', 'vision']));
    const elsewhere = await member(['get', 'rayclusters', '-n', 'team-a']);
    expect(elsewhere.code).not.toBe(0);
    expect(elsewhere.stderr).toMatch(/forbidden/i);
    expect(
      expectKubectlOk(
        await member(['auth', 'can-i', 'create', 'rayclusters', '-n', 'vision']),
      ).trim(),
    ).toBe('yes');
  });

  it('let a viewer read but not create, and neither read Secrets', async () => {
    expectKubectlOk(await viewer(['get', 'rayclusters', '-n', 'vision']));
    const create = await viewer(['auth', 'can-i', 'create', 'rayclusters', '-n', 'vision']);
    expect(create.stdout.trim()).toBe('no');
    for (const run of [member, viewer]) {
      const secrets = await run(['get', 'secrets', '-n', 'vision']);
      expect(secrets.code).not.toBe(0);
      expect(secrets.stderr).toMatch(/forbidden/i);
    }
  });
});
