import { describe, expect, it } from 'vitest';

import { loadFixture } from '../../../test/fixtures/loadFixture.ts';
import type { IngressResource, ServiceResource } from '../k8s/kubeTypes.ts';
import { clusterEndpoints } from './clusterEndpoints.ts';

const ready = loadFixture('raycluster-ready');
function headServiceOf(service: ServiceResource | undefined): ServiceResource {
  if (!service) throw new Error('fixture raycluster-ready lost head-service.json');
  return service;
}
const nodePortService = headServiceOf(ready.headService);

function asType(type: string, status?: ServiceResource['status']): ServiceResource {
  return {
    ...structuredClone(nodePortService),
    spec: { ...nodePortService.spec, type },
    ...(status ? { status } : {}),
  };
}

describe('clusterEndpoints', () => {
  it('uses the NodePort with a node address', () => {
    expect(clusterEndpoints(ready.cluster, nodePortService, { nodeAddress: '10.0.0.2' })).toEqual({
      dashboardUrl: 'http://10.0.0.2:30265/',
      exposure: 'nodePort',
      clientAddress: 'ray://rtx-dev-head-svc.team-a.svc.cluster.local:10001',
      jobsApiAddress: 'http://10.0.0.2:30265',
      inClusterDashboardUrl: 'http://rtx-dev-head-svc.team-a.svc.cluster.local:8265',
      jobSubmitExample:
        'ray job submit --address http://10.0.0.2:30265 --working-dir . -- python script.py',
      inClusterJobSubmitExample:
        'ray job submit --address http://rtx-dev-head-svc.team-a.svc.cluster.local:8265 --working-dir . -- python script.py',
    });
  });

  it('reads the NodePort from status.endpoints when the Service is not at hand', () => {
    expect(
      clusterEndpoints(ready.cluster, undefined, { nodeAddress: 'homelab.lan' }).dashboardUrl,
    ).toBe('http://homelab.lan:30265/');
  });

  it('falls back to the portal proxy without a node address', () => {
    const endpoints = clusterEndpoints(ready.cluster, nodePortService);
    expect(endpoints).toMatchObject({
      exposure: 'portalProxy',
      dashboardUrl: '/api/v1/clusters/team-a/rtx-dev/dashboard/',
      jobsApiAddress: '/api/v1/clusters/team-a/rtx-dev/dashboard',
    });
  });

  it('builds absolute proxy addresses and passes the portal token to ray job submit', () => {
    const endpoints = clusterEndpoints(ready.cluster, asType('ClusterIP'), {
      portalUrl: 'https://raydeck.example.com/',
      entrypoint: 'train.py --epochs 3',
    });
    expect(endpoints.dashboardUrl).toBe(
      'https://raydeck.example.com/api/v1/clusters/team-a/rtx-dev/dashboard/',
    );
    expect(endpoints.jobSubmitExample).toBe(
      'ray job submit --address https://raydeck.example.com/api/v1/clusters/team-a/rtx-dev/dashboard --headers "{\\"Authorization\\": \\"Bearer $RAYDECK_TOKEN\\"}" --working-dir . -- python train.py --epochs 3',
    );
  });

  it('uses a LoadBalancer once it has an address', () => {
    expect(
      clusterEndpoints(
        ready.cluster,
        asType('LoadBalancer', { loadBalancer: { ingress: [{ ip: '192.168.1.240' }] } }),
      ).dashboardUrl,
    ).toBe('http://192.168.1.240:8265/');
    expect(
      clusterEndpoints(
        ready.cluster,
        asType('LoadBalancer', {
          loadBalancer: { ingress: [{ hostname: 'a1b2.elb.amazonaws.com' }] },
        }),
      ).dashboardUrl,
    ).toBe('http://a1b2.elb.amazonaws.com:8265/');
    expect(
      clusterEndpoints(ready.cluster, asType('LoadBalancer', { loadBalancer: {} })).exposure,
    ).toBe('portalProxy');
  });

  it('uses an Ingress routing to the head service, https when its host has TLS', () => {
    const ingress: IngressResource = {
      metadata: { name: 'rtx-dev-head-ingress', namespace: 'team-a' },
      spec: {
        tls: [{ hosts: ['ray.example.com'], secretName: 'ray-tls' }],
        rules: [
          {
            host: 'ray.example.com',
            http: {
              paths: [
                {
                  path: '/rtx-dev/(.*)',
                  pathType: 'ImplementationSpecific',
                  backend: { service: { name: 'rtx-dev-head-svc', port: { number: 8265 } } },
                },
              ],
            },
          },
        ],
      },
    };
    expect(clusterEndpoints(ready.cluster, asType('ClusterIP'), { ingress })).toMatchObject({
      exposure: 'ingress',
      dashboardUrl: 'https://ray.example.com/rtx-dev/',
      jobsApiAddress: 'https://ray.example.com/rtx-dev',
    });
  });

  it("uses the spec's enableIngress host", () => {
    const cluster = structuredClone(ready.cluster);
    cluster.spec.headGroupSpec = {
      ...cluster.spec.headGroupSpec,
      serviceType: 'ClusterIP',
      enableIngress: true,
      ingressOptions: { host: 'rtx-dev.lab.lan', path: '/dash' },
    };
    expect(clusterEndpoints(cluster, undefined).dashboardUrl).toBe('http://rtx-dev.lab.lan/dash/');
  });

  it('defaults the service name, ports and domain', () => {
    const { cluster } = loadFixture('raycluster-invalid-spec');
    expect(clusterEndpoints(cluster, undefined, { clusterDomain: 'lab.internal' })).toMatchObject({
      clientAddress: 'ray://bad-spec-head-svc.team-a.svc.lab.internal:10001',
      inClusterDashboardUrl: 'http://bad-spec-head-svc.team-a.svc.lab.internal:8265',
      exposure: 'portalProxy',
    });
  });
});
