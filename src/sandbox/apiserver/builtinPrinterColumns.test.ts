import { describe, expect, it } from 'vitest';

import { builtinPrinterColumns, type TablePrinter } from './builtinPrinterColumns.ts';
import type { KubeObject } from './resourceType.ts';

const now = Date.parse('2026-03-01T02:00:00Z');
const created = '2026-03-01T00:00:00Z';

function printer(key: string): TablePrinter {
  const found = builtinPrinterColumns[key];
  if (!found) throw new Error(`no printer for ${key}`);
  return found;
}

function cells(key: string, object: KubeObject): unknown[] {
  return printer(key).cells(object, now);
}

describe('builtinPrinterColumns', () => {
  it('prints a pod that waits for its init containers', () => {
    const pod = {
      metadata: { name: 'p', creationTimestamp: created },
      spec: {
        initContainers: [{ name: 'i1' }, { name: 'i2' }],
        containers: [{ name: 'c' }],
      },
      status: {
        phase: 'Pending',
        initContainerStatuses: [
          { name: 'i1', restartCount: 0, state: { terminated: { exitCode: 0 } } },
          { name: 'i2', restartCount: 0, state: { running: {} } },
        ],
      },
    };
    expect(cells('/Pod', pod).slice(0, 5)).toEqual(['p', '0/1', 'Init:1/2', '0', '120m']);
  });

  it('prints a failed init container, a completed pod and a terminating one', () => {
    const failedInit = {
      metadata: { name: 'p' },
      spec: { initContainers: [{ name: 'i' }], containers: [{ name: 'c' }] },
      status: {
        phase: 'Pending',
        initContainerStatuses: [{ name: 'i', state: { terminated: { exitCode: 2 } } }],
      },
    };
    expect(cells('/Pod', failedInit)[2]).toBe('Init:ExitCode:2');
    const completed = {
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c' }] },
      status: {
        phase: 'Succeeded',
        containerStatuses: [
          { name: 'c', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
        ],
      },
    };
    expect(cells('/Pod', completed)[2]).toBe('Completed');
    const terminating = { ...completed, metadata: { name: 'p', deletionTimestamp: created } };
    expect(cells('/Pod', terminating)[2]).toBe('Terminating');
  });

  it('prints node status, roles and addresses', () => {
    const node = {
      metadata: {
        name: 'gpu-1',
        creationTimestamp: created,
        labels: { 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/gpu': '' },
      },
      spec: { unschedulable: true },
      status: {
        conditions: [{ type: 'Ready', status: 'True' }],
        addresses: [{ type: 'InternalIP', address: '10.0.0.7' }],
        nodeInfo: {
          kubeletVersion: 'v1.35.0',
          osImage: 'Ubuntu',
          kernelVersion: '6.8',
          containerRuntimeVersion: 'containerd://2.0',
        },
      },
    };
    expect(cells('/Node', node)).toEqual([
      'gpu-1',
      'Ready,SchedulingDisabled',
      'control-plane,gpu',
      '120m',
      'v1.35.0',
      '10.0.0.7',
      '<none>',
      'Ubuntu',
      '6.8',
      'containerd://2.0',
    ]);
  });

  it('prints services of every type', () => {
    const service = (spec: object, status: object = {}) =>
      cells('/Service', { metadata: { name: 's', creationTimestamp: created }, spec, status });
    expect(
      service({
        type: 'NodePort',
        clusterIP: '10.96.0.1',
        ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }],
      }),
    ).toEqual(['s', 'NodePort', '10.96.0.1', '<none>', '80:30080/TCP', '120m', '<none>']);
    expect(service({ type: 'LoadBalancer', clusterIP: '10.96.0.2', ports: [] })[3]).toBe(
      '<pending>',
    );
    expect(
      service(
        { type: 'LoadBalancer', ports: [] },
        { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } },
      )[3],
    ).toBe('1.2.3.4');
    expect(service({ type: 'ExternalName', externalName: 'db.example.com' })[3]).toBe(
      'db.example.com',
    );
  });

  it('prints core and events.k8s.io events alike', () => {
    const core = {
      metadata: { name: 'e1' },
      type: 'Warning',
      reason: 'FailedScheduling',
      message: '0/3 nodes are available',
      involvedObject: { kind: 'Pod', name: 'p' },
      source: { component: 'default-scheduler' },
      firstTimestamp: '2026-03-01T01:00:00Z',
      lastTimestamp: '2026-03-01T01:55:00Z',
      count: 4,
    };
    expect(cells('/Event', core)).toEqual([
      '5m',
      'Warning',
      'FailedScheduling',
      'pod/p',
      '',
      'default-scheduler',
      '0/3 nodes are available',
      '60m',
      4,
      'e1',
    ]);
    const modern = {
      metadata: { name: 'e2' },
      type: 'Normal',
      reason: 'Scheduled',
      note: 'assigned',
      regarding: { kind: 'Pod', name: 'p' },
      reportingController: 'default-scheduler',
      eventTime: '2026-03-01T01:59:00Z',
    };
    expect(cells('events.k8s.io/Event', modern).slice(0, 7)).toEqual([
      '60s',
      'Normal',
      'Scheduled',
      'pod/p',
      '',
      'default-scheduler',
      'assigned',
    ]);
  });

  it('prints jobs, replica sets and quotas', () => {
    const job = {
      metadata: { name: 'j', creationTimestamp: created },
      spec: {
        completions: 3,
        selector: { matchLabels: { 'batch.kubernetes.io/job-name': 'j' } },
        template: { spec: { containers: [{ name: 'c', image: 'busybox' }] } },
      },
      status: {
        succeeded: 3,
        startTime: '2026-03-01T00:00:00Z',
        completionTime: '2026-03-01T00:00:42Z',
        conditions: [{ type: 'Complete', status: 'True' }],
      },
    };
    expect(cells('batch/Job', job)).toEqual([
      'j',
      'Complete',
      '3/3',
      '42s',
      '120m',
      'c',
      'busybox',
      'batch.kubernetes.io/job-name=j',
    ]);
    const quota = {
      metadata: { name: 'q', creationTimestamp: created },
      spec: { hard: { 'requests.nvidia.com/gpu': '2', 'limits.cpu': '8' } },
      status: {
        hard: { 'requests.nvidia.com/gpu': '2', 'limits.cpu': '8' },
        used: { 'requests.nvidia.com/gpu': '1' },
      },
    };
    expect(cells('/ResourceQuota', quota)).toEqual([
      'q',
      '120m',
      'requests.nvidia.com/gpu: 1/2',
      'limits.cpu: 0/8',
    ]);
  });
});
