import {
  createServer,
  type IncomingHttpHeaders,
  request as httpRequest,
  type Server,
} from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import {
  type AuthTestApp,
  authTestApp,
  type TestSession,
} from '../../../test/support/authTestApp.ts';
import type { KubeCache } from '../k8s/KubeCache.ts';
import { type ServiceProxy, serviceProxyTo } from '../k8s/serviceProxyRequest.ts';
import { dashboardContentSecurityPolicy, jsonBodyLimitBytes } from '../proxy/dashboardProxyPath.ts';
import { dashboardProxyRoutes } from './dashboardProxyRoutes.ts';

/** What the fake Ray dashboard received: the service-proxy path and the headers. */
interface Received {
  url: string;
  method: string;
  headers: IncomingHttpHeaders;
  bodyBytes: number;
}

let upstream: Server;
let received: Received[] = [];
let harness: AuthTestApp;
let alice: TestSession; // member of team-a
let victor: TestSession; // viewer of team-a

/**
 * The portal's own service-proxy client, pointed at a real HTTP server on loopback that stands
 * in for the API server and every head service: it records each request and answers with
 * headers a hostile dashboard could send.
 */
let proxy: ServiceProxy;

const cache = {
  get: (kind: string, namespace: string, name: string) =>
    kind === 'RayCluster' && `${namespace}/${name}` in { 'team-a/a1': 1, 'team-b/b1': 1 }
      ? {}
      : undefined,
} as unknown as KubeCache;

