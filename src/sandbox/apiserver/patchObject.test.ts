import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { kubectlBinary } from '../../../test/support/kubectlBinary.ts';
import {
  applyJsonPatch,
  applyMergePatch,
  applyStrategicMergePatch,
  PatchError,
  supportsStrategicMergePatch,
} from './patchObject.ts';

const podKind = { group: '', version: 'v1', kind: 'Pod' };

function failureOf(apply: () => unknown): PatchError {
  try {
    apply();
  } catch (error) {
    expect(error).toBeInstanceOf(PatchError);
    return error as PatchError;
  }
  throw new Error('the patch applied');
}

describe('applyMergePatch', () => {
  it.each([
    [{ a: 1, b: { c: 2, d: 3 } }, { b: { c: null, e: 4 } }, { a: 1, b: { d: 3, e: 4 } }],
    [{ a: [1, 2] }, { a: [3] }, { a: [3] }],
    [{ a: 'x' }, { a: { b: { c: null, d: 1 } } }, { a: { b: { d: 1 } } }],
    [{ a: 1 }, { missing: null }, { a: 1 }],
    [{ a: 1 }, ['whole'], ['whole']],
    [{ a: { b: 1 } }, { a: null }, {}],
  ])('%j + %j', (target, patch, expected) => {
    expect(applyMergePatch(target, patch)).toEqual(expected);
  });

  it('keeps a "__proto__" key as data, never as a prototype', () => {
    const patch: unknown = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}');
    const viaMerge = applyMergePatch({}, patch) as Record<string, unknown>;
    const viaStrategic = applyStrategicMergePatch({}, patch, podKind) as Record<string, unknown>;
    for (const result of [viaMerge, viaStrategic]) {
      expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
      expect(Object.hasOwn(result, '__proto__')).toBe(true);
      expect(result['polluted']).toBeUndefined();
    }
  });

  it('leaves its inputs alone', () => {
    const target = { metadata: { labels: { a: '1' } } };
    const patch = { metadata: { labels: { b: '2' } } };
    const result = applyMergePatch(target, patch) as typeof target;
    result.metadata.labels.a = 'changed';
    expect(target).toEqual({ metadata: { labels: { a: '1' } } });
    expect(patch).toEqual({ metadata: { labels: { b: '2' } } });
  });
});

