import { request as httpRequest } from 'node:http';

import { afterEach, describe, expect, it } from 'vitest';

import {
  type RayHeadTestServer,
  startRayHeadTestServer,
} from '../../../test/support/startRayHeadTestServer.ts';
import { connectionPair } from '../apiserver/ForwardedConnection.ts';
import { rayClientNotSimulatedText, rayHeadPortListeners } from './rayHeadPortListeners.ts';

let head: RayHeadTestServer | undefined;
afterEach(async () => {
  await head?.close();
  head = undefined;
});

async function listenersOfTestHead() {
  head = await startRayHeadTestServer();
  const simulation = head.simulation;
  return {
    simulation,
    listeners: rayHeadPortListeners({
      handler: simulation.handler,
      upgradeHandler: simulation.upgradeHandler,
      serveApplications: () => simulation.serveApplications(),
    }),
  };
}

/** An HTTP GET over a forwarded connection handed to `listener` (no TCP involved). */
function getThrough(
  listener: (connection: ReturnType<typeof connectionPair>[0]) => boolean,
  path: string,
): Promise<{ accepted: boolean; status?: number; body?: string }> {
  const [client, server] = connectionPair();
  if (!listener(server)) return Promise.resolve({ accepted: false });
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest({ path, createConnection: () => client as never }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ accepted: true, status: response.statusCode ?? 0, body }));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

describe('a Ray head’s port listeners', () => {
  it('serves the dashboard on forwarded connections', async () => {
    const { listeners } = await listenersOfTestHead();
    expect(await getThrough(listeners.dashboard, '/api/jobs/')).toEqual({
      accepted: true,
      status: 200,
      body: '[]',
    });
    const missing = await getThrough(listeners.dashboard, '/api/jobs');
    expect(missing).toMatchObject({ status: 404, body: '404: Not Found' });
  });

  it('closes Ray client connections with an HTTP/2 GOAWAY that says why', async () => {
    const { listeners } = await listenersOfTestHead();
    const [client, server] = connectionPair();
    expect(listeners.client(server)).toBe(true);
    const chunks: Buffer[] = [];
    client.on('data', (chunk: Buffer) => chunks.push(chunk));
    await new Promise((resolve) => client.on('end', resolve));
    const bytes = Buffer.concat(chunks);
    // An empty SETTINGS frame, then GOAWAY: last stream 0, INTERNAL_ERROR, the reason.
    expect([...bytes.subarray(0, 9)]).toEqual([0, 0, 0, 4, 0, 0, 0, 0, 0]);
    expect(bytes[12]).toBe(7);
    expect(bytes.readUInt32BE(22)).toBe(2);
    expect(bytes.subarray(26).toString()).toBe(rayClientNotSimulatedText);
  });

  it('answers 503 with the reason for an app whose code the sandbox does not run', async () => {
    const { simulation, listeners } = await listenersOfTestHead();
    simulation.deployServeConfig({
      applications: [{ name: 'other', import_path: 'my_model:app', route_prefix: '/m' }],
    });
    for (let second = 0; second < 30; second++) head?.clock.advance(1000);
    const answer = await getThrough(listeners.serve, '/m');
    expect(answer.status).toBe(503);
    expect(answer.body).toContain("Serve application 'other' (route prefix '/m'");
  });

  it('refuses Serve’s port until Serve runs, then answers health, routes and unknown paths', async () => {
    const { simulation, listeners } = await listenersOfTestHead();
    expect(await getThrough(listeners.serve, '/-/healthz')).toEqual({ accepted: false });
    simulation.deployServeConfig({
      applications: [
        { name: 'hello', import_path: 'serve_hello:app_builder', route_prefix: '/hi' },
      ],
    });
    expect(await getThrough(listeners.serve, '/-/healthz')).toMatchObject({
      status: 200,
      body: 'success',
    });
    // Not RUNNING yet, so not in the route table; RUNNING once its replicas started.
    expect(await getThrough(listeners.serve, '/-/routes')).toMatchObject({ body: '{}' });
    for (let second = 0; second < 30; second++) head?.clock.advance(1000);
    expect(await getThrough(listeners.serve, '/-/routes')).toMatchObject({
      body: '{"/hi": "hello"}',
    });
    // serve_hello answers as workloads/serve_hello.py does, counting requests.
    const hello = await getThrough(listeners.serve, '/hi/there?name=ada');
    expect(hello.status).toBe(200);
    expect(JSON.parse(hello.body ?? '')).toMatchObject({
      message: 'hello from Ray Serve, ada',
      served: 1,
    });
    expect(JSON.parse((await getThrough(listeners.serve, '/hi')).body ?? '')).toMatchObject({
      message: 'hello from Ray Serve, world',
      served: 2,
    });
    expect(await getThrough(listeners.serve, '/elsewhere')).toMatchObject({
      status: 404,
      body: "Path '/elsewhere' not found. Ping http://.../-/routes for available routes.",
    });
  });
});
