import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import { afterEach, describe, expect, it } from 'vitest';

import { readManifest } from '../../test/support/readManifest.ts';
import { type RunningSandbox, startSandbox } from './startSandbox.ts';

const manifest = readManifest('raycluster-cpu.yaml');

const dirs: string[] = [];
const running: RunningSandbox[] = [];
afterEach(async () => {
  for (const sandbox of running.splice(0)) await sandbox.stop();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A JSON request with node:http (fetch sends `Sec-Fetch-Mode`, which Ray refuses on POST). */
function call(
  sandbox: RunningSandbox,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: () => unknown }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      `${sandbox.url}${path}`,
      { method, headers: payload ? { 'content-type': 'application/json' } : {} },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, json: () => JSON.parse(text) as unknown }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

/** Polls `check` every 20 ms (real time, for the simulation to move) up to 20 s. */
async function until<T>(check: () => Promise<T | undefined>): Promise<T> {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const value = await check();
    if (value !== undefined) return value;
    await delay(20);
  }
  throw new Error('condition not met within 20 s');
}

const jobs = '/api/v1/namespaces/team-a/services/ray-cpu-head-svc:dashboard/proxy/api/jobs/';

describe('startSandbox with state', () => {
  it('keeps objects and the Ray heads job tables across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'raydeck-sandbox-state-'));
    dirs.push(dir);
    const state = join(dir, 'state.json');
    const options = { listen: '127.0.0.1:0', state, speed: 100 };
    const first = await startSandbox(options);
    running.push(first);
    const created = await call(first, 'POST', '/apis/ray.io/v1/namespaces/team-a/rayclusters', {
      ...manifest,
      metadata: { ...manifest.metadata, namespace: 'team-a' },
    });
    expect(created.status).toBe(201);
    await until(async () => ((await call(first, 'GET', jobs)).status === 200 ? true : undefined));
    const submitted = await call(first, 'POST', jobs, {
      entrypoint: 'echo hello',
      submission_id: 'kept-job',
    });
    expect(submitted.status).toBe(200);
    await until(async () => {
      const job = (await call(first, 'GET', `${jobs}kept-job`)).json() as { status?: string };
      return job.status === 'SUCCEEDED' ? true : undefined;
    });
    const uid = (
      (
        await call(first, 'GET', '/apis/ray.io/v1/namespaces/team-a/rayclusters/ray-cpu')
      ).json() as {
        metadata: { uid: string };
      }
    ).metadata.uid;
    await first.stop();
    running.splice(0);

    const second = await startSandbox(options);
    running.push(second);
    const again = (
      await call(second, 'GET', '/apis/ray.io/v1/namespaces/team-a/rayclusters/ray-cpu')
    ).json() as { metadata: { uid: string } };
    expect(again.metadata.uid).toBe(uid);
    const job = await until(async () => {
      const response = await call(second, 'GET', `${jobs}kept-job`);
      return response.status === 200 ? (response.json() as { status: string }) : undefined;
    });
    expect(job.status).toBe('SUCCEEDED');
  }, 60_000);
});
