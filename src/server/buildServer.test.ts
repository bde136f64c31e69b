import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Fastify, { type FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { afterEach, describe, expect, it } from 'vitest';

import { buildServer } from './buildServer.ts';
import type { ReadinessCheck } from './routes/healthRoutes.ts';
import { securityHeaders } from './securityHeaders.ts';

const webRoot = mkdtempSync(join(tmpdir(), 'raydeck-web-'));
writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>Raydeck test</title>');

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function build(readinessChecks: ReadinessCheck[] = []) {
  app = await buildServer({
    config: { logLevel: 'silent', webRoot },
    version: '1.2.3',
    readinessChecks,
    logger: false,
  });
  return app;
}

describe('buildServer', () => {
  it('answers liveness and version', async () => {
    const server = await build();
    expect((await server.inject('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await server.inject('/api/v1/version')).json()).toEqual({
      version: '1.2.3',
      node: process.version,
      apiVersion: 'v1',
    });
  });

  it('is ready only when every check passes, and says which one is not', async () => {
    let informersSynced = false;
    const server = await build([
      { name: 'store', check: () => ({ ready: true }) },
      {
        name: 'informers',
        check: () => ({ ready: informersSynced, reason: informersSynced ? undefined : 'syncing' }),
      },
    ]);
    const notReady = await server.inject('/readyz');
    expect(notReady.statusCode).toBe(503);
    expect(notReady.json()).toEqual({
      ready: false,
      checks: [
        { name: 'store', ready: true },
        { name: 'informers', ready: false, reason: 'syncing' },
      ],
    });
    informersSynced = true;
    expect((await server.inject('/readyz')).statusCode).toBe(200);
  });

  it('exposes process and HTTP metrics in the Prometheus format', async () => {
    const server = await build();
    await server.inject('/healthz');
    const metrics = await server.inject('/metrics');
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    expect(metrics.body).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(metrics.body).toMatch(/^nodejs_eventloop_lag_seconds /m);
    expect(metrics.body).toMatch(
      /^raydeck_http_request_duration_seconds_count\{method="GET",route="\/healthz",status_code="200"\} 1$/m,
    );
  });

  it('serves the web app for page paths and a JSON 404 for unknown API paths', async () => {
    const server = await build();
    const page = await server.inject('/clusters/team-a/demo');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<title>Raydeck test</title>');

    const api = await server.inject('/api/v1/nothing-here');
    expect(api.statusCode).toBe(404);
    expect(api.json()).toEqual({
      error: {
        status: 404,
        reason: 'NotFound',
        message: 'No route for GET /api/v1/nothing-here',
        requestId: expect.any(String),
      },
    });
    expect((await server.inject('/assets/missing.js')).statusCode).toBe(404);
  });

  it('turns schema failures into 400s that name each field', async () => {
    const server = await build();
    server.post(
      '/api/v1/echo',
      {
        schema: {
          body: Type.Object({
            name: Type.String({ minLength: 1 }),
            spec: Type.Object({ replicas: Type.Integer({ minimum: 0 }) }),
          }),
        },
      },
      async (request) => request.body,
    );
    const response = await server.inject({
      method: 'POST',
      url: '/api/v1/echo',
      headers: { 'x-request-id': 'req-42' },
      payload: { spec: { replicas: -1 } },
    });
    expect(response.statusCode).toBe(400);
    const { error } = response.json();
    expect(error.reason).toBe('ValidationFailed');
    expect(error.requestId).toBe('req-42');
    expect(error.fields.map((field: { path: string }) => field.path).sort()).toEqual([
      'body.name',
      'body.spec.replicas',
    ]);
  });

  it('hides the details of internal errors', async () => {
    const server = await build();
    server.get('/api/v1/boom', async () => {
      throw new Error('secret connection string postgres://u:p@db');
    });
    const response = await server.inject('/api/v1/boom');
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('postgres');
    expect(response.json().error.message).toBe('Internal server error');
  });

  it('sends security headers on pages and API answers, and HSTS only over HTTPS', async () => {
    const server = await build();
    for (const url of ['/', '/api/v1/version', '/api/v1/nothing-here']) {
      const response = await server.inject(url);
      const csp = String(response.headers['content-security-policy']);
      expect(csp, url).toContain("script-src 'self'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['referrer-policy']).toBe('no-referrer');
      expect(response.headers['strict-transport-security']).toBeUndefined();
    }
    const behindTls = Fastify({ trustProxy: true });
    await behindTls.register(securityHeaders);
    behindTls.get('/', async () => 'ok');
    const overTls = await behindTls.inject({ url: '/', headers: { 'x-forwarded-proto': 'https' } });
    expect(overTls.headers['strict-transport-security']).toBe(
      'max-age=31536000; includeSubDomains',
    );
    await behindTls.close();
  });
});
