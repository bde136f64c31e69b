import { describe, expect, it } from 'vitest';

import {
  FieldSelectorError,
  fieldValueOf,
  matchesFields,
  parseFieldSelector,
  supportedFieldPaths,
} from './fieldSelector.ts';

function terms(text: string): [string, string, string][] {
  return parseFieldSelector(text).requirements.map((r) => [r.field, r.operator, r.value]);
}

function failure(text: string, target?: { group: string; kind: string }): string {
  try {
    parseFieldSelector(text, target);
  } catch (error) {
    expect(error).toBeInstanceOf(FieldSelectorError);
    return (error as Error).message;
  }
  throw new Error(`${text} parsed`);
}

describe('parseFieldSelector', () => {
  it.each<[string, [string, string, string][]]>([
    ['', []],
    [',', []],
    ['status.phase=Running', [['status.phase', '=', 'Running']]],
    ['status.phase==Running', [['status.phase', '=', 'Running']]],
    ['spec.nodeName!=', [['spec.nodeName', '!=', '']]],
    // Terms come out sorted, as Kubernetes sorts them before parsing.
    [
      'status.phase!=Failed,metadata.name=a',
      [
        ['metadata.name', '=', 'a'],
        ['status.phase', '!=', 'Failed'],
      ],
    ],
    ['metadata.name=a\\,b\\=c\\\\d', [['metadata.name', '=', 'a,b=c\\d']]],
    // No trimming: the spaces belong to the label and the value.
    ['metadata.name = a', [['metadata.name ', '=', ' a']]],
    ['a=!b', [['a', '=', '!b']]],
  ])('parses %j', (text, expected) => {
    expect(terms(text)).toEqual(expected);
  });

  it.each([
    ['metadata.name', "invalid selector: 'metadata.name'; can't understand 'metadata.name'"],
    ['a=b,c', "invalid selector: 'a=b,c'; can't understand 'c'"],
    ['a=b=c', 'invalid field selector: unescaped character in value: 61'],
    ['a=b\\', 'invalid field selector: invalid escape sequence: \\'],
    ['a=b\\x', 'invalid field selector: invalid escape sequence: \\x'],
  ])('rejects %j like Kubernetes', (text, message) => {
    expect(failure(text)).toBe(message);
  });

  describe('with a target kind', () => {
    const pod = { group: '', kind: 'Pod' };

    it('accepts the kind`s labels and maps spec.host to spec.nodeName', () => {
      expect(parseFieldSelector('spec.host=n1,status.phase=Running', pod).requirements).toEqual([
        { field: 'spec.nodeName', operator: '=', value: 'n1' },
        { field: 'status.phase', operator: '=', value: 'Running' },
      ]);
    });

    it.each([
      [{ group: '', kind: 'Pod' }, 'spec.foo', 'field label not supported: spec.foo'],
      [
        { group: '', kind: 'Node' },
        'metadata.namespace',
        'field label not supported: metadata.namespace',
      ],
      [
        { group: 'batch', kind: 'Job' },
        'status.active',
        'field label "status.active" not supported for Job',
      ],
      [
        { group: 'apps', kind: 'Deployment' },
        'spec.replicas',
        '"spec.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"',
      ],
      [
        { group: 'ray.io', kind: 'RayCluster' },
        'status.state',
        'field label not supported: status.state',
      ],
    ])('%j rejects %s', (target, label, message) => {
      expect(failure(`${label}=x`, target)).toBe(message);
    });

    it('does not take inherited names for aliases', () => {
      expect(failure('constructor=x', pod)).toBe('field label not supported: constructor');
    });

    it('reports the first bad term in sorted order', () => {
      expect(failure('z.bad=1,a.bad=2', pod)).toBe('field label not supported: a.bad');
    });
  });
});

describe('supportedFieldPaths', () => {
  it.each([
    [
      '',
      'Pod',
      [
        'metadata.name',
        'metadata.namespace',
        'spec.nodeName',
        'spec.restartPolicy',
        'spec.schedulerName',
        'spec.serviceAccountName',
        'spec.hostNetwork',
        'status.phase',
        'status.podIP',
        'status.podIPs',
        'status.nominatedNodeName',
      ],
    ],
    ['', 'Node', ['metadata.name', 'spec.unschedulable']],
    ['', 'Namespace', ['metadata.name', 'status.phase']],
    ['', 'Secret', ['metadata.name', 'metadata.namespace', 'type']],
    ['', 'Service', ['metadata.name', 'metadata.namespace', 'spec.clusterIP', 'spec.type']],
    ['', 'ConfigMap', ['metadata.name', 'metadata.namespace']],
    ['batch', 'Job', ['metadata.name', 'metadata.namespace', 'status.successful']],
    ['apps', 'Deployment', ['metadata.name', 'metadata.namespace']],
    ['ray.io', 'RayCluster', ['metadata.name', 'metadata.namespace']],
  ])('%s/%s', (group, kind, expected) => {
    expect([...supportedFieldPaths(group, kind)].sort()).toEqual([...expected].sort());
  });

  it('lists the core Event and events.k8s.io Event labels', () => {
    const core = supportedFieldPaths('', 'Event');
    for (const label of ['involvedObject.kind', 'involvedObject.uid', 'involvedObject.fieldPath']) {
      expect(core.has(label)).toBe(true);
    }
    expect([...core].filter((label) => !label.includes('.')).sort()).toEqual([
      'reason',
      'reportingComponent',
      'source',
      'type',
    ]);
    const events = supportedFieldPaths('events.k8s.io', 'Event');
    expect(events.has('regarding.name')).toBe(true);
    expect(events.has('reportingController')).toBe(true);
    expect(events.has('involvedObject.name')).toBe(false);
  });
});

