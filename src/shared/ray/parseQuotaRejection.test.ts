import { describe, expect, it } from 'vitest';

import { loadFixture } from '../../../test/fixtures/loadFixture.ts';
import { normalizeEvent } from './normalizeEvent.ts';
import { parseQuotaRejection } from './parseQuotaRejection.ts';

describe('parseQuotaRejection', () => {
  it("reads KubeRay's FailedToCreateWorkerPod event note", () => {
    const { events } = loadFixture('raycluster-pending-gpu');
    const note = events
      .map(normalizeEvent)
      .find((event) => event.reason === 'FailedToCreateWorkerPod')?.message;
    expect(note).toMatch(/^Failed to create worker Pod for the cluster team-b\/llm-tune, pods "/);
    expect(parseQuotaRejection(note ?? '')).toEqual({
      kind: 'exceeded',
      quota: 'team-b-quota',
      pod: expect.stringMatching(/^llm-tune-a100-worker-[a-z0-9]{5}$/),
      requested: { 'requests.nvidia.com/gpu': '1' },
      used: { 'requests.nvidia.com/gpu': '2' },
      limited: { 'requests.nvidia.com/gpu': '2' },
      raw: 'exceeded quota: team-b-quota, requested: requests.nvidia.com/gpu=1, used: requests.nvidia.com/gpu=2, limited: requests.nvidia.com/gpu=2',
    });
  });

  it("reads the ReplicaFailure condition message (KubeRay's marker line, then the error)", () => {
    const { cluster } = loadFixture('raycluster-quota-rejected');
    const message = cluster.status?.conditions?.find((c) => c.type === 'ReplicaFailure')?.message;
    expect(message?.split('\n')[0]).toBe('FailedCreateWorkerPod');
    expect(parseQuotaRejection(message ?? '')).toMatchObject({
      kind: 'exceeded',
      quota: 'team-b-quota',
      pod: expect.stringMatching(/^vision-dev-rtx-worker-/),
    });
  });

  it('reads several resources, sorted and comma-joined as Kubernetes prints them', () => {
    expect(
      parseQuotaRejection(
        'pods "train-cpu-worker-7d9fk" is forbidden: exceeded quota: compute-resources, requested: limits.cpu=2,limits.memory=4Gi, used: limits.cpu=7,limits.memory=30Gi, limited: limits.cpu=8,limits.memory=32Gi',
      ),
    ).toMatchObject({
      quota: 'compute-resources',
      pod: 'train-cpu-worker-7d9fk',
      requested: { 'limits.cpu': '2', 'limits.memory': '4Gi' },
      used: { 'limits.cpu': '7', 'limits.memory': '30Gi' },
      limited: { 'limits.cpu': '8', 'limits.memory': '32Gi' },
    });
  });

  it('reads a ReplicaSet FailedCreate event naming the generateName prefix', () => {
    expect(
      parseQuotaRejection(
        'Error creating: pods "nginx-3137573019-" is forbidden: exceeded quota: mem-quota, requested: limits.memory=1Gi, used: limits.memory=2Gi, limited: limits.memory=2Gi',
      ),
    ).toMatchObject({ kind: 'exceeded', quota: 'mem-quota', pod: 'nginx-3137573019-' });
  });

  it('reads "must specify" before k8s 1.29 (resources only)', () => {
    expect(
      parseQuotaRejection(
        'Error creating: pods "nginx-3137573019-" is forbidden: failed quota: compute-resources: must specify limits.cpu,limits.memory,requests.cpu,requests.memory',
      ),
    ).toEqual({
      kind: 'mustSpecify',
      quota: 'compute-resources',
      pod: 'nginx-3137573019-',
      missing: [
        { resource: 'limits.cpu', containers: [] },
        { resource: 'limits.memory', containers: [] },
        { resource: 'requests.cpu', containers: [] },
        { resource: 'requests.memory', containers: [] },
      ],
      raw: 'failed quota: compute-resources: must specify limits.cpu,limits.memory,requests.cpu,requests.memory',
    });
  });

  it('reads "must specify … for: containers" (k8s ≥ 1.29)', () => {
    expect(
      parseQuotaRejection(
        'pods "bad-pod" is forbidden: failed quota: rq-request-limits-total: must specify limits.cpu for: nginx; limits.memory for: nginx,sidecar',
      ),
    ).toMatchObject({
      kind: 'mustSpecify',
      quota: 'rq-request-limits-total',
      missing: [
        { resource: 'limits.cpu', containers: ['nginx'] },
        { resource: 'limits.memory', containers: ['nginx', 'sidecar'] },
      ],
    });
  });

  it('returns undefined for other admission errors', () => {
    expect(
      parseQuotaRejection(
        'pods "x" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false',
      ),
    ).toBeUndefined();
    expect(parseQuotaRejection('')).toBeUndefined();
  });
});
