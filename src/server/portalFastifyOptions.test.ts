import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type AuthTestApp, authTestApp, type TestSession } from '../../test/support/authTestApp.ts';
import type { ApiErrorBody } from '../shared/api/apiErrorBody.ts';
import { closeObjectSchemas } from './portalFastifyOptions.ts';

let harness: AuthTestApp;
let admin: TestSession;

beforeAll(async () => {
  harness = await authTestApp({ mutationRateLimit: false });
  await harness.addUser('root-admin', 'admin');
  admin = await harness.login('root-admin');
});
afterAll(() => harness.close());

/** POSTs a JSON text (not re-serialised, so any shape can be sent) as the admin. */
async function post(url: string, payload: string, contentType = 'application/json') {
  const response = await harness.app.inject({
    method: 'POST',
    url,
    headers: { ...admin.headers(), 'content-type': contentType },
    payload,
  });
  return { status: response.statusCode, body: response.json<ApiErrorBody>() };
}

describe('strict request input', () => {
  it('refuses an unknown body field with 400 naming it, and creates nothing', async () => {
    const { status, body } = await post('/api/v1/admin/teams', '{"name":"team-x","bogusField":1}');
    expect(status).toBe(400);
    expect(body.error.fields).toEqual([
      { path: 'body.bogusField', message: 'is not a known field' },
    ]);
    const teams = await harness.app.inject({
      url: '/api/v1/admin/teams',
      headers: admin.headers(),
    });
    expect(JSON.stringify(teams.json())).not.toContain('team-x');
  });

  it('does not coerce body types', async () => {
    const number = await post('/api/v1/admin/teams', '{"name":"team-y","displayName":1}');
    expect(number.status).toBe(400);
    expect(number.body.error.fields?.[0]?.path).toBe('body.displayName');
    const array = await post('/api/v1/admin/teams', '{"name":["team-y"]}');
    expect(array.status).toBe(400);
    expect(array.body.error.fields?.[0]?.path).toBe('body.name');
  });

  it('checks team names as DNS-1123 labels', async () => {
    for (const name of ['Team-A', 'team_a', '-team', 'a'.repeat(64), '../x']) {
      const { status, body } = await post('/api/v1/admin/teams', JSON.stringify({ name }));
      expect(status, name).toBe(400);
      expect(body.error.fields?.[0]?.path).toBe('body.name');
    }
  });

  it('still coerces query strings, which arrive as text', async () => {
    const response = await harness.app.inject({
      url: '/api/v1/audit?limit=2',
      headers: admin.headers(),
    });
    expect(response.statusCode).toBe(200);
  });

  it("answers Fastify's own errors in the ApiErrorBody shape", async () => {
    const wrongType = await post('/api/v1/admin/teams', '<team/>', 'application/xml');
    expect(wrongType.status).toBe(415);
    expect(wrongType.body.error).toMatchObject({ status: 415, requestId: expect.any(String) });

    const tooLarge = await post(
      '/api/v1/admin/teams',
      JSON.stringify({ name: 'team-z', description: 'x'.repeat(2 * 1024 * 1024) }),
    );
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error.status).toBe(413);

    const malformed = await post('/api/v1/admin/teams', '{"name":');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.status).toBe(400);

    const badUrl = await harness.app.inject({
      url: '/api/v1/version%c0',
      headers: admin.headers(),
    });
    expect(badUrl.statusCode).toBe(400);
    expect(badUrl.json<ApiErrorBody>().error.status).toBe(400);
  });

  it('gives a client a bounded time to send its request', () => {
    // Node enforces it on its own timer (checked every 30 s), so the test reads the setting
    // rather than waiting on the real clock.
    expect(harness.app.server.requestTimeout).toBe(120_000);
  });
});

describe('closeObjectSchemas', () => {
  it('closes open objects with properties, keeps explicit choices, and drops $id', () => {
    expect(
      closeObjectSchemas({
        $id: 'Outer',
        type: 'object',
        properties: {
          inner: { type: 'object', properties: { a: { type: 'string' } } },
          free: { type: 'object', additionalProperties: true, properties: {} },
          map: { type: 'object', patternProperties: { '^.*$': { type: 'string' } } },
        },
      }),
    ).toEqual({
      type: 'object',
      additionalProperties: false,
      properties: {
        inner: {
          type: 'object',
          additionalProperties: false,
          properties: { a: { type: 'string' } },
        },
        free: { type: 'object', additionalProperties: true, properties: {} },
        map: { type: 'object', patternProperties: { '^.*$': { type: 'string' } } },
      },
    });
  });
});
