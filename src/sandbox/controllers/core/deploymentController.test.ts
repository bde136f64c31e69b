import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

import { describeWithUpstream, upstreamKuberayDir } from '../../../../test/support/upstream.ts';
import type { KubeObject } from '../../apiserver/resourceType.ts';
import { type ManualWorld, startManualWorld } from './startManualWorld.ts';

let world: ManualWorld | undefined;
afterEach(() => world?.stop());

interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: { type: string; status: string; reason: string; message: string }[];
}

function deployment(name: string, replicas: number, image = 'nginx:1.27'): KubeObject {
  return {
    metadata: { name, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            {
              name: 'web',
              image,
              ports: [{ name: 'http', containerPort: 8080 }],
              readinessProbe: { httpGet: { port: 'http' } },
            },
          ],
        },
      },
    },
  };
}

function statusOf(object: KubeObject): DeploymentStatus {
  return (object['status'] ?? {}) as DeploymentStatus;
}

describe('Deployment and ReplicaSet controllers', () => {
  it('creates <deploy>-<hash> with pods <rs>-<5 random> that come up, and reports the rollout', async () => {
    world = await startManualWorld();
    const deployments = world.type('apps', 'deployments');
    const replicaSets = world.type('apps', 'replicasets');
    const pods = world.type('', 'pods');
    world.api.create(deployments, 'team-a', deployment('web', 3));
    await world.settle();
    const [rs] = world.api.list(replicaSets, { namespace: 'team-a' }).items;
    const hash = rs?.metadata?.labels?.['pod-template-hash'] ?? '';
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    expect(rs?.metadata?.name).toBe(`web-${hash}`);
    expect(rs?.metadata?.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '1' });
    expect(rs?.metadata?.ownerReferences).toEqual([
      expect.objectContaining({
        kind: 'Deployment',
        name: 'web',
        controller: true,
        blockOwnerDeletion: true,
      }),
    ]);
    const created = world.api.list(pods, { namespace: 'team-a' }).items;
    expect(created).toHaveLength(3);
    for (const pod of created) {
      expect(pod.metadata?.name).toMatch(
        new RegExp(`^web-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`),
      );
      expect(pod.metadata?.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
      expect(pod.metadata?.ownerReferences?.[0]).toMatchObject({
        kind: 'ReplicaSet',
        name: rs?.metadata?.name,
        controller: true,
      });
    }
    let status = statusOf(world.api.get(deployments, 'team-a', 'web'));
    expect(status.conditions?.find((condition) => condition.type === 'Available')).toMatchObject({
      status: 'False',
      reason: 'MinimumReplicasUnavailable',
      message: 'Deployment does not have minimum availability.',
    });
    expect(status.conditions?.find((condition) => condition.type === 'Progressing')).toMatchObject({
      status: 'True',
      reason: 'ReplicaSetUpdated',
      message: `ReplicaSet "web-${hash}" is progressing.`,
    });
    const deploymentEvents = world.eventsFor(world.api.get(deployments, 'team-a', 'web'));
    expect(deploymentEvents.map((event) => event['note'])).toEqual([
      `Scaled up replica set web-${hash} from 0 to 3`,
    ]);

    await world.advance(8_000);
    status = statusOf(world.api.get(deployments, 'team-a', 'web'));
    expect(status).toMatchObject({
      observedGeneration: 1,
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
    });
    expect(status.unavailableReplicas).toBeUndefined();
    expect(
      status.conditions?.map((condition) => [condition.type, condition.status, condition.reason]),
    ).toEqual([
      ['Available', 'True', 'MinimumReplicasAvailable'],
      ['Progressing', 'True', 'NewReplicaSetAvailable'],
    ]);
    expect(status.conditions?.[1]?.message).toBe(
      `ReplicaSet "web-${hash}" has successfully progressed.`,
    );
  });

  it('scales up and down on spec changes and rolls out a new template', async () => {
    world = await startManualWorld();
    const deployments = world.type('apps', 'deployments');
    const replicaSets = world.type('apps', 'replicasets');
    const pods = world.type('', 'pods');
    world.api.create(deployments, 'team-a', deployment('api', 2));
    await world.advance(10_000);
    const scaleTo = (replicas: number, image?: string) => {
      const current = world?.api.get(deployments, 'team-a', 'api') as KubeObject;
      const spec = current['spec'] as {
        replicas: number;
        template: { spec: { containers: { image: string }[] } };
      };
      const containers = spec.template.spec.containers.map((container) => ({
        ...container,
        image: image ?? container.image,
      }));
      world?.api.update(deployments, 'team-a', 'api', {
        ...current,
        spec: {
          ...spec,
          replicas,
          template: { ...spec.template, spec: { ...spec.template.spec, containers } },
        },
      });
    };
    const livePods = () =>
      world?.api
        .list(pods, { namespace: 'team-a' })
        .items.filter((pod) => !pod.metadata?.deletionTimestamp) ?? [];
    scaleTo(5);
    await world.settle();
    expect(livePods()).toHaveLength(5);
    scaleTo(1);
    await world.settle();
    expect(livePods()).toHaveLength(1);
    await world.advance(3_000);
    expect(world.api.list(pods, { namespace: 'team-a' }).items).toHaveLength(1);

    scaleTo(4, 'nginx:1.28');
    await world.advanceUntil(() => {
      const status = statusOf(world?.api.get(deployments, 'team-a', 'api') ?? {});
      return (
        status.updatedReplicas === 4 && status.availableReplicas === 4 && status.replicas === 4
      );
    }, 120_000);
    const sets = world.api.list(replicaSets, { namespace: 'team-a' }).items;
    expect(sets).toHaveLength(2);
    const revisions = sets.map((rs) => [
      rs.metadata?.annotations?.['deployment.kubernetes.io/revision'],
      (rs['spec'] as { replicas: number }).replicas,
    ]);
    expect(revisions.sort()).toEqual([
      ['1', 0],
      ['2', 4],
    ]);
    expect(world.api.get(deployments, 'team-a', 'api').metadata?.annotations).toMatchObject({
      'deployment.kubernetes.io/revision': '2',
    });
    await world.advance(3_000);
    for (const pod of world.api.list(pods, { namespace: 'team-a' }).items) {
      expect((pod['spec'] as { containers: { image: string }[] }).containers[0]?.image).toBe(
        'nginx:1.28',
      );
    }
  });

  it('reports ReplicaFailure and FailedCreate when a quota refuses pods', async () => {
    world = await startManualWorld();
    const replicaSets = world.type('apps', 'replicasets');
    world.api.create(replicaSets, 'team-b', {
      metadata: { name: 'gpus' },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'gpus' } },
        template: {
          metadata: { labels: { app: 'gpus' } },
          spec: {
            containers: [
              { name: 'c', image: 'cuda:12', resources: { limits: { 'nvidia.com/gpu': '1' } } },
            ],
          },
        },
      },
    });
    await world.settle();
    const rs = world.api.get(replicaSets, 'team-b', 'gpus');
    expect(rs['status']).toMatchObject({
      replicas: 2,
      conditions: [
        {
          type: 'ReplicaFailure',
          status: 'True',
          reason: 'FailedCreate',
          message: expect.stringMatching(
            /^pods "gpus-[a-z0-9]{5}" is forbidden: exceeded quota: team-b-quota, requested: requests\.nvidia\.com\/gpu=1, used: requests\.nvidia\.com\/gpu=2, limited: requests\.nvidia\.com\/gpu=2$/,
          ),
        },
      ],
    });
    expect(
      world.eventsFor(rs).filter((event) => event['reason'] === 'FailedCreate')[0],
    ).toMatchObject({
      type: 'Warning',
      note: expect.stringMatching(
        /^Error creating: pods "gpus-[a-z0-9]{5}" is forbidden: exceeded quota/,
      ),
    });
  });
});

