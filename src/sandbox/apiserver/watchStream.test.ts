import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startTestSandbox, type TestSandbox } from '../../../test/support/startTestSandbox.ts';

let sandbox: TestSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox({ eventWindow: 50 });
  await sandbox.request('POST', '/api/v1/namespaces', { metadata: { name: 'watch' } });
});
afterAll(() => sandbox.close());

const configMaps = '/api/v1/namespaces/watch/configmaps';

interface WatchEvent {
  type: string;
  object: {
    kind?: string;
    code?: number;
    reason?: string;
    metadata: { name?: string; resourceVersion?: string };
  };
}

/** Opens a watch and collects events until `count` have arrived (or the stream ends). */
async function collect(
  path: string,
  count: number,
  during?: () => Promise<void>,
): Promise<WatchEvent[]> {
  const controller = new AbortController();
  const response = await fetch(`${sandbox.url}${path}`, { signal: controller.signal });
  expect(response.status).toBe(200);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const events: WatchEvent[] = [];
  let buffer = '';
  const pending = during?.();
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let newline = buffer.indexOf('\n');
    while (newline >= 0) {
      events.push(JSON.parse(buffer.slice(0, newline)) as WatchEvent);
      buffer = buffer.slice(newline + 1);
      newline = buffer.indexOf('\n');
    }
  }
  await pending;
  controller.abort();
  return events;
}

async function put(name: string, labels: Record<string, string> = {}): Promise<string> {
  const existing = await sandbox.request('GET', `${configMaps}/${name}`);
  const body = { metadata: { name, labels }, data: { at: String(Date.now()) } };
  const response =
    existing.status === 404
      ? await sandbox.request('POST', configMaps, body)
      : await sandbox.request('PUT', `${configMaps}/${name}`, {
          ...body,
          metadata: {
            ...body.metadata,
            resourceVersion: (existing.body as WatchEvent['object']).metadata.resourceVersion,
          },
        });
  expect(response.status).toBeLessThan(300);
  return String((response.body as WatchEvent['object']).metadata.resourceVersion);
}

describe('watch', () => {
  it('starts with ADDED for current objects when no resourceVersion is given', async () => {
    await put('w-initial');
    const events = await collect(`${configMaps}?watch=true`, 1);
    expect(events[0]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'w-initial' } } });
  });

  it('replays and then streams changes after a resourceVersion', async () => {
    const from = await put('w-a');
    await put('w-b');
    const events = await collect(
      `${configMaps}?watch=true&resourceVersion=${from}`,
      3,
      async () => {
        await sandbox.request('DELETE', `${configMaps}/w-b`);
        await put('w-a');
      },
    );
    expect(events.map((event) => `${event.type} ${event.object.metadata.name}`)).toEqual([
      'ADDED w-b',
      'DELETED w-b',
      'MODIFIED w-a',
    ]);
  });

  it('sends ADDED and DELETED when an object crosses the label selector', async () => {
    const from = await put('w-move', { stage: 'one' });
    const events = await collect(
      `${configMaps}?watch=1&labelSelector=stage%3Dtwo&resourceVersion=${from}`,
      2,
      async () => {
        await put('w-move', { stage: 'two' });
        await put('w-move', { stage: 'three' });
      },
    );
    expect(events.map((event) => event.type)).toEqual(['ADDED', 'DELETED']);
  });

  it('answers a resourceVersion older than the event window with a 410 Expired event', async () => {
    for (let index = 0; index < 60; index++) await put(`w-churn-${index % 5}`);
    const events = await collect(`${configMaps}?watch=true&resourceVersion=1`, 1);
    expect(events[0]).toMatchObject({
      type: 'ERROR',
      object: { kind: 'Status', code: 410, reason: 'Expired' },
    });
  });

  it('fans one change out to many watchers', async () => {
    const from = await put('w-fan');
    const watchers = Array.from({ length: 20 }, () =>
      collect(`${configMaps}?watch=true&resourceVersion=${from}`, 1),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    await put('w-fan');
    const results = await Promise.all(watchers);
    expect(
      results.every(
        (events) => events[0]?.type === 'MODIFIED' && events[0].object.metadata.name === 'w-fan',
      ),
    ).toBe(true);
  });

  it('closes the stream after timeoutSeconds', async () => {
    const from = await put('w-timeout');
    const events = await collect(
      `${configMaps}?watch=true&resourceVersion=${from}&timeoutSeconds=1`,
      1,
    );
    expect(events).toEqual([]);
  });
});
