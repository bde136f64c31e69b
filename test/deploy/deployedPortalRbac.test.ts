/**
 * The kit's RBAC is what the deployed portal needs, rule by rule: with one needed permission
 * taken out of the ClusterRole, the portal (run as deployed) must name what is missing (the
 * informer on /readyz, Kubernetes' Forbidden message on a create), never fail vaguely (500).
 */
import { afterEach, describe, expect, it } from 'vitest';

import { ApiError } from '../../src/shared/client/ApiError.ts';
import { eventually } from '../support/eventually.ts';
import { signedInSession } from '../support/portalUserClients.ts';
import { type DeployedPortal, startDeployedPortal } from '../support/startDeployedPortal.ts';
import type { KubeObject } from './buildOverlay.ts';
import type { PolicyRule } from './rbacRules.ts';

/** Seconds of real time an informer may take to meet its first 403 (retries back off). */
const forbiddenWithinMs = 30_000;

/**
 * The kit with `verbs` on `resource` of `apiGroup` taken out of the ClusterRole `raydeck`: the
 * resource leaves its rule and comes back in a rule of its own with the other verbs.
 */
function withoutGrant(
  kit: KubeObject[],
  removed: { apiGroup: string; resource: string; verbs: readonly string[] },
): KubeObject[] {
  const role = kit.find(
    (object) => object.kind === 'ClusterRole' && object.metadata.name === 'raydeck',
  );
  if (!role) throw new Error('the kit has no ClusterRole raydeck');
  const rules: PolicyRule[] = [];
  let found = false;
  for (const rule of role['rules'] as PolicyRule[]) {
    const applies =
      rule.apiGroups?.includes(removed.apiGroup) && rule.resources?.includes(removed.resource);
    if (!applies) {
      rules.push(rule);
      continue;
    }
    found = true;
    const others = rule.resources?.filter((resource) => resource !== removed.resource) ?? [];
    if (others.length > 0) rules.push({ ...rule, resources: others });
    const kept = rule.verbs.filter((verb) => !removed.verbs.includes(verb));
    if (kept.length > 0) {
      rules.push({ apiGroups: [removed.apiGroup], resources: [removed.resource], verbs: kept });
    }
  }
  if (!found) throw new Error(`no rule of the ClusterRole grants ${removed.resource}`);
  role['rules'] = rules;
  return kit;
}

const forbiddenUser = 'User "system:serviceaccount:raydeck:raydeck"';

let portal: DeployedPortal | undefined;
afterEach(async () => {
  await portal?.stop();
  portal = undefined;
});

describe("the deployed portal with one rule taken out of the kit's ClusterRole", () => {
  it('without list/watch of pods: /readyz answers 503 naming the pods informer and the 403', async () => {
    portal = await startDeployedPortal({
      world: false,
      waitUntil: 'listening',
      editKit: (kit) =>
        withoutGrant(kit, { apiGroup: '', resource: 'pods', verbs: ['list', 'watch'] }),
    });
    const url = portal.url;
    let readiness: { status: number; reason: string } = { status: 0, reason: '' };
    await eventually(
      async () => {
        const response = await fetch(`${url}/readyz`);
        const body = (await response.json()) as {
          checks: { name: string; ready: boolean; reason?: string }[];
        };
        const informers = body.checks.find((check) => check.name === 'kubernetes-informers');
        readiness = { status: response.status, reason: informers?.reason ?? '' };
        return /pods \(/.test(readiness.reason);
      },
      () => `an informer error on /readyz (last: ${JSON.stringify(readiness)})`,
      forbiddenWithinMs,
    );
    expect(readiness.status).toBe(503);
    // Only the pods informer lags, and it says why: Kubernetes' own Forbidden message.
    expect(readiness.reason).toMatch(/^not synced: pods \(/);
    expect(readiness.reason).toContain(
      `pods is forbidden: ${forbiddenUser} cannot list resource "pods"`,
    );
  }, 120_000);

  it('without create of rayclusters: a create answers 403 with the cluster’s message, not 500', async () => {
    portal = await startDeployedPortal({
      world: false,
      editKit: (kit) =>
        withoutGrant(kit, { apiGroup: 'ray.io', resource: 'rayclusters', verbs: ['create'] }),
    });
    const admin = await signedInSession(portal.url, 'admin', portal.adminPassword);
    const failure = await admin
      .createCluster({ name: 'forbidden', team: 'team-a', template: 'cpu-small' })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failure).toBeInstanceOf(ApiError);
    const error = failure as ApiError;
    expect(error.status).toBe(403);
    expect(error.message).toContain(
      `rayclusters.ray.io is forbidden: ${forbiddenUser} cannot create resource "rayclusters" in API group "ray.io" in the namespace "team-a"`,
    );
    expect((await admin.listClusters()).items).toEqual([]);
  }, 120_000);
});
