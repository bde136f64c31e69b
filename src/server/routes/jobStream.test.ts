import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type AuthTestApp, authTestApp } from '../../../test/support/authTestApp.ts';
import {
  type RayHeadTestServer,
  startRayHeadTestServer,
} from '../../../test/support/startRayHeadTestServer.ts';
import type { AuthenticatedUser } from '../auth/authorize.ts';
import type { KubeCache } from '../k8s/KubeCache.ts';
import type { KubeClient } from '../k8s/KubeClient.ts';
import { serviceProxyTo } from '../k8s/serviceProxyRequest.ts';
import type { ClusterIndex } from '../services/ClusterIndex.ts';
import type { ClusterService } from '../services/ClusterService.ts';
import { JobService } from '../services/JobService.ts';
import { WorkloadCatalog } from '../services/WorkloadCatalog.ts';
import { JobStore } from '../store/JobStore.ts';
import { jobRoutes } from './jobRoutes.ts';

// The per-job SSE stream over HTTP: a job run on a simulated Ray head (through a loopback
// stand-in for the service proxy), captured, then followed: status, every log byte in order,
// end; and resumed from an offset.

let head: RayHeadTestServer;
let front: Server;
let harness: AuthTestApp;
let jobs: JobService;

const cache = {
  synced: true,
  get: (kind: string, namespace: string, name: string) =>
    kind === 'RayCluster' && namespace === 'team-a' && name === 'c1'
      ? { metadata: { namespace, name }, status: { state: 'ready' } }
      : undefined,
  list: (kind: string) =>
    kind === 'RayCluster'
      ? [{ metadata: { namespace: 'team-a', name: 'c1' }, status: { state: 'ready' } }]
      : [],
} as unknown as KubeCache;

beforeAll(async () => {
  head = await startRayHeadTestServer();
  front = createServer((request, response) => {
    const path =
      /^\/api\/v1\/namespaces\/team-a\/services\/c1-head-svc:dashboard\/proxy(\/.*)$/.exec(
        request.url ?? '',
      )?.[1];
    if (!path) return void response.writeHead(404).end();
    void head.simulation.handler(request, response, path);
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  harness = await authTestApp({
    mutationRateLimit: false,
    routes: async (app) => {
      const db = app.authServices.db;
      jobs = new JobService({
        store: new JobStore(db),
        cache,
        proxy: serviceProxyTo(`http://127.0.0.1:${(front.address() as AddressInfo).port}`),
        client: {} as KubeClient,
        clusters: {} as ClusterService,
        index: { get: () => undefined } as unknown as ClusterIndex,
        catalog: new WorkloadCatalog({ db, folder: `${process.cwd()}/workloads` }),
        now: () => head.clock.now(),
      });
      await app.register(jobRoutes, { jobs });
    },
  });
  await harness.addUser('alice', 'member', ['team-a']);
  await harness.addUser('bob', 'member', ['team-b']);
});
afterAll(async () => {
  await jobs.stop();
  await harness.close();
  await head.close();
  await new Promise((resolve) => front.close(resolve));
});

/** SSE text → events in order. */
function parseEvents(text: string): { id?: string; event: string; data: unknown }[] {
  return text
    .split('\n\n')
    .filter((block) => block.includes('event: '))
    .map((block) => {
      const field = (name: string) =>
        block
          .split('\n')
          .find((line) => line.startsWith(`${name}: `))
          ?.slice(name.length + 2);
      const id = field('id');
      return {
        ...(id ? { id } : {}),
        event: field('event') ?? '',
        data: JSON.parse(field('data') ?? 'null'),
      };
    });
}

describe('GET /api/v1/jobs/{team}/{id}/stream', () => {
  it('sends status, the whole log in order with offsets as ids, and end; resumes from an offset', async () => {
    const alice: AuthenticatedUser = {
      id: 'a',
      username: 'alice',
      displayName: 'alice',
      role: 'member',
      teams: ['team-a'],
      via: 'token',
    };
    const created = await jobs.submitToCluster(alice, {
      team: 'team-a',
      cluster: 'c1',
      entrypoint: 'python -m noisy',
    });
    for (let step = 0; step < 60; step++) {
      head.clock.advance(500);
      await jobs.captureOnce();
    }
    const rayLog = (
      await head.request('GET', `/api/jobs/${created.summary.submissionId}/logs`)
    ).json<{ logs: string }>().logs;
    const session = await harness.login('alice');
    const url = `/api/v1/jobs/team-a/${created.summary.id}/stream`;
    const answer = await harness.app.inject({
      method: 'GET',
      url,
      headers: { cookie: session.cookie },
    });
    expect(answer.headers['content-type']).toContain('text/event-stream');
    const events = parseEvents(answer.body);
    expect(events[0]).toMatchObject({ event: 'status', data: { status: { phase: 'Succeeded' } } });
    expect(events.at(-1)).toEqual({ event: 'end', data: { phase: 'Succeeded' } });
    const logs = events.filter((event) => event.event === 'log');
    const text = logs.map((event) => (event.data as { text: string }).text).join('');
    expect(text).toBe(rayLog);
    expect(logs.at(-1)?.id).toBe(String(Buffer.byteLength(rayLog)));

    const resumed = parseEvents(
      (
        await harness.app.inject({
          method: 'GET',
          url: `${url}?offset=5`,
          headers: { cookie: session.cookie },
        })
      ).body,
    )
      .filter((event) => event.event === 'log')
      .map((event) => (event.data as { text: string }).text)
      .join('');
    expect(resumed).toBe(Buffer.from(rayLog).subarray(5).toString());

    const stranger = await harness.login('bob');
    const refused = await harness.app.inject({
      method: 'GET',
      url,
      headers: { cookie: stranger.cookie },
    });
    expect(refused.statusCode).toBe(404);
  });
});
