import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { get as httpGet, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';

import type { KubeObject } from '../../src/sandbox/apiserver/resourceType.ts';
import { writeSandboxKubeconfig } from '../../src/sandbox/kubeconfigFile.ts';
import { freePort } from '../support/freePort.ts';
import { kubectlBinary } from '../support/kubectlBinary.ts';
import { readManifest } from '../support/readManifest.ts';
import { type KubeRayTestWorld, startKubeRayTestWorld } from '../support/startKubeRayTestWorld.ts';

let world: KubeRayTestWorld | undefined;
let kubectl: ChildProcess | undefined;
afterEach(async () => {
  kubectl?.kill();
  kubectl = undefined;
  world?.stop();
  await world?.apiServer.close();
  world = undefined;
});

const manifest = readManifest('raycluster-cpu.yaml');

/** A port nothing listens on now (the OS picks it; 127.0.0.1 only). */

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    httpGet({ host: '127.0.0.1', port, path }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

/**
 * Starts `kubectl port-forward` and resolves once it prints `Forwarding from 127.0.0.1:…`
 * (kubectl has then made the WebSocket/SPDY connection); `output()` is all it printed.
 */
async function portForward(
  kubeconfig: string,
  args: string[],
): Promise<{ output: () => string; exited: Promise<number> }> {
  const child = spawn(kubectlBinary(), ['--kubeconfig', kubeconfig, 'port-forward', ...args], {
    env: { PATH: process.env['PATH'] ?? '', HOME: tmpdir() },
  });
  kubectl = child;
  let output = '';
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('Forwarding from 127.0.0.1:')) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() => reject(new Error(`kubectl port-forward exited:\n${output}`)));
  });
  return { output: () => output, exited };
}

/** A Ready RayCluster `ray-cpu` in team-a, served over HTTP, with a kubeconfig for kubectl. */
async function readyCluster(): Promise<string> {
  world = startKubeRayTestWorld({ core: true });
  world.apply({ ...manifest, metadata: { ...manifest.metadata, namespace: 'team-a' } });
  await world.advance(30_000, 500);
  const cluster = world.get<KubeObject & { status?: { state?: string } }>(
    'ray.io',
    'rayclusters',
    'team-a',
    'ray-cpu',
  );
  expect(cluster?.status?.state).toBe('ready');
  const url = await world.apiServer.listen('127.0.0.1', 0);
  const kubeconfig = join(mkdtempSync(join(tmpdir(), 'raydeck-port-forward-')), 'kubeconfig');
  writeSandboxKubeconfig(kubeconfig, url);
  return kubeconfig;
}

describe('kubectl 1.35 port-forward against the sandbox', () => {
  it('forwards the head Service’s dashboard port to the simulated Ray head', async () => {
    const kubeconfig = await readyCluster();
    const local = await freePort();
    const forward = await portForward(kubeconfig, [
      '-n',
      'team-a',
      'svc/ray-cpu-head-svc',
      `${local}:8265`,
      '--address',
      '127.0.0.1',
    ]);
    const jobs = await get(local, '/api/jobs/');
    expect(jobs.status).toBe(200);
    expect(JSON.parse(jobs.body)).toEqual([]);
    // A second connection over the same kubectl session.
    const version = await get(local, '/api/version');
    expect(JSON.parse(version.body)).toMatchObject({ version: '4', ray_version: '2.52.0' });
    expect(forward.output()).toContain(`Forwarding from 127.0.0.1:${local} -> 8265`);
  }, 60_000);

  it('carries the job log tail WebSocket over the forwarded dashboard port', async () => {
    const kubeconfig = await readyCluster();
    const local = await freePort();
    await portForward(kubeconfig, [
      '-n',
      'team-a',
      'svc/ray-cpu-head-svc',
      `${local}:8265`,
      '--address',
      '127.0.0.1',
    ]);
    const submitted = await new Promise<number>((resolve, reject) => {
      const outgoing = httpRequest(
        { host: '127.0.0.1', port: local, path: '/api/jobs/', method: 'POST' },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(JSON.stringify({ entrypoint: 'echo forwarded', submission_id: 'pf-job' }));
    });
    expect(submitted).toBe(200);
    const messages: string[] = [];
    const tail = new WebSocket(`ws://127.0.0.1:${local}/api/jobs/pf-job/logs/tail`);
    tail.on('message', (data: Buffer) => messages.push(data.toString()));
    const closed = new Promise<number>((resolve) => tail.on('close', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      tail.on('open', () => resolve());
      tail.on('error', reject);
    });
    await world?.advance(5_000, 100);
    expect(await closed).toBe(1000);
    expect(messages.join('')).toContain('forwarded');
  }, 60_000);

  it('reports the kubelet’s connection refused for a port nothing listens on', async () => {
    const kubeconfig = await readyCluster();
    const local = await freePort();
    const forward = await portForward(kubeconfig, [
      '-n',
      'team-a',
      'svc/ray-cpu-head-svc',
      `${local}:6379`,
      '--address',
      '127.0.0.1',
    ]);
    await get(local, '/').catch(() => undefined);
    // kubectl reports the error stream's message and gives up, as against a real cluster.
    expect(await forward.exited).not.toBe(0);
    expect(forward.output()).toMatch(
      /an error occurred forwarding \d+ -> 6379: error forwarding port 6379 to pod [0-9a-f]{64}, uid : .*dial tcp4 127\.0\.0\.1:6379: connect: connection refused/,
    );
    expect(forward.output()).toContain('lost connection to pod');
  }, 60_000);
});
