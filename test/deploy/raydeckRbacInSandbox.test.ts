import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { KubeApiError } from '../../src/server/k8s/k8sErrors.ts';
import { KubeCache } from '../../src/server/k8s/KubeCache.ts';
import { KubeClient } from '../../src/server/k8s/KubeClient.ts';
import { type KubePermission, kubePermissions } from '../../src/server/k8s/kubeKinds.ts';
import { createServiceProxy } from '../../src/server/k8s/serviceProxyRequest.ts';
import {
  type RbacTestSandbox,
  type ServiceAccountCredentials,
  startRbacSandbox,
} from '../support/startRbacSandbox.ts';
import { buildOverlay } from './buildOverlay.ts';
import { portalRules, portalServiceAccount } from './rbacRules.ts';

/** The kinds of the kit that make up the portal's identity and rights. */
const identityKinds = new Set([
  'Namespace',
  'ServiceAccount',
  'ClusterRole',
  'ClusterRoleBinding',
  'Role',
  'RoleBinding',
]);

/** A team namespace, standing for every namespace the portal works in. */
const team = 'team-a';

let sandbox: RbacTestSandbox;
let account: ServiceAccountCredentials;
let templatesNamespace: string;

beforeAll(async () => {
  sandbox = await startRbacSandbox();
  const kit = buildOverlay('raydeck/overlays/homelab');
  templatesNamespace = portalRules(kit).templatesNamespace ?? '';
  await sandbox.apply([
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: team } },
    ...kit.filter((object) => identityKinds.has(object.kind)),
  ]);
  account = await sandbox.serviceAccount(portalServiceAccount.namespace, portalServiceAccount.name);
}, 60_000);
afterAll(() => sandbox.close());

/** Asks the API server, as the admin, whether the portal's ServiceAccount may do something. */
async function mayPortal(attributes: {
  verb: string;
  group: string;
  resource: string;
  namespace?: string;
}): Promise<boolean> {
  const [resource, subresource] = attributes.resource.split('/');
  const review = await sandbox.request(
    'POST',
    '/apis/authorization.k8s.io/v1/subjectaccessreviews',
    {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: {
        user: account.username,
        groups: [
          'system:serviceaccounts',
          `system:serviceaccounts:${account.namespace}`,
          'system:authenticated',
        ],
        resourceAttributes: {
          verb: attributes.verb,
          group: attributes.group,
          resource,
          ...(subresource ? { subresource } : {}),
          ...(attributes.namespace ? { namespace: attributes.namespace } : {}),
        },
      },
    },
  );
  expect(review.status).toBe(201);
  return (review.body as { status: { allowed: boolean } }).status.allowed;
}

/** Where the portal uses a permission: list/watch across all namespaces, the rest in one. */
function scopesOf(permission: KubePermission): (string | undefined)[] {
  if (!permission.namespaced) return [undefined];
  if (permission.scope === 'templates-namespace') return [templatesNamespace];
  return permission.verb === 'list' || permission.verb === 'watch' ? [undefined, team] : [team];
}

function kubeConfigOf(credentials: ServiceAccountCredentials): KubeConfig {
  const config = new KubeConfig();
  config.loadFromFile(credentials.kubeconfig);
  return config;
}

describe("the deploy kit's RBAC, enforced by a sandbox, as the portal's ServiceAccount", () => {
  it('allows every permission of the kind registry (SubjectAccessReview)', async () => {
    const denied: string[] = [];
    for (const permission of kubePermissions()) {
      for (const namespace of scopesOf(permission)) {
        if (!(await mayPortal({ ...permission, ...(namespace ? { namespace } : {}) }))) {
          denied.push(
            `${permission.verb} ${permission.group || 'core'}/${permission.resource} in ${namespace ?? 'all namespaces'}`,
          );
        }
      }
    }
    expect(denied).toEqual([]);
  });

  it('refuses what the portal never needs (Secrets, RBAC, template writes outside its namespace)', async () => {
    const refused = [
      { verb: 'get', group: '', resource: 'secrets', namespace: team },
      { verb: 'list', group: '', resource: 'secrets' },
      { verb: 'create', group: '', resource: 'configmaps', namespace: team },
      { verb: 'delete', group: '', resource: 'namespaces' },
      {
        verb: 'create',
        group: 'rbac.authorization.k8s.io',
        resource: 'rolebindings',
        namespace: team,
      },
      { verb: 'create', group: '', resource: 'pods', namespace: team },
      { verb: 'get', group: '', resource: 'pods/exec', namespace: team },
    ];
    for (const attributes of refused)
      expect(await mayPortal(attributes), attributes.resource).toBe(false);
  });

  it('the portal itself, on these rights, syncs every informer and makes its writes', async () => {
    const kubeConfig = kubeConfigOf(account);
    const cache = new KubeCache({
      kubeConfig,
      informerOptions: { initialBackoffMs: 20, maxBackoffMs: 100 },
    });
    try {
      cache.start();
      await cache.waitForSync(10_000);
      expect(cache.status().filter((informer) => informer.lastError)).toEqual([]);
    } finally {
      await cache.stop();
    }

    const client = new KubeClient(kubeConfig);
    await client.ensureNamespace(templatesNamespace);
    const template = { metadata: { name: 'probe', namespace: templatesNamespace }, data: {} };
    await expect(client.createConfigMap(templatesNamespace, template)).resolves.toMatchObject({
      metadata: { name: 'probe' },
    });
    await expect(client.hasPersistentVolumeClaim(team, 'data')).resolves.toBe(false);
    const outside = await client
      .createConfigMap(team, { metadata: { name: 'probe' }, data: {} })
      .catch((error: unknown) => error);
    expect(outside).toBeInstanceOf(KubeApiError);
    expect(outside).toMatchObject({ status: 403, reason: 'Forbidden' });
  });

  it("the portal's RayCluster calls and the dashboard proxy pass authorization", async () => {
    const client = new KubeClient(kubeConfigOf(account));
    const cluster = {
      apiVersion: 'ray.io/v1',
      kind: 'RayCluster',
      metadata: { name: 'rights' },
      spec: {
        headGroupSpec: {
          rayStartParams: {},
          template: {
            spec: { containers: [{ name: 'ray-head', image: 'rayproject/ray:2.52.0' }] },
          },
        },
      },
    };
    await client.createRayObject('rayclusters', team, cluster, true);
    await client.createRayObject('rayclusters', team, cluster);
    await client.getRayObject('rayclusters', team, 'rights');
    await client.mergePatchRayObject('rayclusters', team, 'rights', { spec: { suspend: true } });
    await client.jsonPatchRayObject('rayclusters', team, 'rights', [
      { op: 'replace', path: '/spec/suspend', value: false },
    ]);
    await client.deleteRayObject('rayclusters', team, 'rights');

    // No head service exists: past authorization, the proxy answers 404, never 403.
    const proxied = await createServiceProxy(kubeConfigOf(account))({
      namespace: team,
      service: 'rights-head-svc',
      port: 'dashboard',
      path: '/api/version',
      method: 'GET',
      headers: {},
    });
    proxied.resume();
    expect(proxied.statusCode).toBe(404);
  });
});
