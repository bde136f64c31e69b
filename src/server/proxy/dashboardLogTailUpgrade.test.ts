import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';

import { type AuthTestApp, authTestApp } from '../../../test/support/authTestApp.ts';
import {
  type RayHeadTestServer,
  startRayHeadTestServer,
} from '../../../test/support/startRayHeadTestServer.ts';
import { zipWorkingDir } from '../../shared/ray/workingDirZip.ts';
import type { KubeCache } from '../k8s/KubeCache.ts';
import { serviceProxyTo, serviceProxyUpgradeTo } from '../k8s/serviceProxyRequest.ts';
import { dashboardProxyRoutes } from '../routes/dashboardProxyRoutes.ts';
import { passLogTailUpgrades } from './dashboardLogTailUpgrade.ts';

// A Ray-CLI-shaped client through the portal's dashboard proxy: what `ray job submit --address
// https://<portal>/api/v1/clusters/team-a/a1/dashboard --headers '{"Authorization": "Bearer …"}'
// --working-dir . -- python x.py` sends (version, package GET/PUT, job POST, the log tail
// WebSocket), over real HTTP to a simulated Ray head behind a loopback stand-in for the
// Kubernetes service proxy (plain requests and upgrades).

let head: RayHeadTestServer;
let front: Server;
let harness: AuthTestApp;
let portalUrl = '';
let aliceToken = '';
let bobToken = '';

const cache = {
  get: (kind: string, namespace: string, name: string) =>
    kind === 'RayCluster' && namespace === 'team-a' && name === 'a1' ? {} : undefined,
} as unknown as KubeCache;
const servicePrefix =
  /^\/api\/v1\/namespaces\/team-a\/services\/a1-head-svc:dashboard\/proxy(\/.*)$/;

async function tokenFor(username: string): Promise<string> {
  const session = await harness.login(username);
  const created = await harness.app.inject({
    method: 'POST',
    url: '/api/v1/tokens',
    headers: session.headers(),
    payload: { name: 'cli' },
  });
  return created.json<{ token: string }>().token;
}

beforeAll(async () => {
  head = await startRayHeadTestServer();
  front = createServer((request, response) => {
    const path = servicePrefix.exec(request.url ?? '')?.[1];
    if (!path) return void response.writeHead(404).end();
    void head.simulation.handler(request, response, path);
  });
  front.on('upgrade', (request, socket, bytes) => {
    const path = servicePrefix.exec(request.url ?? '')?.[1];
    if (!path) return void socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
    head.simulation.upgradeHandler(request, socket, bytes, path);
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  const frontUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
  harness = await authTestApp({
    mutationRateLimit: false,
    routes: async (app) => {
      await app.register(dashboardProxyRoutes, { proxy: serviceProxyTo(frontUrl), cache });
      passLogTailUpgrades(app, { upgrade: serviceProxyUpgradeTo(frontUrl), cache });
    },
  });
  await harness.addUser('alice', 'member', ['team-a']);
  await harness.addUser('bob', 'member', ['team-b']);
  await harness.app.listen({ host: '127.0.0.1', port: 0 });
  portalUrl = `http://127.0.0.1:${(harness.app.server.address() as AddressInfo).port}`;
  aliceToken = await tokenFor('alice');
  bobToken = await tokenFor('bob');
});
afterAll(async () => {
  await harness.close();
  await head.close();
  await new Promise((resolve) => front.close(resolve));
});

const dashboard = '/api/v1/clusters/team-a/a1/dashboard';

describe('the Ray CLI through the portal', () => {
  it('uploads the working dir, submits, and follows the log tail over a WebSocket, audited', async () => {
    const auth = { authorization: `Bearer ${aliceToken}` };
    const version = await fetch(`${portalUrl}${dashboard}/api/version`, { headers: auth });
    expect(version.status).toBe(200);
    const zip = Buffer.from(
      zipWorkingDir([{ path: 'x.py', bytes: Buffer.from('print("hello")\n') }]),
    );
    const packageName = `_ray_pkg_${createHash('md5').update(zip).digest('hex')}.zip`;
    const packageUrl = `${portalUrl}${dashboard}/api/packages/gcs/${packageName}`;
    expect((await fetch(packageUrl, { headers: auth })).status).toBe(404);
    const put = await fetch(packageUrl, { method: 'PUT', headers: auth, body: zip });
    expect(put.status).toBe(200);
    const submitted = await fetch(`${portalUrl}${dashboard}/api/jobs/`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        entrypoint: 'python x.py',
        runtime_env: { working_dir: `gcs://${packageName}` },
        submission_id: 'cli-1',
      }),
    });
    expect(submitted.status).toBe(200);
    expect(await submitted.json()).toEqual({ job_id: 'cli-1', submission_id: 'cli-1' });

    const tail = new WebSocket(
      `${portalUrl.replace('http', 'ws')}${dashboard}/api/jobs/cli-1/logs/tail`,
      {
        headers: auth,
      },
    );
    const frames: string[] = [];
    tail.on('message', (data) => frames.push(String(data)));
    await new Promise<void>((resolve, reject) => {
      tail.once('open', () => resolve());
      tail.once('error', reject);
    });
    const closed = new Promise<void>((resolve) => tail.once('close', () => resolve()));
    for (let step = 0; step < 80; step++) head.clock.advance(500);
    await closed;
    const logs = (await head.request('GET', '/api/jobs/cli-1/logs')).json<{ logs: string }>().logs;
    expect(logs.length).toBeGreaterThan(0);
    expect(frames.join('')).toBe(logs);

    const audit = await harness.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'cluster.dashboard.logTail')
      .execute();
    expect(audit).toMatchObject([{ actor: 'alice', result: 'success', target_name: 'a1' }]);
  });

  it('refuses the tail to strangers, anonymous callers and cross-site cookies', async () => {
    const open = (headers: Record<string, string>) =>
      new Promise<number>((resolve) => {
        const socket = new WebSocket(
          `${portalUrl.replace('http', 'ws')}${dashboard}/api/jobs/cli-1/logs/tail`,
          { headers },
        );
        socket.once('unexpected-response', (_request, response) =>
          resolve(response.statusCode ?? 0),
        );
        socket.once('open', () => {
          socket.close();
          resolve(101);
        });
        socket.once('error', () => undefined);
      });
    expect(await open({ authorization: `Bearer ${bobToken}` })).toBe(404);
    expect(await open({})).toBe(401);
    const session = await harness.login('alice');
    expect(await open({ cookie: session.cookie, origin: 'https://evil.example' })).toBe(403);
  });
});
