import { request as httpRequest } from 'node:http';

import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';

import { readManifest } from '../../../test/support/readManifest.ts';
import {
  type KubeRayTestWorld,
  startKubeRayTestWorld,
} from '../../../test/support/startKubeRayTestWorld.ts';
import type { KubeObject } from './resourceType.ts';

let world: KubeRayTestWorld | undefined;
afterEach(async () => {
  world?.stop();
  await world?.apiServer.close();
  world = undefined;
});

const manifest = readManifest('raycluster-cpu.yaml');

/** A Ready RayCluster `ray-cpu` in team-a; its head pod's proxy path and the server's URL. */
async function readyHead(): Promise<{ url: string; headProxy: string; headIp: string }> {
  const started = startKubeRayTestWorld({ core: true });
  world = started;
  started.apply({ ...manifest, metadata: { ...manifest.metadata, namespace: 'team-a' } });
  await started.advance(30_000, 500);
  const head = started
    .list<KubeObject & { status?: { podIP?: string } }>('', 'pods', 'team-a')
    .find((pod) => pod.metadata?.labels?.['ray.io/node-type'] === 'head');
  const url = await started.apiServer.listen('127.0.0.1', 0);
  return {
    url,
    headProxy: `/api/v1/namespaces/team-a/pods/${head?.metadata?.name ?? ''}`,
    headIp: head?.status?.podIP ?? '',
  };
}

describe('pods/{name}[:port]/proxy', () => {
  it('reaches the Ray dashboard on the head pod’s port, WebSocket log tail included', async () => {
    const { url, headProxy } = await readyHead();
    const jobs = await fetch(`${url}${headProxy}:8265/proxy/api/jobs/`);
    expect(jobs.status).toBe(200);
    expect(await jobs.json()).toEqual([]);

    const refused = new WebSocket(
      `${url.replace('http', 'ws')}${headProxy}:8265/proxy/api/jobs/none/logs/tail`,
    );
    const answer = await new Promise<number>((resolve) =>
      refused.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0)),
    );
    refused.on('error', () => undefined);
    // The head's own 404 for an unknown job: the upgrade reached the dashboard.
    expect(answer).toBe(404);

    // A POST body goes through too (node:http: fetch's Sec-Fetch-Mode is refused by Ray).
    const submitted = await new Promise<number>((resolve, reject) => {
      const outgoing = httpRequest(
        `${url}${headProxy}:8265/proxy/api/jobs/`,
        { method: 'POST', headers: { 'content-type': 'application/json' } },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(JSON.stringify({ entrypoint: 'echo via the pod', submission_id: 'pod-job' }));
    });
    expect(submitted).toBe(200);
    const messages: string[] = [];
    const tail = new WebSocket(
      `${url.replace('http', 'ws')}${headProxy}:8265/proxy/api/jobs/pod-job/logs/tail`,
    );
    tail.on('message', (data: Buffer) => messages.push(data.toString()));
    const closed = new Promise<number>((resolve) => tail.on('close', (code) => resolve(code)));
    await new Promise<void>((resolve) => tail.on('open', () => resolve()));
    await world?.advance(5_000, 100);
    expect(await closed).toBe(1000);
    expect(messages.join('')).toContain('via the pod');
  }, 30_000);

  it('answers 503 with the dial error for a port nothing listens on (first container port by default)', async () => {
    const { url, headProxy, headIp } = await readyHead();
    // The head container's first port is gcs-server (6379), which nothing simulates.
    const response = await fetch(`${url}${headProxy}/proxy/`);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      kind: 'Status',
      reason: 'ServiceUnavailable',
      message: `error trying to reach service: dial tcp ${headIp}:6379: connect: connection refused`,
    });
  }, 30_000);
});
