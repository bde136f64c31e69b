import { afterEach, describe, expect, it } from 'vitest';

import type { KubeObject } from '../../apiserver/resourceType.ts';
import { endpointSubsets, resolveTargetPort } from './endpointsController.ts';
import { type ManualWorld, startManualWorld } from './startManualWorld.ts';

let world: ManualWorld | undefined;
afterEach(() => world?.stop());

function pod(
  name: string,
  ip: string | undefined,
  ready: boolean,
  extra: Partial<KubeObject> = {},
): KubeObject {
  return {
    metadata: { name, namespace: 'ns', uid: `uid-${name}`, labels: { app: 'x' } },
    spec: {
      nodeName: 'node-1',
      containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 }] }],
    },
    status: {
      phase: 'Running',
      ...(ip ? { podIP: ip } : {}),
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
    },
    ...extra,
  };
}

const service: KubeObject = {
  metadata: { name: 'svc', namespace: 'ns' },
  spec: {
    selector: { app: 'x' },
    ports: [{ name: 'web', port: 80, targetPort: 'http', protocol: 'TCP' }],
  },
};

describe('endpointSubsets', () => {
  it('puts ready pods in addresses, others in notReadyAddresses, resolving named target ports', () => {
    const subsets = endpointSubsets(service, [
      pod('b', '10.244.0.9', true),
      pod('a', '10.244.0.10', true),
      pod('c', '10.244.0.11', false),
      pod('no-ip', undefined, false),
      pod('gone', '10.244.0.12', true, {
        metadata: { name: 'gone', deletionTimestamp: '2026-01-01T00:00:00Z' },
      }),
    ]);
    expect(subsets).toEqual([
      {
        addresses: [
          {
            ip: '10.244.0.10',
            nodeName: 'node-1',
            targetRef: { kind: 'Pod', namespace: 'ns', name: 'a', uid: 'uid-a' },
          },
          {
            ip: '10.244.0.9',
            nodeName: 'node-1',
            targetRef: { kind: 'Pod', namespace: 'ns', name: 'b', uid: 'uid-b' },
          },
        ],
        notReadyAddresses: [
          {
            ip: '10.244.0.11',
            nodeName: 'node-1',
            targetRef: { kind: 'Pod', namespace: 'ns', name: 'c', uid: 'uid-c' },
          },
        ],
        ports: [{ name: 'web', port: 8080, protocol: 'TCP' }],
      },
    ]);
  });

  it('publishes not-ready (and terminating) pods as addresses with publishNotReadyAddresses', () => {
    const published = {
      ...service,
      spec: { ...(service['spec'] as object), publishNotReadyAddresses: true },
    };
    const subsets = endpointSubsets(published, [pod('c', '10.244.0.11', false)]) as {
      addresses?: unknown[];
    }[];
    expect(subsets[0]?.addresses).toHaveLength(1);
  });

  it('leaves out pods whose named port does not exist', () => {
    const other = pod('other', '10.244.0.20', true, {
      spec: {
        nodeName: 'node-1',
        containers: [{ name: 'c', ports: [{ name: 'grpc', containerPort: 9000 }] }],
      },
    });
    expect(resolveTargetPort(other, { port: 80, targetPort: 'http' })).toBeUndefined();
    expect(resolveTargetPort(other, { port: 80, targetPort: 8081 })).toBe(8081);
    expect(endpointSubsets(service, [other])).toEqual([]);
  });
});

describe('endpoints controller', () => {
  it('follows pods becoming ready and going away, and deletes the Endpoints with the Service', async () => {
    world = await startManualWorld();
    const pods = world.type('', 'pods');
    const services = world.type('', 'services');
    const endpoints = world.type('', 'endpoints');
    world.api.create(services, 'team-a', {
      metadata: { name: 'head', labels: { team: 'a' } },
      spec: {
        clusterIP: 'None',
        selector: { role: 'head' },
        ports: [{ name: 'dashboard', port: 8265 }],
      },
    });
    world.api.create(pods, 'team-a', {
      metadata: { name: 'head-0', labels: { role: 'head' } },
      spec: {
        containers: [
          {
            name: 'ray',
            image: 'rayproject/ray:2.52.0',
            readinessProbe: { exec: { command: ['true'] } },
          },
        ],
      },
    });
    await world.settle();
    let object = world.api.get(endpoints, 'team-a', 'head');
    expect(object.metadata?.labels).toEqual({ team: 'a', 'service.kubernetes.io/headless': '' });
    expect(object['subsets']).toEqual([
      {
        notReadyAddresses: [expect.objectContaining({ ip: '10.244.0.2', nodeName: 'cpu-1' })],
        ports: [{ name: 'dashboard', port: 8265, protocol: 'TCP' }],
      },
    ]);
    await world.advance(8_000);
    object = world.api.get(endpoints, 'team-a', 'head');
    expect((object['subsets'] as { addresses?: unknown[] }[])[0]?.addresses).toHaveLength(1);
    expect(object.metadata?.annotations?.['endpoints.kubernetes.io/last-change-trigger-time']).toBe(
      '2026-01-01T00:00:08Z',
    );
    world.api.delete(pods, 'team-a', 'head-0');
    await world.settle();
    expect(world.api.get(endpoints, 'team-a', 'head')['subsets']).toEqual([]);
    world.api.delete(services, 'team-a', 'head');
    await world.settle();
    expect(world.api.find(endpoints, 'team-a', 'head')).toBeUndefined();
  });
});