beforeAll(async () => {
  upstream = createServer((request, response) => {
    let bodyBytes = 0;
    request.on('data', (chunk: Buffer) => (bodyBytes += chunk.length));
    request.on('end', () => {
      received.push({
        url: request.url ?? '',
        method: request.method ?? '',
        headers: request.headers,
        bodyBytes,
      });
      response.writeHead(200, {
        'content-type': 'application/json',
        'set-cookie': 'raydeck_session=stolen; Path=/',
        location: 'https://evil.example/',
        'access-control-allow-origin': '*',
      });
      response.end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  proxy = serviceProxyTo(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`);
  harness = await authTestApp({
    mutationRateLimit: false,
    routes: async (app) =>
      app.register(dashboardProxyRoutes, { proxy: (request) => proxy(request), cache }),
  });
  await harness.addUser('alice', 'member', ['team-a']);
  await harness.addUser('victor', 'viewer', ['team-a']);
  await harness.addUser('bob', 'member', ['team-b']);
  alice = await harness.login('alice');
  victor = await harness.login('victor');
});
afterAll(async () => {
  await harness.close();
  await new Promise((resolve) => upstream.close(resolve));
});
beforeEach(() => {
  received = [];
});

const base = '/api/v1/clusters/team-a/a1/dashboard';

/** Paths an attacker tries to leave the cluster's dashboard with. */
const traversalCorpus = [
  `${base}/..%2F..%2F..%2F..%2F..%2F..%2F..%2F..%2Fapi/v1/namespaces/team-b/pods`,
  `${base}/../../../../../../../../api/v1/namespaces/team-b/pods`,
  `${base}/%2e%2e/%2e%2e/%2e%2e/api/v1/namespaces/team-b/pods`,
  `${base}/%2E%2E/%2E%2E/api/v1/namespaces/team-b/pods`,
  `${base}/%2e%2E%2f%2E%2e%2Fapi/v1/namespaces`,
  `${base}/%252e%252e%252f%252e%252e%252fapi/v1/namespaces`,
  `${base}/..%255c..%255capi`,
  `${base}/..%5c..%5capi/v1/namespaces`,
  `${base}/..\\..\\api\\v1\\namespaces`,
  `${base}/api/jobs/..%2F..%2F..%2Fapi/v1/secrets`,
  `${base}/api/jobs/%2e%2e`,
  `${base}/api/jobs/..`,
  `${base}/api/jobs/.`,
  `${base}/./api/jobs/`,
  `${base}/api//jobs/`,
  `${base}//api/jobs/`,
  `${base}/api/jobs/%00`,
  `${base}/api/jobs/x%0d%0aX-Injected:%201`,
  `${base}/api/jobs/x;/../../..`,
  `${base}/%c0%ae%c0%ae/%c0%ae%c0%ae/api/v1/namespaces`,
  `${base}/%u002e%u002e/api`,
  `${base}/API/JOBS/`,
  `${base}/Api/v1/namespaces/team-b/pods`,
  `${base}/api/v1/namespaces/team-b/pods`,
  `${base}/apis/ray.io/v1/namespaces/team-b/rayclusters`,
  `${base}/api/jobs/x/logs/../../../../api/v1/namespaces`,
  `${base}/${'a/'.repeat(600)}`,
  `/api/v1/clusters/team-a/a1/dashboard/../../team-b/b1/dashboard/api/jobs/`,
  `/api/v1/clusters/team-a/a1%2F..%2F..%2Fteam-b%2Fb1/dashboard/api/jobs/`,
  `/api/v1/clusters/%74eam-a/a1/dashboard/api/jobs/`,
  `/api/v1/clusters/team-a/A1/dashboard/api/jobs/`,
];

describe('dashboard proxy', () => {
  it('refuses every path of the corpus, in every method, before any upstream call', async () => {
    // A real socket: Node hands the request line over as sent, where inject() would normalise it.
    const address = await harness.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = new URL(address);
    for (const path of traversalCorpus) {
      for (const method of ['GET', 'POST', 'DELETE']) {
        const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
          const outgoing = httpRequest(
            { host: '127.0.0.1', port, path, method, headers: alice.headers() },
            (response) => {
              let body = '';
              response.on('data', (chunk: Buffer) => (body += chunk.toString()));
              response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
            },
          );
          outgoing.on('error', reject);
          outgoing.end();
        });
        expect([400, 403, 404, 405, 414], `${method} ${path}: ${answer.body}`).toContain(
          answer.status,
        );
        expect(JSON.parse(answer.body)).toMatchObject({ error: { status: answer.status } });
      }
    }
    expect(received).toEqual([]);
  });

  it('audits every refused path with what was asked', async () => {
    const url = `${base}/..%2F..%2Fapi/v1/namespaces/team-b/pods`;
    await harness.app.inject({ method: 'GET', url, headers: alice.headers() });
    const audit = await harness.app.inject({
      method: 'GET',
      url: '/api/v1/audit?action=cluster.dashboard.refused',
      headers: alice.headers(),
    });
    const entries = audit.json<{ items: { actor: string; details: Record<string, unknown> }[] }>();
    expect(entries.items[0]).toMatchObject({
      actor: 'alice',
      result: 'denied',
      statusCode: 400,
      details: { method: 'GET', requestPath: url, refused: 'InvalidPath' },
    });
  });

  it("forwards the dashboard's own routes to the cluster's head service only", async () => {
    const reads = [
      '/',
      '/static/js/main.4f2a.js',
      '/api/version',
      '/api/jobs/',
      '/api/jobs/raysubmit_AbC123',
      '/api/jobs/raysubmit_AbC123/logs',
      '/api/serve/applications/?api_type=declarative',
      '/api/cluster_status?format=1',
      '/api/component_activities',
      '/api/v0/logs/file?node_id=x&filename=raylet.out',
    ];
    for (const path of reads) {
      const response = await harness.app.inject({
        url: `${base}${path}`,
        headers: victor.headers(),
      });
      expect(response.statusCode, path).toBe(200);
    }
    expect(received.map((request) => request.url)).toEqual(
      reads.map((path) => `/api/v1/namespaces/team-a/services/a1-head-svc:dashboard/proxy${path}`),
    );
  });

  it('lets a viewer read but not submit, and audits the submit of a member with its path', async () => {
    const submit = { entrypoint: 'python -c "print(1)"' };
    const refused = await harness.app.inject({
      method: 'POST',
      url: `${base}/api/jobs/`,
      headers: victor.headers(),
      payload: submit,
    });
    expect(refused.statusCode).toBe(403);
    expect(received).toEqual([]);

    const accepted = await harness.app.inject({
      method: 'POST',
      url: `${base}/api/jobs/`,
      headers: alice.headers(),
      payload: submit,
    });
    expect(accepted.statusCode).toBe(200);
    expect(received).toHaveLength(1);
    const audit = await harness.app.inject({
      url: '/api/v1/audit?action=cluster.dashboard.request',
      headers: alice.headers(),
    });
    expect(audit.json<{ items: unknown[] }>().items[0]).toMatchObject({
      actor: 'alice',
      targetNamespace: 'team-a',
      targetName: 'a1',
      result: 'success',
      details: { method: 'POST', service: 'a1-head-svc:dashboard', upstreamPath: '/api/jobs/' },
    });
  });

  it("refuses a method the route does not have, and another team's cluster as not found", async () => {
    const put = await harness.app.inject({
      method: 'PUT',
      url: `${base}/api/jobs/`,
      headers: alice.headers(),
      payload: {},
    });
    expect(put.statusCode).toBe(405);
    const other = await harness.app.inject({
      url: '/api/v1/clusters/team-b/b1/dashboard/api/jobs/',
      headers: alice.headers(),
    });
    expect(other.statusCode).toBe(404);
    expect(received).toEqual([]);
  });

  it('forwards only allow-listed headers, adds the caller identity, and drops hostile answers', async () => {
    const response = await harness.app.inject({
      url: `${base}/api/jobs/`,
      headers: {
        ...alice.headers(),
        'impersonate-user': 'system:admin',
        'impersonate-group': 'system:masters',
        'impersonate-uid': '0',
        'impersonate-extra-scopes': 'all',
        'x-forwarded-access-token': 'token',
        'x-forwarded-for': '10.0.0.1',
        'x-remote-user': 'admin',
        'x-raydeck-user': 'admin',
        'proxy-authorization': 'Basic x',
        'x-auth-request-access-token': 'token',
        accept: 'application/json',
        'accept-language': 'en',
      },
    });
    expect(response.statusCode).toBe(200);
    const [request] = received;
    expect(Object.keys(request?.headers ?? {}).sort()).toEqual([
      'accept',
      'accept-language',
      'connection',
      'host',
      'user-agent',
      'x-raydeck-user',
    ]);
    expect(request?.headers['x-raydeck-user']).toBe('alice');
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(response.headers['location']).toBeUndefined();
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    expect(response.headers['content-security-policy']).toBe(dashboardContentSecurityPolicy);
  });

  it('refuses a body over the limit, declared or streamed, without forwarding it', async () => {
    const large = Buffer.alloc(jsonBodyLimitBytes + 1, 'x');
    const declared = await harness.app.inject({
      method: 'POST',
      url: `${base}/api/jobs/`,
      headers: { ...alice.headers(), 'content-type': 'application/json' },
      payload: large,
    });
    expect(declared.statusCode).toBe(413);
    expect(received).toEqual([]);

    const { port } = harness.app.server.address() as AddressInfo;
    const streamed = await new Promise<number>((resolve, reject) => {
      const outgoing = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: `${base}/api/jobs/`,
          headers: {
            ...alice.headers(),
            'content-type': 'application/json',
            'transfer-encoding': 'chunked',
          },
        },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      outgoing.on('error', reject);
      // Chunked, no content-length: only counting the bytes as they pass can stop it.
      outgoing.write(large.subarray(0, 1024));
      outgoing.end(large.subarray(1024));
    });
    expect(streamed).toBe(413);
    expect(received.every((request) => request.bodyBytes <= jsonBodyLimitBytes)).toBe(true);
  });
});