describe('applyJsonPatch', () => {
  const pod = {
    metadata: { name: 'p', labels: { a: '1' } },
    spec: { containers: [{ name: 'c' }] },
  };

  it('applies every RFC 6902 operation in order', () => {
    expect(
      applyJsonPatch(pod, [
        { op: 'add', path: '/metadata/labels/b', value: '2' },
        { op: 'remove', path: '/metadata/labels/a' },
        { op: 'replace', path: '/spec/containers/0/name', value: 'main' },
        { op: 'add', path: '/spec/containers/-', value: { name: 'side' } },
        { op: 'copy', from: '/metadata/name', path: '/metadata/generateName' },
        { op: 'move', from: '/metadata/labels', path: '/metadata/annotations' },
        { op: 'test', path: '/metadata/annotations/b', value: '2' },
        { op: 'add', path: '/metadata/x~1y', value: 'escaped' },
      ]),
    ).toEqual({
      metadata: { name: 'p', generateName: 'p', annotations: { b: '2' }, 'x/y': 'escaped' },
      spec: { containers: [{ name: 'main' }, { name: 'side' }] },
    });
    expect(pod.metadata.labels).toEqual({ a: '1' });
  });

  it('lets replace create a missing member, as Kubernetes does', () => {
    expect(
      applyJsonPatch(pod, [{ op: 'replace', path: '/metadata/labels/new', value: 'v' }]),
    ).toMatchObject({ metadata: { labels: { a: '1', new: 'v' } } });
  });

  it('is all or nothing', () => {
    const before = structuredClone(pod);
    expect(() =>
      applyJsonPatch(pod, [
        { op: 'add', path: '/metadata/labels/b', value: '2' },
        { op: 'test', path: '/metadata/name', value: 'other' },
      ]),
    ).toThrow(PatchError);
    expect(pod).toEqual(before);
  });

  it.each([
    [
      { op: 'test', path: '/metadata/name', value: 'q' },
      'testing value /metadata/name failed: test failed',
    ],
    [
      { op: 'remove', path: '/metadata/annotations/x' },
      'remove operation does not apply: doc is missing path: "/metadata/annotations/x": missing value',
    ],
    [
      { op: 'add', path: '/status/phase', value: 'Running' },
      'add operation does not apply: doc is missing path: "/status/phase": missing value',
    ],
    [
      { op: 'replace', path: '/status/phase', value: 'Running' },
      'replace operation does not apply: doc is missing path: /status/phase: missing value',
    ],
    [
      { op: 'remove', path: '/metadata/zz' },
      "error in remove for path: '/metadata/zz': Unable to remove nonexistent key: zz: missing value",
    ],
    [
      { op: 'remove', path: '/spec/containers/7' },
      "error in remove for path: '/spec/containers/7': Unable to access invalid index: 7: invalid index referenced",
    ],
    [
      { op: 'move', from: '/metadata/a/b', path: '/metadata/x' },
      'move operation does not apply: doc is missing from path: /metadata/a/b: missing value',
    ],
    [
      { op: 'test', path: '/metadata/zz/y', value: 1 },
      'test operation does not apply: is missing path: /metadata/zz/y: missing value',
    ],
    [{ op: 'frobnicate', path: '/spec' }, 'Unexpected kind: frobnicate'],
    [{ op: 'add', path: '/metadata/x' }, "add operation for path: '/metadata/x' has no value"],
  ])('explains %j with code 422', (operation, message) => {
    const error = failureOf(() => applyJsonPatch(pod, [operation]));
    expect(error.message).toBe(message);
    expect(error).toMatchObject({ code: 422, reason: 'Invalid' });
  });

  it('rejects a body that is not a list of operations with 400', () => {
    expect(failureOf(() => applyJsonPatch(pod, { op: 'add' }))).toMatchObject({
      code: 400,
      message: 'json: cannot unmarshal object into Go value of type jsonpatch.Patch',
    });
    expect(failureOf(() => applyJsonPatch(pod, ['add'])).message).toBe(
      'json patch operation 0 is not an object',
    );
  });
});

const deployment = { group: 'apps', version: 'v1', kind: 'Deployment' };

