import { afterEach, describe, expect, it } from 'vitest';

import { startTestSandbox, type TestSandbox } from '../../../test/support/startTestSandbox.ts';

let sandbox: TestSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

const configMaps = '/api/v1/namespaces/default/configmaps';

/** Reads a watch stream until `count` events arrived or it ended; then hangs up. */
async function watchEvents(
  url: string,
  count: number,
  during?: () => Promise<unknown>,
): Promise<{ type: string; object: Record<string, unknown> }[]> {
  const controller = new AbortController();
  const response = await fetch(url, { signal: controller.signal });
  expect(response.status).toBe(200);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const events: { type: string; object: Record<string, unknown> }[] = [];
  let buffer = '';
  const pending = during?.();
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    for (let newline = buffer.indexOf('\n'); newline >= 0; newline = buffer.indexOf('\n')) {
      events.push(JSON.parse(buffer.slice(0, newline)) as (typeof events)[number]);
      buffer = buffer.slice(newline + 1);
    }
  }
  await pending;
  controller.abort();
  return events;
}

function versionOf(body: unknown): number {
  return Number((body as { metadata: { resourceVersion: string } }).metadata.resourceVersion);
}

describe('query booleans', () => {
  it('reads watch=True (the Python client) and a bare ?watch as true, watch=false and 0 as false', async () => {
    sandbox = await startTestSandbox();
    await sandbox.request('POST', configMaps, { metadata: { name: 'one' } });
    for (const flag of ['watch=True', 'watch', 'watch=yes', 'watch=TRUE']) {
      const events = await watchEvents(`${sandbox.url}${configMaps}?${flag}`, 1);
      expect(events[0]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'one' } } });
    }
    for (const flag of ['watch=false', 'watch=False', 'watch=0']) {
      const list = await sandbox.request('GET', `${configMaps}?${flag}`);
      expect(list.body).toMatchObject({ kind: 'ConfigMapList' });
    }
  });
});

describe('resourceVersion newer than the store', () => {
  it('answers a list and a get with 504 Too large resource version after waiting 3 s', async () => {
    sandbox = await startTestSandbox();
    const created = await sandbox.request('POST', configMaps, { metadata: { name: 'one' } });
    const current = versionOf(created.body);
    const future = current + 1000;
    const [list, get] = await Promise.all([
      sandbox.request('GET', `${configMaps}?resourceVersion=${future}`),
      sandbox.request('GET', `${configMaps}/one?resourceVersion=${future}`),
    ]);
    for (const response of [list, get]) {
      expect(response.status).toBe(504);
      expect(response.body).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `Timeout: Too large resource version: ${future}, current: ${current}`,
        reason: 'Timeout',
        details: {
          causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
          retryAfterSeconds: 1,
        },
        code: 504,
      });
    }
  });

  it('serves a list once the store reaches the resourceVersion within the wait', async () => {
    sandbox = await startTestSandbox();
    const created = await sandbox.request('POST', configMaps, { metadata: { name: 'one' } });
    const next = versionOf(created.body) + 1;
    const pending = sandbox.request('GET', `${configMaps}?resourceVersion=${next}`);
    await sandbox.request('POST', configMaps, { metadata: { name: 'two' } });
    const list = await pending;
    expect(list.status).toBe(200);
    expect((list.body as { items: unknown[] }).items).toHaveLength(2);
  });

  it('starts a plain watch once the store passes the resourceVersion; a streaming list fails in the stream', async () => {
    sandbox = await startTestSandbox();
    const server = sandbox;
    const created = await server.request('POST', configMaps, { metadata: { name: 'one' } });
    const from = versionOf(created.body) + 1;
    // Writes at from (skipped: not newer than the watch's version) and from + 1 (delivered).
    const events = await watchEvents(
      `${server.url}${configMaps}?watch=true&resourceVersion=${from}`,
      1,
      async () => {
        await server.request('POST', configMaps, { metadata: { name: 'two' } });
        await server.request('POST', configMaps, { metadata: { name: 'three' } });
      },
    );
    expect(events.map((event) => [event.type, event.object['metadata']])).toEqual([
      ['ADDED', expect.objectContaining({ name: 'three' })],
    ]);

    const far = from + 1000;
    const streaming = await watchEvents(
      `${server.url}${configMaps}?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&resourceVersion=${far}`,
      2,
    );
    expect(streaming).toEqual([
      {
        type: 'ERROR',
        object: expect.objectContaining({
          code: 504,
          reason: 'Timeout',
          message: `Timeout: Too large resource version: ${far}, current: ${from + 1}`,
        }),
      },
    ]);
  });
});

describe('service proxy paths', () => {
  it('decodes the path once, as Kubernetes does: %2F reaches the backend as a slash', async () => {
    sandbox = await startTestSandbox();
    await sandbox.request('POST', '/api/v1/namespaces/default/services', {
      metadata: { name: 'head-svc' },
      spec: { ports: [{ name: 'dashboard', port: 8265 }] },
    });
    await sandbox.request('POST', '/api/v1/namespaces/default/endpoints', {
      metadata: { name: 'head-svc' },
      subsets: [{ addresses: [{ ip: '10.1.0.5' }], ports: [{ name: 'dashboard', port: 8265 }] }],
    });
    sandbox.apiServer.proxies.register(
      { namespace: 'default', service: 'head-svc', port: 'dashboard' },
      (_request, response, subpath) => {
        response
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ subpath }));
      },
    );
    const base = '/api/v1/namespaces/default/services/head-svc:dashboard/proxy';
    expect((await sandbox.request('GET', `${base}/api%2Fjobs%2F?a=b%2Fc`)).body).toEqual({
      subpath: '/api/jobs/?a=b%2Fc',
    });
    expect((await sandbox.request('GET', `${base}/logs/a%20b/%252F`)).body).toEqual({
      subpath: '/logs/a%20b/%252F',
    });
  });
});

describe('container streams', () => {
  it('answers exec and attach with a 400 saying the sandbox runs no containers, portforward without an upgrade with the kubelet’s 400', async () => {
    sandbox = await startTestSandbox();
    const pods = '/api/v1/namespaces/default/pods';
    await sandbox.request('POST', pods, {
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'app', image: 'busybox' }] },
    });
    for (const [subresource, verb] of [
      ['exec?command=ls&stdout=true', 'exec'],
      ['attach?stdout=true', 'attach'],
    ] as const) {
      for (const method of ['GET', 'POST']) {
        const response = await sandbox.request(method, `${pods}/p/${subresource}`);
        expect(response.status).toBe(400);
        expect(response.body).toMatchObject({
          kind: 'Status',
          reason: 'BadRequest',
          message: `the Raydeck sandbox runs no containers; ${verb} is not supported`,
        });
      }
    }
    for (const method of ['GET', 'POST']) {
      const response = await sandbox.request(method, `${pods}/p/portforward?ports=8265`);
      expect([response.status, response.body]).toEqual([
        400,
        'unable to upgrade: missing upgrade headers in request',
      ]);
    }
    expect((await sandbox.request('POST', `${pods}/missing/exec?command=ls`)).status).toBe(404);
    expect((await sandbox.request('GET', `${pods}/missing/portforward`)).status).toBe(404);
  });
});
