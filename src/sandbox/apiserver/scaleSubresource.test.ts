import { afterEach, describe, expect, it } from 'vitest';

import { startTestSandbox, type TestSandbox } from '../../../test/support/startTestSandbox.ts';
import { formatLabelSelector } from './scaleSubresource.ts';

let sandbox: TestSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: {
    replicas: 2,
    selector: {
      matchLabels: { app: 'web' },
      matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'edge'] }],
    },
    template: {
      metadata: { labels: { app: 'web', tier: 'front' } },
      spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] },
    },
  },
};

describe('scale subresource', () => {
  it('reads, replaces and patches autoscaling/v1 Scale of a Deployment over HTTP', async () => {
    sandbox = await startTestSandbox();
    const base = '/apis/apps/v1/namespaces/default/deployments';
    await sandbox.request('POST', base, deployment);

    const read = await sandbox.request('GET', `${base}/web/scale`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name: 'web', namespace: 'default' },
      spec: { replicas: 2 },
      status: { replicas: 0, selector: 'app=web,tier in (edge,front)' },
    });
    const version = (read.body as { metadata: { resourceVersion: string } }).metadata
      .resourceVersion;

    // PUT of a Scale (kubectl scale --current-replicas, python replace_namespaced_deployment_scale).
    const put = await sandbox.request('PUT', `${base}/web/scale`, {
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: { name: 'web', namespace: 'default', resourceVersion: version },
      spec: { replicas: 5 },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ kind: 'Scale', spec: { replicas: 5 } });
    const stored = await sandbox.request('GET', `${base}/web`);
    expect((stored.body as { spec: { replicas: number } }).spec.replicas).toBe(5);

    // A stale resourceVersion is a conflict.
    const stale = await sandbox.request('PUT', `${base}/web/scale`, {
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: { name: 'web', resourceVersion: version },
      spec: { replicas: 1 },
    });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ reason: 'Conflict' });

    // PATCH answers a Scale (kubectl scale sends a merge patch of the Scale).
    const patched = await sandbox.request(
      'PATCH',
      `${base}/web/scale`,
      { spec: { replicas: 3 } },
      { 'content-type': 'application/merge-patch+json' },
    );
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ kind: 'Scale', spec: { replicas: 3 } });
    const jsonPatched = await sandbox.request(
      'PATCH',
      `${base}/web/scale`,
      [{ op: 'replace', path: '/spec/replicas', value: 0 }],
      { 'content-type': 'application/json-patch+json' },
    );
    expect(jsonPatched.body).toMatchObject({ kind: 'Scale', spec: { replicas: 0 } });

    const negative = await sandbox.request('PUT', `${base}/web/scale`, {
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: { name: 'web' },
      spec: { replicas: -1 },
    });
    expect(negative.status).toBe(422);
    expect(negative.body).toMatchObject({
      reason: 'Invalid',
      message:
        'Scale.autoscaling "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    });
  });

  it('scales StatefulSets and ReplicaSets too', async () => {
    sandbox = await startTestSandbox();
    for (const [plural, kind] of [
      ['statefulsets', 'StatefulSet'],
      ['replicasets', 'ReplicaSet'],
    ] as const) {
      const base = `/apis/apps/v1/namespaces/default/${plural}`;
      const created = await sandbox.request('POST', base, {
        ...deployment,
        kind,
        spec: { ...deployment.spec, serviceName: 'web' },
      });
      expect(created.status).toBe(201);
      const patched = await sandbox.request(
        'PATCH',
        `${base}/web/scale`,
        { spec: { replicas: 4 } },
        { 'content-type': 'application/strategic-merge-patch+json' },
      );
      expect(patched.body).toMatchObject({ kind: 'Scale', spec: { replicas: 4 } });
    }
  });
});

describe('formatLabelSelector', () => {
  it('prints requirements sorted by key, as labels.Selector.String()', () => {
    expect(
      formatLabelSelector({
        matchLabels: { b: '2', a: '1' },
        matchExpressions: [
          { key: 'c', operator: 'NotIn', values: ['y', 'x'] },
          { key: 'd', operator: 'Exists' },
          { key: 'e', operator: 'DoesNotExist' },
        ],
      }),
    ).toBe('a=1,b=2,c notin (x,y),d,!e');
    expect(formatLabelSelector(undefined)).toBe('');
  });
});
