import type { FastifyPluginAsync } from 'fastify';
import { describe, expect, it } from 'vitest';

import { authTestApp, testPassword } from '../../../test/support/authTestApp.ts';
import { logRedaction } from './logRedaction.ts';

/** Code that logs more than it should: whole header sets and bodies, at several depths. */
const carelessRoutes: FastifyPluginAsync = async (app) => {
  app.post('/api/v1/careless', async (request) => {
    request.log.info({ headers: request.headers, body: request.body }, 'careless log');
    request.log.info({ req: { headers: request.headers } }, 'careless nested log');
    request.log.info({ attempt: { user: { password: 'nested-secret-value' } } }, 'deep log');
    return { ok: true };
  });
};

describe('logRedaction', () => {
  it('keeps passwords, tokens, cookies and CSRF tokens out of pino output', async () => {
    const lines: string[] = [];
    const kit = await authTestApp({
      routes: carelessRoutes,
      logger: {
        level: 'trace',
        stream: { write: (line: string) => void lines.push(line) },
        redact: logRedaction,
      },
    });
    try {
      await kit.addUser('alice', 'member');
      const session = await kit.login('alice');
      await kit.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'alice', password: 'wrong-password-xyz' },
      });
      const { token } = (
        await kit.app.inject({
          method: 'POST',
          url: '/api/v1/tokens',
          headers: session.headers(),
          payload: { name: 'cli' },
        })
      ).json();
      const careless = await kit.app.inject({
        method: 'POST',
        url: '/api/v1/careless',
        headers: { ...session.headers(), authorization: `Bearer ${token}` },
        payload: { password: 'body-password-value', token, name: 'kept' },
      });
      expect(careless.statusCode).toBe(200);
      await kit.app.inject({
        method: 'POST',
        url: '/api/v1/auth/logout',
        headers: session.headers(),
      });

      const output = lines.join('');
      expect(output).toContain('careless log');
      expect(output).toContain('[redacted]');
      expect(output).toContain('"name":"kept"');
      const secrets = [
        testPassword,
        'wrong-password-xyz',
        'body-password-value',
        'nested-secret-value',
        token,
        session.csrfToken,
        session.cookie.split('=')[1] ?? 'missing-cookie',
      ];
      for (const secret of secrets) expect(output).not.toContain(secret);
    } finally {
      await kit.close();
    }
  });
});
