import { afterEach, describe, expect, it } from 'vitest';

import {
  type RayHeadTestServer,
  startRayHeadTestServer,
} from '../../../test/support/startRayHeadTestServer.ts';

let server: RayHeadTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(
  options: Parameters<typeof startRayHeadTestServer>[0] = {},
): Promise<RayHeadTestServer> {
  server = await startRayHeadTestServer(options);
  return server;
}

describe('routing like aiohttp', () => {
  it('answers unknown paths with 404 "404: Not Found" in plain text', async () => {
    const head = await start();
    for (const path of [
      '/api/nothing',
      '/api/jobs//',
      '/api/serve/applications',
      '/api/version/',
    ]) {
      const response = await head.request('GET', path);
      expect(response.status).toBe(404);
      expect(response.text).toBe('404: Not Found');
      expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
    }
  });

  it('answers a known path with another method with 405 and the allowed methods', async () => {
    const head = await start();
    const response = await head.request('PUT', '/api/jobs/abc');
    expect(response.status).toBe(405);
    expect(response.text).toBe('405: Method Not Allowed');
    expect(response.headers.allow).toBe('DELETE,GET,HEAD');
  });

  it('answers HEAD like GET without a body', async () => {
    const head = await start();
    const response = await head.request('HEAD', '/api/version');
    expect(response.status).toBe(200);
    expect(response.text).toBe('');
  });

  it('reports the version, Ray version, commit and session name', async () => {
    const head = await start({ rayVersion: '2.52.0' });
    const version = (await head.request('GET', '/api/version')).json<Record<string, string>>();
    expect(version).toEqual({
      version: '4',
      ray_version: '2.52.0',
      ray_commit: expect.stringMatching(/^[0-9a-f]{40}$/),
      session_name: expect.stringMatching(/^session_2026-01-01_00-00-00_000000_\d+$/),
    });
  });

  it('answers the GCS health check with "success" and serves a dashboard page at /', async () => {
    const head = await start();
    const health = await head.request('GET', '/api/gcs_healthz');
    expect([health.status, health.text]).toEqual([200, 'success']);
    const page = await head.request('GET', '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html');
    expect(page.text).toContain('Ray Dashboard');
    expect(page.text).toContain('default/raycluster');
  });
});

