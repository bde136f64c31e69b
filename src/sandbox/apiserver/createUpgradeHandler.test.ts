import { request as httpRequest } from 'node:http';

import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';

import { readManifest } from '../../../test/support/readManifest.ts';
import {
  type KubeRayTestWorld,
  startKubeRayTestWorld,
} from '../../../test/support/startKubeRayTestWorld.ts';

let world: KubeRayTestWorld | undefined;
afterEach(async () => {
  world?.stop();
  await world?.apiServer.close();
  world = undefined;
});

const manifest = readManifest('raycluster-cpu.yaml');

const dashboard = '/api/v1/namespaces/team-a/services/ray-cpu-head-svc:dashboard/proxy';

/** A Ready RayCluster `ray-cpu` in team-a behind a listening sandbox; returns its `host:port`. */
async function readyCluster(): Promise<{ world: KubeRayTestWorld; host: string }> {
  const started = startKubeRayTestWorld({ core: true });
  world = started;
  started.apply({ ...manifest, metadata: { ...manifest.metadata, namespace: 'team-a' } });
  await started.advance(30_000, 500);
  const url = await started.apiServer.listen('127.0.0.1', 0);
  return { world: started, host: new URL(url).host };
}

/** POSTs JSON with node:http (fetch adds `Sec-Fetch-Mode`, which Ray refuses on POST). */
function post(host: string, path: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      `http://${host}${path}`,
      { method: 'POST', headers: { 'content-type': 'application/json' } },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(JSON.stringify(body));
  });
}

/** Opens a WebSocket and collects its text messages until it closes. */
function openWebSocket(url: string): {
  messages: string[];
  opened: Promise<void>;
  closed: Promise<number>;
  refused: Promise<{ status: number; body: string }>;
} {
  const messages: string[] = [];
  const webSocket = new WebSocket(url);
  webSocket.on('message', (data: Buffer) => messages.push(data.toString()));
  const refused = new Promise<{ status: number; body: string }>((resolve) =>
    webSocket.on('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    }),
  );
  webSocket.on('error', () => undefined);
  return {
    messages,
    opened: new Promise((resolve) => webSocket.on('open', () => resolve())),
    closed: new Promise((resolve) => webSocket.on('close', (code) => resolve(code))),
    refused,
  };
}

describe('WebSockets through the service proxy', () => {
  it('streams a Ray job’s log tail through services/{name}:dashboard/proxy', async () => {
    const { world: running, host } = await readyCluster();
    expect(
      await post(host, `${dashboard}/api/jobs/`, {
        entrypoint: 'echo hello from the tail',
        submission_id: 'tail-job',
      }),
    ).toBe(200);
    const tail = openWebSocket(`ws://${host}${dashboard}/api/jobs/tail-job/logs/tail`);
    await tail.opened;
    // The job starts 1.5 s after it is placed, prints, and ends: the tail then closes with 1000.
    await running.advance(5_000, 100);
    expect(await tail.closed).toBe(1000);
    expect(tail.messages.join('')).toContain('hello from the tail');
  }, 30_000);

  it('answers the head’s 404 for an unknown job and 503 without endpoints', async () => {
    const { world: running, host } = await readyCluster();
    const unknown = openWebSocket(`ws://${host}${dashboard}/api/jobs/nope/logs/tail`);
    expect(await unknown.refused).toEqual({ status: 404, body: 'Job nope does not exist' });

    running.apply({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'lonely', namespace: 'team-a' },
      spec: { selector: { app: 'none' }, ports: [{ name: 'http', port: 80 }] },
    });
    await running.settle();
    const lonely = openWebSocket(
      `ws://${host}/api/v1/namespaces/team-a/services/lonely:http/proxy/`,
    );
    const answer = await lonely.refused;
    expect(answer.status).toBe(503);
    expect(JSON.parse(answer.body)).toMatchObject({
      kind: 'Status',
      reason: 'ServiceUnavailable',
      message: 'no endpoints available for service "lonely"',
    });
  }, 30_000);
});