/** [title, gvk, live object, patch, expected result] */
const strategicCases: [string, typeof podKind, object, object, object][] = [
  [
    'merges containers by name, env by name and ports by containerPort',
    podKind,
    {
      spec: {
        containers: [
          {
            name: 'ray-head',
            image: 'rayproject/ray:2.9',
            env: [
              { name: 'A', value: '1' },
              { name: 'B', value: '2' },
            ],
            ports: [{ containerPort: 6379 }, { containerPort: 8265, name: 'dashboard' }],
          },
          { name: 'sidecar', image: 'busybox' },
        ],
      },
    },
    {
      spec: {
        containers: [
          {
            name: 'ray-head',
            image: 'rayproject/ray:2.10',
            env: [
              { name: 'B', value: '3' },
              { name: 'C', value: '4' },
            ],
            ports: [{ containerPort: 8265, protocol: 'TCP' }],
          },
          { name: 'logger', image: 'fluent-bit' },
        ],
      },
    },
    {
      spec: {
        containers: [
          {
            name: 'ray-head',
            image: 'rayproject/ray:2.10',
            env: [
              { name: 'A', value: '1' },
              { name: 'B', value: '3' },
              { name: 'C', value: '4' },
            ],
            ports: [
              { containerPort: 6379 },
              { containerPort: 8265, name: 'dashboard', protocol: 'TCP' },
            ],
          },
          // New items go before the live items that follow them (Kubernetes' order rule).
          { name: 'logger', image: 'fluent-bit' },
          { name: 'sidecar', image: 'busybox' },
        ],
      },
    },
  ],
  [
    'puts patched list items in the patch order',
    podKind,
    { spec: { containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] } },
    {
      spec: {
        containers: [
          { name: 'c', image: 'x' },
          { name: 'a', image: 'y' },
        ],
      },
    },
    {
      spec: {
        containers: [{ name: 'b' }, { name: 'c', image: 'x' }, { name: 'a', image: 'y' }],
      },
    },
  ],
  [
    'deletes list elements with $patch: delete',
    podKind,
    {
      spec: { containers: [{ name: 'a' }, { name: 'b' }], volumes: [{ name: 'v', emptyDir: {} }] },
    },
    {
      spec: {
        containers: [{ name: 'b', $patch: 'delete' }],
        volumes: [{ name: 'v', $patch: 'delete' }],
      },
    },
    { spec: { containers: [{ name: 'a' }], volumes: [] } },
  ],
  [
    'replaces a merge list with $patch: replace',
    podKind,
    { spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b' }] } },
    { spec: { containers: [{ $patch: 'replace' }, { name: 'c', image: 'z' }] } },
    { spec: { containers: [{ name: 'c', image: 'z' }] } },
  ],
  [
    'replaces and empties maps with $patch',
    podKind,
    {
      metadata: { labels: { a: '1', b: '2' }, annotations: { x: 'y' } },
      spec: { nodeSelector: { gpu: 'a100', zone: 'z' } },
    },
    {
      metadata: { labels: { $patch: 'delete' } },
      spec: { nodeSelector: { $patch: 'replace', gpu: 'h100' } },
    },
    { metadata: { labels: {}, annotations: { x: 'y' } }, spec: { nodeSelector: { gpu: 'h100' } } },
  ],
  [
    'deletes fields with null, also inside merged elements',
    podKind,
    {
      metadata: { labels: { a: '1', b: '2' } },
      spec: { containers: [{ name: 'a', image: 'x', command: ['sleep'] }], priority: 5 },
    },
    {
      metadata: { labels: { a: null, c: '3' } },
      spec: { containers: [{ name: 'a', command: null }], priority: null },
    },
    { metadata: { labels: { b: '2', c: '3' } }, spec: { containers: [{ name: 'a', image: 'x' }] } },
  ],
  [
    'merges finalizers as a set, new ones first',
    podKind,
    { metadata: { finalizers: ['ray.io/gcs', 'kubernetes'] } },
    { metadata: { finalizers: ['raydeck/usage', 'kubernetes'] } },
    { metadata: { finalizers: ['raydeck/usage', 'ray.io/gcs', 'kubernetes'] } },
  ],
  [
    'removes finalizers with $deleteFromPrimitiveList',
    podKind,
    { metadata: { finalizers: ['a', 'b', 'c'] } },
    { metadata: { '$deleteFromPrimitiveList/finalizers': ['b', 'zz'] } },
    { metadata: { finalizers: ['a', 'c'] } },
  ],
  [
    'orders a list by $setElementOrder and keeps server-only items in place',
    podKind,
    {
      spec: {
        containers: [
          { name: '1', image: 'one' },
          { name: '2' },
          { name: '9' },
          { name: '3' },
          { name: '4' },
        ],
      },
    },
    {
      spec: {
        '$setElementOrder/containers': [{ name: '2' }, { name: '1' }, { name: '4' }, { name: '3' }],
        containers: [{ name: '4', image: 'four' }],
      },
    },
    {
      spec: {
        containers: [
          { name: '2' },
          { name: '1', image: 'one' },
          { name: '9' },
          { name: '4', image: 'four' },
          { name: '3' },
        ],
      },
    },
  ],
  [
    'applies kubectl apply`s finalizer order with additions and deletions',
    podKind,
    { metadata: { finalizers: ['1', '4', '2', '3'] } },
    {
      metadata: {
        '$setElementOrder/finalizers': ['5', '1', '2'],
        '$deleteFromPrimitiveList/finalizers': ['3'],
        finalizers: ['5'],
      },
    },
    { metadata: { finalizers: ['5', '1', '4', '2'] } },
  ],
  [
    'clears union members with $retainKeys (Deployment strategy)',
    deployment,
    {
      spec: {
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      },
    },
    { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } },
    { spec: { strategy: { type: 'Recreate' } } },
  ],
  [
    'replaces lists without a merge key (tolerations, args)',
    podKind,
    {
      spec: {
        tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists' }],
        containers: [{ name: 'a', args: ['--x', '--y'] }],
      },
    },
    {
      spec: {
        tolerations: [{ key: 'ray', operator: 'Exists' }],
        containers: [{ name: 'a', args: ['--z'] }],
      },
    },
    {
      spec: {
        tolerations: [{ key: 'ray', operator: 'Exists' }],
        containers: [{ name: 'a', args: ['--z'] }],
      },
    },
  ],
  [
    'merges the pod template of a Deployment (kubectl rollout restart)',
    deployment,
    {
      spec: {
        replicas: 2,
        template: {
          metadata: { labels: { app: 'raydeck' } },
          spec: {
            containers: [
              { name: 'portal', image: 'raydeck:1' },
              { name: 'proxy', image: 'envoy' },
            ],
          },
        },
      },
    },
    {
      spec: {
        template: {
          metadata: {
            annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-11-26T07:00:00Z' },
          },
          spec: { containers: [{ name: 'portal', image: 'raydeck:2' }] },
        },
      },
    },
    {
      spec: {
        replicas: 2,
        template: {
          metadata: {
            labels: { app: 'raydeck' },
            annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-11-26T07:00:00Z' },
          },
          spec: {
            containers: [
              { name: 'portal', image: 'raydeck:2' },
              { name: 'proxy', image: 'envoy' },
            ],
          },
        },
      },
    },
  ],
  [
    'merges volumeMounts by mountPath and volumes by name',
    { group: 'batch', version: 'v1', kind: 'Job' },
    {
      spec: {
        template: {
          spec: {
            volumes: [{ name: 'data', emptyDir: {} }],
            containers: [{ name: 'job', volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
          },
        },
      },
    },
    {
      spec: {
        template: {
          spec: {
            volumes: [{ name: 'cache', emptyDir: { medium: 'Memory' } }],
            containers: [
              {
                name: 'job',
                volumeMounts: [
                  { name: 'cache', mountPath: '/data' },
                  { name: 'cache', mountPath: '/tmp' },
                ],
              },
            ],
          },
        },
      },
    },
    {
      spec: {
        template: {
          spec: {
            volumes: [
              { name: 'cache', emptyDir: { medium: 'Memory' } },
              { name: 'data', emptyDir: {} },
            ],
            containers: [
              {
                name: 'job',
                volumeMounts: [
                  { name: 'cache', mountPath: '/data' },
                  { name: 'cache', mountPath: '/tmp' },
                ],
              },
            ],
          },
        },
      },
    },
  ],
  [
    'merges ownerReferences by uid and status conditions by type',
    podKind,
    {
      metadata: {
        ownerReferences: [{ apiVersion: 'ray.io/v1', kind: 'RayCluster', name: 'rc', uid: 'u1' }],
      },
      status: {
        phase: 'Pending',
        conditions: [
          { type: 'PodScheduled', status: 'False' },
          { type: 'Ready', status: 'False' },
        ],
      },
    },
    {
      metadata: { ownerReferences: [{ uid: 'u1', controller: true }] },
      status: { phase: 'Running', conditions: [{ type: 'PodScheduled', status: 'True' }] },
    },
    {
      metadata: {
        ownerReferences: [
          { apiVersion: 'ray.io/v1', kind: 'RayCluster', name: 'rc', uid: 'u1', controller: true },
        ],
      },
      status: {
        phase: 'Running',
        conditions: [
          { type: 'PodScheduled', status: 'True' },
          { type: 'Ready', status: 'False' },
        ],
      },
    },
  ],
  [
    'merges Service ports by port',
    { group: '', version: 'v1', kind: 'Service' },
    {
      spec: {
        ports: [
          { name: 'gcs', port: 6379 },
          { name: 'dashboard', port: 8265 },
        ],
      },
    },
    {
      spec: {
        ports: [
          { port: 8265, nodePort: 30265 },
          { name: 'client', port: 10001 },
        ],
      },
    },
    {
      spec: {
        ports: [
          { name: 'gcs', port: 6379 },
          { name: 'dashboard', port: 8265, nodePort: 30265 },
          { name: 'client', port: 10001 },
        ],
      },
    },
  ],
  [
    'merges Node conditions and addresses by type, cordons',
    { group: '', version: 'v1', kind: 'Node' },
    {
      spec: { podCIDRs: ['10.0.0.0/24'] },
      status: {
        addresses: [{ type: 'InternalIP', address: '10.1.0.4' }],
        conditions: [
          { type: 'Ready', status: 'True' },
          { type: 'MemoryPressure', status: 'False' },
        ],
      },
    },
    {
      spec: { unschedulable: true, podCIDRs: ['fd00::/64'] },
      status: {
        addresses: [{ type: 'Hostname', address: 'gpu-1' }],
        conditions: [{ type: 'Ready', status: 'False' }],
      },
    },
    {
      spec: { unschedulable: true, podCIDRs: ['fd00::/64', '10.0.0.0/24'] },
      status: {
        addresses: [
          { type: 'Hostname', address: 'gpu-1' },
          { type: 'InternalIP', address: '10.1.0.4' },
        ],
        conditions: [
          { type: 'Ready', status: 'False' },
          { type: 'MemoryPressure', status: 'False' },
        ],
      },
    },
  ],
  [
    'reaches the pod template of a CronJob',
    { group: 'batch', version: 'v1', kind: 'CronJob' },
    {
      spec: {
        jobTemplate: {
          spec: { template: { spec: { containers: [{ name: 'a', image: '1' }, { name: 'b' }] } } },
        },
      },
    },
    {
      spec: {
        jobTemplate: { spec: { template: { spec: { containers: [{ name: 'a', image: '2' }] } } } },
      },
    },
    {
      spec: {
        jobTemplate: {
          spec: { template: { spec: { containers: [{ name: 'a', image: '2' }, { name: 'b' }] } } },
        },
      },
    },
  ],
  [
    'replaces a PodDisruptionBudget selector wholesale',
    { group: 'policy', version: 'v1', kind: 'PodDisruptionBudget' },
    { spec: { selector: { matchLabels: { a: '1' } } } },
    { spec: { selector: { matchExpressions: [{ key: 'b', operator: 'Exists' }] } } },
    { spec: { selector: { matchExpressions: [{ key: 'b', operator: 'Exists' }] } } },
  ],
  [
    'takes a new map or list as given, without nulls and directives',
    podKind,
    { metadata: { name: 'p' }, spec: {} },
    {
      metadata: { labels: { a: '1', b: null } },
      spec: {
        containers: [{ name: 'x' }, { name: 'y', $patch: 'delete' }],
        affinity: { $patch: 'delete' },
      },
    },
    { metadata: { name: 'p', labels: { a: '1' } }, spec: { containers: [{ name: 'x' }] } },
  ],
  [
    'merges unknown maps and replaces unknown lists (a built-in kind without strategies)',
    { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole' },
    { metadata: { labels: { a: '1' } }, rules: [{ apiGroups: ['ray.io'], verbs: ['get'] }] },
    { metadata: { labels: { b: '2' } }, rules: [{ apiGroups: [''], verbs: ['list'] }] },
    { metadata: { labels: { a: '1', b: '2' } }, rules: [{ apiGroups: [''], verbs: ['list'] }] },
  ],
];

describe('applyStrategicMergePatch', () => {
  it.each(strategicCases)('%s', (_title, gvk, live, patch, expected) => {
    const before = structuredClone(live);
    expect(applyStrategicMergePatch(live, patch, gvk)).toEqual(expected);
    expect(live).toEqual(before);
  });

  it.each<[string, object, object, string, PatchError['code']]>([
    [
      '$patch: merge on a map',
      { metadata: { name: 'p' } },
      { metadata: { $patch: 'merge' } },
      'unknown patch type: merge in map: map[$patch:merge]',
      500,
    ],
    [
      '$patch: merge in a list',
      { spec: { containers: [{ name: 'a' }] } },
      { spec: { containers: [{ $patch: 'merge' }] } },
      'merging lists cannot yet be specified in the patch',
      500,
    ],
    [
      'an unknown list directive',
      { spec: { containers: [{ name: 'a' }] } },
      { spec: { containers: [{ name: 'a', $patch: 'foo' }] } },
      'unknown patch type: foo in map: map[$patch:foo name:a]',
      500,
    ],
    [
      'a list element without its merge key',
      { spec: { containers: [{ name: 'a' }] } },
      { spec: { containers: [{ image: 'q', ports: [{ containerPort: 80 }] }] } },
      'map: map[image:q ports:[map[containerPort:80]]] does not contain declared merge key: name',
      500,
    ],
    [
      'a key outside $retainKeys',
      { spec: { nodeName: 'a' } },
      { spec: { $retainKeys: ['nodeName'], hostname: 'h' } },
      'invalid patch format of retainKeys',
      400,
    ],
    [
      'a malformed deletion list key',
      { metadata: { finalizers: ['a'] } },
      { metadata: { '$deleteFromPrimitiveListX/finalizers': ['a'] } },
      'invalid patch format of primitive list',
      400,
    ],
    [
      'a list of lists',
      { metadata: { finalizers: ['a'] } },
      { metadata: { finalizers: [['b']] } },
      'list element types are not identical: [[a] [[b]]]',
      500,
    ],
    [
      'a list of lists alone',
      { metadata: { finalizers: [['a']] } },
      { metadata: { finalizers: [['b']] } },
      'lists of lists are not supported',
      422,
    ],
    [
      'a patch list out of $setElementOrder',
      { spec: { containers: [{ name: 'a' }, { name: 'b' }] } },
      {
        spec: {
          '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }],
          containers: [{ name: 'b' }, { name: 'a' }],
        },
      },
      "The order in patch list:\n[map[name:b] map[name:a]]\n doesn't match $setElementOrder list:\n[map[name:a] map[name:b]]\n",
      500,
    ],
  ])('rejects %s', (_title, live, patch, message, code) => {
    const error = failureOf(() => applyStrategicMergePatch(live, patch, podKind));
    expect(error.message).toBe(message);
    expect(error.code).toBe(code);
  });

  it('refuses custom resources with 415, as Kubernetes does', () => {
    const error = failureOf(() =>
      applyStrategicMergePatch(
        {},
        { spec: {} },
        { group: 'ray.io', version: 'v1', kind: 'RayCluster' },
      ),
    );
    expect(error).toMatchObject({
      code: 415,
      reason: 'UnsupportedMediaType',
      message: 'strategic merge patch format is not supported',
    });
  });

  it('treats a null patch as no change and rejects non-objects', () => {
    expect(applyStrategicMergePatch({ a: 1 }, null, podKind)).toEqual({ a: 1 });
    expect(failureOf(() => applyStrategicMergePatch({}, [1], podKind))).toMatchObject({
      code: 400,
      message: 'json: cannot unmarshal array into Go value of type map[string]interface {}',
    });
  });
});

describe('supportsStrategicMergePatch', () => {
  it.each([
    ['', true],
    ['apps', true],
    ['batch', true],
    ['rbac.authorization.k8s.io', true],
    ['events.k8s.io', true],
    ['ray.io', false],
    ['raydeck.io', false],
    ['example.com', false],
  ])('%j → %s', (group, expected) => {
    expect(supportsStrategicMergePatch(group)).toBe(expected);
  });
});

/**
 * Differential check against the real kubectl 1.35, whose `patch --local` applies strategic
 * merge, JSON and merge patches with the same Go code as kube-apiserver, offline.
 */
describe('patches agree with kubectl 1.35', () => {
  const dir = mkdtempSync(join(tmpdir(), 'raydeck-patch-'));
  const kubeconfig = join(dir, 'config');
  writeFileSync(kubeconfig, '');
  let fileCount = 0;

  function kubectlPatch(
    type: 'strategic' | 'json' | 'merge',
    gvk: { group: string; version: string; kind: string },
    live: object,
    patch: unknown,
  ): { result?: unknown; error?: string } {
    const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
    const file = join(dir, `object-${fileCount++}.json`);
    const object = {
      apiVersion,
      kind: gvk.kind,
      ...live,
      metadata: { name: 'o', ...(live as { metadata?: object }).metadata },
    };
    writeFileSync(file, JSON.stringify(object));
    const args = ['--kubeconfig', kubeconfig, 'patch', '--local', '-f', file, '--type', type];
    args.push('-p', JSON.stringify(patch), '-o', 'json');
    const run = spawnSync(kubectlBinary(), args, { encoding: 'utf8', env: { HOME: dir } });
    if (run.status !== 0) return { error: run.stderr.trim().replace(/^error: /, '') };
    const result = JSON.parse(run.stdout) as Record<string, unknown>;
    return { result: { ...result, apiVersion: undefined, kind: undefined } };
  }

  function ours(
    apply: (object: object) => unknown,
    live: object,
  ): { result?: unknown; error?: string } {
    const object = {
      ...live,
      metadata: { name: 'o', ...(live as { metadata?: object }).metadata },
    };
    try {
      return { result: { ...(apply(object) as object), apiVersion: undefined, kind: undefined } };
    } catch (error) {
      return { error: (error as Error).message.trim() };
    }
  }

  it('on strategic merge patches', () => {
    const extra: [string, typeof podKind, object, object][] = [
      ['', podKind, { metadata: { finalizers: ['a'] } }, { metadata: { $patch: 'merge' } }],
      [
        '',
        podKind,
        { spec: { containers: [{ name: 'a' }] } },
        { spec: { containers: [{ $patch: 'merge' }] } },
      ],
      [
        '',
        podKind,
        { spec: { containers: [{ name: 'a' }] } },
        { spec: { containers: [{ image: 'q' }] } },
      ],
      [
        '',
        podKind,
        { spec: { nodeName: 'a' } },
        { spec: { $retainKeys: ['nodeName'], hostname: 'h' } },
      ],
      ['', podKind, { metadata: { finalizers: ['a'] } }, { metadata: { finalizers: [['b']] } }],
      [
        '',
        podKind,
        { spec: { containers: [{ name: 'a' }, { name: 'b' }] } },
        {
          spec: {
            '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }],
            containers: [{ name: 'b' }, { name: 'a' }],
          },
        },
      ],
      [
        '',
        podKind,
        { metadata: { labels: { a: '1' } } },
        { metadata: { labels: { $patch: 'replace', b: '2' } } },
      ],
      [
        '',
        podKind,
        { spec: { containers: [{ name: 'a', image: 'x' }] } },
        { spec: { containers: [{ name: 'a', image: null }] } },
      ],
    ];
    const more: [string, typeof podKind, object, object][] = [
      [
        '',
        podKind,
        { spec: { containers: [{ name: 'a' }] } },
        {
          spec: {
            containers: [
              { name: 'b', image: '1' },
              { name: 'b', image: '2' },
            ],
          },
        },
      ],
      [
        '',
        podKind,
        { spec: { containers: [{ name: 'a' }] } },
        { spec: { containers: [{ name: 'zz', $patch: 'delete' }] } },
      ],
      ['', podKind, { spec: { containers: [] } }, { spec: { containers: [{ name: 'a' }] } }],
      [
        '',
        podKind,
        { metadata: { finalizers: ['a', 'a', 'b'] } },
        { metadata: { finalizers: ['c', 'a'] } },
      ],
      [
        '',
        podKind,
        { metadata: {} },
        { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } },
      ],
      [
        '',
        podKind,
        { spec: { containers: [{ name: 'a', args: ['x', 'y', 'x'] }] } },
        { spec: { containers: [{ name: 'a', '$deleteFromPrimitiveList/args': ['x'] }] } },
      ],
      ['', podKind, { metadata: { labels: { a: '1' } } }, { metadata: { labels: 'oops' } }],
      [
        '',
        podKind,
        {
          spec: {
            volumes: [
              { name: 'v', emptyDir: {} },
              { name: 'w', hostPath: { path: '/w' } },
            ],
          },
        },
        {
          spec: {
            volumes: [{ $retainKeys: ['configMap', 'name'], name: 'v', configMap: { name: 'cm' } }],
          },
        },
      ],
      [
        '',
        deployment,
        { status: { conditions: [{ type: 'Available', status: 'False' }] } },
        { status: { conditions: [{ type: 'Progressing', status: 'True' }] } },
      ],
      [
        '',
        podKind,
        { metadata: { finalizers: ['a', 'b', 'c'] } },
        { metadata: { '$setElementOrder/finalizers': ['c', 'a'] } },
      ],
      [
        '',
        podKind,
        {
          spec: {
            containers: [
              {
                name: 'a',
                env: [
                  { name: 'X', value: '1' },
                  { name: 'Y', value: '2' },
                ],
              },
              { name: 'b' },
            ],
          },
        },
        {
          spec: {
            '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }],
            containers: [
              {
                name: 'a',
                '$setElementOrder/env': [{ name: 'Z' }, { name: 'X' }],
                env: [
                  { name: 'Z', value: '3' },
                  { name: 'Y', $patch: 'delete' },
                ],
              },
            ],
          },
        },
      ],
      [
        '',
        podKind,
        { spec: { containers: [{ name: 'a', ports: [{ containerPort: 80 }] }] } },
        {
          spec: {
            containers: [
              {
                name: 'a',
                ports: [{ containerPort: 80, $patch: 'delete' }, { containerPort: 443 }],
              },
            ],
          },
        },
      ],
      [
        '',
        podKind,
        { metadata: { annotations: { a: '1' } } },
        { $patch: 'replace', apiVersion: 'v1', kind: 'Pod', metadata: { name: 'o' } },
      ],
    ];
    const cases = [
      ...strategicCases.map(([title, gvk, live, patch]) => [title, gvk, live, patch] as const),
      ...extra,
      ...more,
    ];
    for (const [title, gvk, live, patch] of cases) {
      const expected = kubectlPatch('strategic', gvk, live, patch);
      expect(
        ours((object) => applyStrategicMergePatch(object, patch, gvk), live),
        title || JSON.stringify(patch),
      ).toEqual(expected);
    }
  }, 60_000);

  it('on JSON patches that apply, and on their messages', () => {
    const live = {
      metadata: { labels: { a: '1' }, finalizers: ['x', 'y'] },
      spec: { containers: [{ name: 'c' }] },
    };
    const patches: unknown[][] = [
      [{ op: 'replace', path: '/metadata/labels/new', value: 'v' }],
      [{ op: 'add', path: '/spec/containers/0', value: { name: 'first' } }],
      [
        { op: 'remove', path: '/metadata/finalizers/0' },
        { op: 'add', path: '/metadata/finalizers/-', value: 'z' },
      ],
      [{ op: 'move', from: '/metadata/labels', path: '/metadata/annotations' }],
      [
        { op: 'test', path: '/metadata/labels/a', value: '1' },
        {
          op: 'replace',
          path: '',
          value: { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'o' } },
        },
      ],
      [{ op: 'test', path: '/metadata/labels/a', value: '2' }],
      [{ op: 'remove', path: '/metadata/annotations/x' }],
      [{ op: 'add', path: '/status/phase', value: 'Running' }],
      [{ op: 'replace', path: '/status/phase', value: 'Running' }],
      [{ op: 'remove', path: '/metadata/zz' }],
      [{ op: 'remove', path: '/spec/containers/7' }],
      [{ op: 'copy', from: '/metadata/a/b', path: '/metadata/x' }],
      [{ op: 'test', path: '/metadata/zz/y', value: 1 }],
      [{ op: 'frobnicate', path: '/spec' }],
    ];
    for (const patch of patches) {
      const expected = kubectlPatch('json', podKind, live, patch);
      expect(
        ours((object) => applyJsonPatch(object, patch), live),
        JSON.stringify(patch),
      ).toEqual(expected);
    }
  }, 60_000);

  it('on merge patches', () => {
    const live = {
      metadata: { labels: { a: '1', b: '2' } },
      spec: { containers: [{ name: 'c', image: 'x' }] },
    };
    const patches: unknown[] = [
      { metadata: { labels: { a: null, c: '3' } } },
      { spec: { containers: [{ name: 'd' }] } },
      { spec: { nodeSelector: { gpu: 'a100', drop: null } } },
    ];
    for (const patch of patches) {
      const expected = kubectlPatch('merge', podKind, live, patch);
      expect(
        ours((object) => applyMergePatch(object, patch) as object, live),
        JSON.stringify(patch),
      ).toEqual(expected);
    }
  }, 60_000);
});