describe('fieldValueOf', () => {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'head-0', namespace: 'ml', generation: 3 },
    spec: { nodeName: 'gpu-1', restartPolicy: 'Always' },
    status: { phase: 'Running', podIP: '10.0.0.9', podIPs: [{ ip: '10.0.0.7' }] },
  };

  it('reads dotted paths and prints scalars as Go does', () => {
    expect(fieldValueOf(pod, 'metadata.name')).toBe('head-0');
    expect(fieldValueOf(pod, 'metadata.generation')).toBe('3');
    expect(fieldValueOf(pod, 'spec.nodeName')).toBe('gpu-1');
    expect(fieldValueOf(pod, 'metadata.missing')).toBeUndefined();
    expect(fieldValueOf(pod, 'metadata')).toBeUndefined();
    expect(fieldValueOf(pod, 'status.podIPs')).toBeUndefined();
    expect(fieldValueOf({ a: { b: true } }, 'a.b')).toBe('true');
    expect(fieldValueOf({ a: null }, 'a.b')).toBeUndefined();
  });

  it('computes the Pod fields the registry computes', () => {
    expect(fieldValueOf(pod, 'status.podIP')).toBe('10.0.0.7');
    expect(fieldValueOf(pod, 'spec.hostNetwork')).toBe('false');
    expect(fieldValueOf(pod, 'spec.host')).toBe('gpu-1');
    const legacy = { ...pod, status: { podIP: '10.0.0.9' } };
    expect(fieldValueOf(legacy, 'status.podIP')).toBe('10.0.0.9');
  });

  it('defaults Node spec.unschedulable to false and counts Job successes', () => {
    expect(fieldValueOf({ apiVersion: 'v1', kind: 'Node', spec: {} }, 'spec.unschedulable')).toBe(
      'false',
    );
    expect(
      fieldValueOf(
        { apiVersion: 'v1', kind: 'Node', spec: { unschedulable: true } },
        'spec.unschedulable',
      ),
    ).toBe('true');
    const job = { apiVersion: 'batch/v1', kind: 'Job', status: { succeeded: 2 } };
    expect(fieldValueOf(job, 'status.successful')).toBe('2');
    expect(fieldValueOf({ ...job, status: {} }, 'status.successful')).toBe('0');
  });

  it('falls back to the reporting controller for an Event`s source', () => {
    const core = { apiVersion: 'v1', kind: 'Event', source: { component: 'kubelet' } };
    expect(fieldValueOf(core, 'source')).toBe('kubelet');
    expect(fieldValueOf({ ...core, source: {}, reportingComponent: 'kuberay' }, 'source')).toBe(
      'kuberay',
    );
    const events = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      regarding: { kind: 'RayCluster', name: 'rc' },
      reportingController: 'ray.io/kuberay-operator',
    };
    expect(fieldValueOf(events, 'regarding.kind')).toBe('RayCluster');
    expect(fieldValueOf(events, 'source')).toBe('ray.io/kuberay-operator');
  });
});

describe('matchesFields', () => {
  const object = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'ml' },
    spec: {},
    status: { phase: 'Pending' },
  };
  const matches = (text: string): boolean =>
    matchesFields(parseFieldSelector(text), (path) => fieldValueOf(object, path));

  it.each<[string, boolean]>([
    ['', true],
    ['metadata.name=p', true],
    ['metadata.name==q', false],
    ['metadata.name!=q', true],
    ['status.phase=Pending,metadata.namespace=ml', true],
    ['status.phase=Pending,metadata.namespace=default', false],
    // Absent fields are the empty string, so `kubectl get pods --field-selector spec.nodeName=`
    // finds unscheduled pods.
    ['spec.nodeName=', true],
    ['spec.nodeName!=', false],
  ])('%j → %s', (text, expected) => {
    expect(matches(text)).toBe(expected);
  });
});
