import { Writable } from 'node:stream';

import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';

import { portalFastifyOptions } from './portalFastifyOptions.ts';
import { registerRequestLogging } from './requestLogging.ts';
import type { RequestLogMode } from './serverConfig.ts';

/** An app with the portal's options logging into an array, and a few kinds of route. */
async function loggedApp(mode: RequestLogMode) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const app = Fastify(portalFastifyOptions({ level: 'info', stream }));
  registerRequestLogging(app, mode);
  for (const path of [
    '/api/v1/clusters',
    '/healthz',
    '/readyz',
    '/metrics',
    '/assets/app.js',
    '/',
  ]) {
    app.get(path, async () => 'ok');
  }
  for (const path of [
    '/api/v1/clusters',
    '/healthz',
    '/metrics',
    '/assets/app.js',
    '/',
    '/api/v1/clusters?q=x',
  ]) {
    await app.inject(path);
  }
  await app.close();
  return lines.filter((line) => line['msg'] === 'request');
}

describe('registerRequestLogging', () => {
  it('logs one line per API request, none for static files and probes, by default', async () => {
    const lines = await loggedApp('api');
    expect(lines.map((line) => line['path'])).toEqual(['/api/v1/clusters', '/api/v1/clusters']);
    expect(lines[0]).toMatchObject({ method: 'GET', statusCode: 200, level: 30 });
  });

  it('logs everything with all, and nothing with none', async () => {
    expect(await loggedApp('all')).toHaveLength(6);
    expect(await loggedApp('none')).toHaveLength(0);
  });
});
