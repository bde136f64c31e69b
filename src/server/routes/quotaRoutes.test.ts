import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { apiFailure } from '../../../test/support/apiFailure.ts';
import { expectKubectlOk, kubectlRunner } from '../../../test/support/runKubectl.ts';
import {
  eventually,
  startTestPortal,
  type TestPortal,
} from '../../../test/support/startTestPortal.ts';
import type { ApiClient } from '../../shared/client/apiClient.ts';

// Team quotas over a real sandbox: admins set them through the API, Kubernetes stores the
// ResourceQuota (kubectl sees it), members see the meters, and a cluster beyond it is refused.

let portal: TestPortal;
let bob: ApiClient; // member of team-b
let vera: ApiClient; // viewer of team-a

beforeAll(async () => {
  portal = await startTestPortal();
  bob = await portal.addUser('bob', 'member', ['team-b']);
  vera = await portal.addUser('vera', 'viewer', ['team-a']);
}, 60_000);
afterAll(() => portal?.close());

describe('team quotas', () => {
  it('sets team-b to 1 GPU: API, meters and kubectl agree', async () => {
    const answer = await portal.admin.setTeamQuota('team-b', {
      gpus: 1,
      cpu: '16',
      memory: '64Gi',
    });
    expect(answer.settings).toEqual({ gpus: 1, cpu: '16', memory: '64Gi' });
    expect(answer.meters.map((meter) => [meter.key, meter.hard])).toEqual([
      ['requests.nvidia.com/gpu', 1],
      ['requests.cpu', 16],
      ['requests.memory', 64 * 2 ** 30],
    ]);
    await eventually(
      async () => (await bob.teamQuota('team-b')).settings?.gpus === 1,
      'team-b quota cached',
    );
    const kubectl = kubectlRunner(portal.sandbox.kubeconfig);
    const stored = JSON.parse(
      expectKubectlOk(
        await kubectl(['get', 'resourcequota', 'raydeck-team-quota', '-n', 'team-b', '-o', 'json']),
      ),
    ) as { spec: { hard: Record<string, string> } };
    expect(stored.spec.hard).toEqual({
      'requests.nvidia.com/gpu': '1',
      'requests.cpu': '16',
      'requests.memory': '64Gi',
    });
  });

  it('refuses a 2-GPU cluster with the reason and creates nothing; 1 GPU is created', async () => {
    await eventually(
      async () => (await bob.teamQuota('team-b')).settings?.gpus === 1,
      'team-b quota cached',
    );
    const refused = await apiFailure(
      bob.createCluster({
        name: 'two-gpus',
        team: 'team-b',
        template: 'rtx4090-1',
        workerGroups: [{ name: 'workers', replicas: 2 }],
      }),
    );
    expect(refused.status).toBe(409);
    expect(refused.reason).toBe('QuotaExceeded');
    expect(refused.message).toContain(
      'wants 2 nvidia.com/gpu but team "team-b" quota raydeck-team-quota allows 1 in all',
    );
    expect(refused.fields[0]?.path).toBe('body.workerGroups');
    expect((await bob.listClusters({ q: 'two-gpus' })).items).toEqual([]);
    await bob.createCluster({ name: 'one-gpu', team: 'team-b', template: 'rtx4090-1' });
  });

  it('updates the same quota (replace) and keeps one object', async () => {
    await portal.admin.setTeamQuota('team-a', { gpus: 2 });
    await eventually(
      async () => (await portal.admin.teamQuota('team-a')).settings?.gpus === 2,
      'team-a quota cached',
    );
    const updated = await portal.admin.setTeamQuota('team-a', { gpus: 3 });
    expect(updated.settings).toEqual({ gpus: 3 });
    await eventually(
      async () => (await vera.teamQuota('team-a')).settings?.gpus === 3,
      'team-a quota updated',
    );
    const meters = (await vera.teamQuota('team-a')).meters;
    expect(meters.filter((meter) => meter.quota === 'raydeck-team-quota')).toHaveLength(1);
  });

  it('refuses bad input naming the field, and changes nothing', async () => {
    for (const [body, field] of [
      [{ cpu: '-1' }, 'cpu'],
      [{ memory: '1e3' }, 'memory'],
      [{ gpus: 1.5 }, 'gpus'],
      [{ gpus: -1 }, 'gpus'],
    ] as const) {
      const refused = await apiFailure(portal.admin.setTeamQuota('team-a', body));
      expect(refused.status).toBe(400);
      expect(JSON.stringify(refused.fields)).toContain(field);
    }
    const extra = await apiFailure(
      portal.admin.request('/api/v1/admin/teams/team-a/quota', {
        method: 'PUT',
        body: { gpus: 1, pods: '10' },
      }),
    );
    expect(extra.status).toBe(400);
    expect((await portal.admin.teamQuota('team-a')).settings).toEqual({ gpus: 3 });
  });

  it('keeps other teams apart: a viewer cannot read team-b, a member cannot set', async () => {
    expect((await apiFailure(vera.teamQuota('team-b'))).status).toBe(403);
    expect((await apiFailure(bob.setTeamQuota('team-b', { gpus: 99 }))).status).toBe(403);
  });
});
