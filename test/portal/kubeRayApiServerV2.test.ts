import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { kubeRayApiServerUnavailableReason } from '../../src/shared/api/notAvailableThroughKubeRayApiServer.ts';
import type { ApiClient } from '../../src/shared/client/apiClient.ts';
import type { RayClusterResource } from '../../src/shared/ray/rayTypes.ts';
import { apiFailure } from '../support/apiFailure.ts';
import { eventually } from '../support/eventually.ts';
import {
  type KubeRayApiServerPortal,
  startKubeRayApiServerPortal,
} from '../support/startKubeRayApiServerPortal.ts';

// `raydeck serve --apiserver-url` against `raydeck sandbox --apiserver-v2`: the portal reaches
// Kubernetes only through the paths a KubeRay APIServer v2 forwards (ray.io, their events,
// KubeRay's service proxy) plus its v1 compute templates.
let portal: KubeRayApiServerPortal;
let alice: ApiClient; // member of team-a

beforeAll(async () => {
  portal = await startKubeRayApiServerPortal();
  alice = await portal.addUser('alice', 'member', ['team-a']);
}, 120_000);
afterAll(() => portal?.close());

/** The RayCluster as stored, read as the sandbox's admin (behind the APIServer). */
async function stored(name: string): Promise<RayClusterResource | undefined> {
  const found = await portal.sandbox.request(
    'GET',
    `/apis/ray.io/v1/namespaces/team-a/rayclusters/${name}`,
  );
  return found.status === 200 ? (found.body as RayClusterResource) : undefined;
}

async function phaseOf(name: string): Promise<string | undefined> {
  return (await alice.listClusters({ q: name })).items.find((item) => item.name === name)?.phase;
}