describeWithUpstream('a sample’s Redis Deployment', () => {
  it('comes up and its Service gets an endpoint', async () => {
    world = await startManualWorld();
    const text = readFileSync(
      join(upstreamKuberayDir, 'samples', 'ray-cluster.external-redis-uri.yaml'),
      'utf8',
    );
    for (const document of parseAllDocuments(text)) {
      const object = document.toJSON() as KubeObject;
      if (!object || object.apiVersion === 'ray.io/v1') continue;
      const type = world.api.registry.lookupKind(object.apiVersion ?? '', object.kind ?? '');
      if (!type) throw new Error(`${object.kind} is not served`);
      world.api.create(type, 'team-a', object);
    }
    const deployments = world.type('apps', 'deployments');
    await world.advanceUntil(
      () => statusOf(world?.api.get(deployments, 'team-a', 'redis') ?? {}).availableReplicas === 1,
      60_000,
    );
    expect(world.clock.now() - Date.parse('2026-01-01T00:00:00Z')).toBe(5_000);
    const endpoints = world.api.get(world.type('', 'endpoints'), 'team-a', 'redis');
    const [pod] = world.api.list(world.type('', 'pods'), { namespace: 'team-a' }).items;
    expect(endpoints['subsets']).toEqual([
      {
        addresses: [
          {
            ip: (pod?.['status'] as { podIP: string }).podIP,
            nodeName: (pod?.['spec'] as { nodeName: string }).nodeName,
            targetRef: {
              kind: 'Pod',
              namespace: 'team-a',
              name: pod?.metadata?.name,
              uid: pod?.metadata?.uid,
            },
          },
        ],
        ports: [{ name: 'redis', port: 6379, protocol: 'TCP' }],
      },
    ]);
    await world.advance(1_000);
    expect(world.logs(pod as KubeObject)).toMatch(
      /1:M \d\d Jan 2026 00:00:05\.\d{3} \* Ready to accept connections tcp\n$/,
    );
  });
});