describe('token authentication (Ray token mode)', () => {
  const token = 's3cret-token';

  it('needs a token: missing → 401, wrong → 403, in plain text, also for unknown paths', async () => {
    const head = await start({ authToken: token });
    const missing = await head.request('GET', '/api/jobs/');
    expect([missing.status, missing.text]).toEqual([
      401,
      'Unauthorized: Missing authentication token',
    ]);
    const wrong = await head.request('GET', '/api/jobs/', {
      headers: { Authorization: 'Bearer nope' },
    });
    expect([wrong.status, wrong.text]).toEqual([403, 'Forbidden: Invalid authentication token']);
    const noBearer = await head.request('GET', '/api/jobs/', { headers: { Authorization: token } });
    expect(noBearer.status).toBe(403);
    expect((await head.request('GET', '/api/unknown')).status).toBe(401);
  });

  it('accepts the token from Authorization, X-Ray-Authorization or the cookie', async () => {
    const head = await start({ authToken: token });
    const headerSets: Record<string, string>[] = [
      { Authorization: `Bearer ${token}` },
      { 'X-Ray-Authorization': `Bearer ${token}` },
      { Cookie: `theme=dark; ray-authentication-token=${token}` },
    ];
    for (const headers of headerSets) {
      const response = await head.request('GET', '/api/jobs/', { headers });
      expect(response.status, JSON.stringify(headers)).toBe(200);
    }
    const submitted = await head.request('POST', '/api/jobs/', {
      body: { entrypoint: 'echo hi' },
      headers: { 'X-Ray-Authorization': `Bearer ${token}` },
    });
    expect(submitted.status).toBe(200);
  });

  it('prefers Authorization over X-Ray-Authorization, as Ray does', async () => {
    const head = await start({ authToken: token });
    const response = await head.request('GET', '/api/jobs/', {
      headers: {
        Authorization: 'Bearer kubernetes-token',
        'X-Ray-Authorization': `Bearer ${token}`,
      },
    });
    expect(response.status).toBe(403);
  });

  it('leaves the health checks and the login endpoints public', async () => {
    const head = await start({ authToken: token });
    expect((await head.request('GET', '/api/gcs_healthz')).status).toBe(200);
    expect((await head.request('GET', '/api/authentication_mode')).text).toBe(
      '{"authentication_mode": "token"}',
    );
    const login = await head.request('POST', '/api/authenticate', {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(login.status).toBe(200);
    expect(login.json()).toEqual({ status: 'authenticated', message: 'Token is valid' });
    expect(login.headers['set-cookie']?.[0]).toContain(`ray-authentication-token=${token}`);
    expect(
      (await head.request('POST', '/api/authenticate', { headers: { Authorization: 'Bearer x' } }))
        .status,
    ).toBe(403);
  });

  it('reports authentication disabled without a token', async () => {
    const head = await start();
    expect((await head.request('GET', '/api/authentication_mode')).json()).toEqual({
      authentication_mode: 'disabled',
    });
    expect((await head.request('POST', '/api/authenticate')).status).toBe(401);
  });
});

describe('browser protection', () => {
  it('refuses POST and PUT that look like a browser’s with 405, but allows GET', async () => {
    const head = await start();
    const browserLike: Record<string, string>[] = [
      { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64)' },
      { Origin: 'http://portal.example' },
      { 'Sec-Fetch-Mode': 'cors' },
    ];
    for (const headers of browserLike) {
      const response = await head.request('POST', '/api/jobs/', {
        body: { entrypoint: 'echo' },
        headers,
      });
      expect(response.status, JSON.stringify(headers)).toBe(405);
      expect(response.text).toBe('Method Not Allowed for browser traffic.');
    }
    expect(
      (await head.request('GET', '/api/jobs/', { headers: { 'Sec-Fetch-Mode': 'cors' } })).status,
    ).toBe(200);
    expect((await head.request('GET', '/api/jobs/')).json()).toEqual([]);
  });
});

describe('activity and idleness', () => {
  it('reports driver activity: INACTIVE, ACTIVE while a job is pending or running, then the last end time', async () => {
    const head = await start();
    const activities = async () =>
      (await head.request('GET', '/api/component_activities')).json<{
        driver: Record<string, unknown>;
      }>().driver;
    expect(await activities()).toEqual({
      is_active: 'INACTIVE',
      reason: null,
      timestamp: Date.parse('2026-01-01T00:00:00Z') / 1000,
      last_activity_at: null,
    });
    expect(head.simulation.isIdle()).toBe(true);
    await head.request('POST', '/api/jobs/', { body: { entrypoint: 'sleep 2' } });
    expect(await activities()).toMatchObject({
      is_active: 'ACTIVE',
      reason: 'Number of active drivers: 1',
    });
    expect(head.simulation.isIdle()).toBe(false);
    head.clock.advance(1000);
    expect(head.simulation.lastActivityTime()).toBe(head.clock.now());
    head.clock.advance(2500);
    const ended = Date.parse('2026-01-01T00:00:03.500Z');
    expect(await activities()).toMatchObject({
      is_active: 'INACTIVE',
      reason: null,
      last_activity_at: ended / 1000,
    });
    head.clock.advance(60_000);
    expect(head.simulation.isIdle()).toBe(true);
    expect(head.simulation.lastActivityTime()).toBe(ended);
  });

  it('stops its timers on stop() and then answers 503', async () => {
    const head = await start();
    await head.request('POST', '/api/jobs/', { body: { entrypoint: 'sleep 100' } });
    expect(head.clock.pendingTimers).toBeGreaterThan(0);
    head.simulation.stop();
    expect(head.clock.pendingTimers).toBe(0);
    const response = await head.request('GET', '/api/jobs/');
    expect(response.status).toBe(503);
  });
});