describe('the portal through a KubeRay APIServer v2', () => {
  it('says it is connected through the KubeRay APIServer, watching only ray.io kinds', async () => {
    const about = await portal.admin.about();
    expect(about.connection).toMatchObject({
      source: 'apiserver-v2',
      server: portal.apiserverUrl,
      sandbox: false,
    });
    expect(about.connection.unavailable?.reason).toMatch(
      /is not available through the KubeRay APIServer: it forwards only Ray clusters/,
    );
    expect(about.informers.map((informer) => informer.name).sort()).toEqual([
      'rayclusters',
      'rayjobs',
      'rayservices',
    ]);
    const ready = await fetch(`${portal.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(portal.output()).toContain(`(cluster: KubeRay APIServer ${portal.apiserverUrl})`);
  });

  it('reads the APIServer v1 compute templates, and refuses to edit them', async () => {
    const templates = (await alice.listTemplates()).items;
    expect(templates.map((template) => [template.name, template.origin])).toEqual([
      ['a100-1', 'kuberay-apiserver'],
      ['cpu-small', 'kuberay-apiserver'],
    ]);
    expect(templates.find((template) => template.name === 'a100-1')?.worker).toMatchObject({
      cpu: 8,
      memory: '64Gi',
      gpu: 1,
      gpuResource: 'nvidia.com/gpu',
    });
    const edit = await apiFailure(
      portal.admin.createTemplate({
        name: 'new-one',
        description: 'no ConfigMaps through the APIServer',
        head: { cpu: 1, memory: '2Gi' },
        worker: { cpu: 1, memory: '2Gi', gpu: 0 },
        allowedRayVersions: ['2.52.0'],
        allowedImages: [],
        maxWorkers: 1,
        defaultWorkers: 1,
        defaultIdleTimeoutSeconds: 600,
      }),
    );
    expect(edit.status).toBe(409);
    expect(edit.reason).toBe(kubeRayApiServerUnavailableReason);
  });

  it('answers the GPU inventory and fit-now plainly as not available', async () => {
    const inventory = await apiFailure(alice.gpuInventory());
    expect(inventory.status).toBe(409);
    expect(inventory.reason).toBe(kubeRayApiServerUnavailableReason);
    expect(inventory.message).toBe(
      'The GPU inventory is not available through the KubeRay APIServer: it forwards only Ray clusters, jobs and services, their events and the Ray dashboard, not pods, nodes, ConfigMaps or quotas.',
    );
    const fit = await apiFailure(alice.templateAvailability('team-a'));
    expect(fit.status).toBe(409);
    expect(fit.reason).toBe(kubeRayApiServerUnavailableReason);
    expect(fit.message).toMatch(/^Whether a template fits now is not available through/);
  });

  it('refuses volumes plainly: claims cannot be checked through the APIServer', async () => {
    const refused = await apiFailure(
      alice.createCluster({
        name: 'with-volume',
        team: 'team-a',
        template: 'cpu-small',
        volumes: [{ claimName: 'data', mountPath: '/data' }],
      }),
    );
    expect(refused.status).toBe(400);
    expect(refused.fields).toEqual([
      {
        path: 'body.volumes',
        message: expect.stringMatching(
          /^Mounting volumes \(their claims are checked\) is not available through the KubeRay APIServer/,
        ),
      },
    ]);
  });

  it('creates, scales, suspends and deletes a cluster; reads its events and dashboard', async () => {
    const created = await alice.createCluster({
      name: 'through-apiserver',
      team: 'team-a',
      template: 'cpu-small',
    });
    const group = created.manifest.spec.workerGroupSpecs?.[0]?.groupName ?? '';
    expect(group).not.toBe('');
    await eventually(
      async () => (await phaseOf('through-apiserver')) === 'Ready',
      'the cluster Ready in the list (from its conditions: no pods through the APIServer)',
      60_000,
    );

    const detail = await alice.getCluster('team-a', 'through-apiserver');
    expect(detail.pods).toEqual([]);
    expect(detail.explanation).toEqual([]);
    await eventually(
      async () => (await alice.getCluster('team-a', 'through-apiserver')).events.length > 0,
      "the cluster's events through events.k8s.io",
    );
    const events = (await alice.getCluster('team-a', 'through-apiserver')).events;
    expect(events.every((event) => event.object.startsWith('RayCluster/'))).toBe(true);

    const jobs = await alice.request<unknown>(
      '/api/v1/clusters/team-a/through-apiserver/dashboard/api/jobs/',
    );
    expect(Array.isArray(jobs)).toBe(true);

    await alice.scaleCluster('team-a', 'through-apiserver', { group, replicas: 2 });
    expect((await stored('through-apiserver'))?.spec.workerGroupSpecs?.[0]?.replicas).toBe(2);

    await alice.suspendCluster('team-a', 'through-apiserver');
    expect((await stored('through-apiserver'))?.spec.suspend).toBe(true);
    await eventually(
      async () => (await phaseOf('through-apiserver')) === 'Suspended',
      'the cluster Suspended in the list',
      60_000,
    );

    await alice.deleteCluster('team-a', 'through-apiserver');
    await eventually(
      async () => (await phaseOf('through-apiserver')) === undefined,
      'the cluster gone from the list',
      60_000,
    );
    expect(await stored('through-apiserver')).toBeUndefined();
  });

  it('meets the same walls as upstream: pods, nodes, ConfigMaps and core events are 404', async () => {
    for (const path of [
      '/api/v1/pods',
      '/api/v1/nodes',
      '/api/v1/namespaces/raydeck/configmaps',
      '/api/v1/namespaces/team-a/events',
      '/apis/events.k8s.io/v1/events',
      '/api/v1/namespaces/team-a/resourcequotas',
    ]) {
      const answer = await fetch(`${portal.apiserverUrl}${path}`, {
        headers: { authorization: portal.apiserverToken },
      });
      expect(answer.status, path).toBe(404);
      expect(await answer.json(), path).toEqual({ code: 5, message: 'Not Found', details: [] });
    }
  });
});
