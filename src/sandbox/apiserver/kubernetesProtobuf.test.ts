import { describe, expect, it } from 'vitest';

import {
  decodeKubernetesProtobuf,
  encodeKubernetesProtobuf,
  encodeKubernetesProtobufWatchEvent,
  hasProtobufForm,
} from './kubernetesProtobuf.ts';

const roundTrip = (object: Record<string, unknown>) =>
  decodeKubernetesProtobuf(encodeKubernetesProtobuf(object));

describe('Kubernetes protobuf bodies', () => {
  it('round-trips a Pod: quantities, int-or-string, times, inline fields, maps', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'p',
        namespace: 'team-a',
        uid: '1f0c',
        resourceVersion: '42',
        creationTimestamp: '2026-01-02T03:04:05Z',
        labels: { app: 'ray' },
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'r', uid: 'u', controller: true },
        ],
      },
      spec: {
        containers: [
          {
            name: 'c',
            image: 'rayproject/ray:2.58.0',
            resources: { limits: { cpu: '1500m', memory: '2Gi', 'nvidia.com/gpu': '1' } },
            readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 5 },
            livenessProbe: { tcpSocket: { port: 8265 } },
            env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k' } } }],
          },
        ],
        volumes: [{ name: 'v', configMap: { name: 'cm', defaultMode: 420 } }],
        terminationGracePeriodSeconds: 0,
      },
      status: {
        phase: 'Running',
        startTime: '2026-01-02T03:04:06Z',
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-02T03:04:07Z' }],
      },
    };
    expect(roundTrip(pod)).toEqual(pod);
  });

  it('round-trips a Deployment with replicas 0 and a RollingUpdate of mixed int-or-string', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web' } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'app', image: 'nginx', ports: [{ containerPort: 80 }] }] },
        },
      },
    };
    expect(roundTrip(deployment)).toEqual(deployment);
  });

  it('carries Secret data as bytes (base64 in JSON) and stringData as strings', () => {
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', annotations: { note: 'x' } },
      type: 'helm.sh/release.v1',
      data: { release: Buffer.from([0, 1, 2, 250, 255]).toString('base64') },
      stringData: { plain: 'text' },
    };
    const encoded = encodeKubernetesProtobuf(secret);
    expect(encoded.subarray(0, 4)).toEqual(Buffer.from('k8s\0', 'binary'));
    // The raw bytes travel as bytes, not as their base64 text.
    expect(encoded.includes(Buffer.from([0, 1, 2, 250, 255]))).toBe(true);
    expect(decodeKubernetesProtobuf(encoded)).toEqual(secret);
  });

  it('keeps MicroTime microseconds, RawExtension objects, Status and lists with ListMeta', () => {
    const event = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'e', namespace: 'default' },
      eventTime: '2026-01-02T03:04:05.123456Z',
      regarding: { kind: 'Pod', name: 'p' },
      note: 'scheduled',
    };
    expect(roundTrip(event)).toEqual(event);
    const list = {
      apiVersion: 'v1',
      kind: 'ConfigMapList',
      metadata: { resourceVersion: '7', continue: 'abc', remainingItemCount: 3 },
      items: [{ metadata: { name: 'a' }, data: { k: 'v' }, binaryData: { b: 'AAE=' } }],
    };
    expect(roundTrip(list)).toEqual(list);
    const status = {
      apiVersion: 'v1',
      kind: 'Status',
      metadata: {},
      status: 'Failure',
      message: 'not found',
      reason: 'NotFound',
      details: { name: 'x', kind: 'pods' },
      code: 404,
    };
    expect(roundTrip(status)).toEqual({ ...status, metadata: {} });
    const managed = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'm',
        managedFields: [
          {
            manager: 'kubectl',
            operation: 'Apply',
            apiVersion: 'v1',
            time: '2026-01-02T03:04:05Z',
            fieldsType: 'FieldsV1',
            fieldsV1: { 'f:data': { 'f:k': {} } },
          },
        ],
      },
    };
    expect(roundTrip(managed)).toEqual(managed);
  });

  it('frames watch events with a 4-byte length and an enveloped object', () => {
    const frame = encodeKubernetesProtobufWatchEvent('ADDED', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'x' },
    });
    expect(frame.readUInt32BE(0)).toBe(frame.length - 4);
    expect(frame.includes(Buffer.from('k8s\0', 'binary'))).toBe(true);
    expect(frame.includes(Buffer.from('ADDED'))).toBe(true);
  });

  it('has no form for custom resources and rejects bodies without the magic', () => {
    expect(hasProtobufForm('ray.io/v1', 'RayCluster')).toBe(false);
    expect(hasProtobufForm('apps/v1', 'Deployment')).toBe(true);
    expect(decodeKubernetesProtobuf(Buffer.from('{"kind":"Pod"}'))).toBeUndefined();
  });
});

describe('Go zero values in protobuf requests', () => {
  it('drops the 0 of non-pointer omitempty integers but keeps pointer zeros', () => {
    const decoded = roundTrip({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', generation: 0 },
      spec: {
        replicas: 0,
        minReadySeconds: 0,
        template: {
          spec: { containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: 0 }] }] },
        },
      },
    });
    expect(decoded).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: {
        replicas: 0,
        template: { spec: { containers: [{ name: 'c', ports: [{ containerPort: 80 }] }] } },
      },
    });
  });
});
