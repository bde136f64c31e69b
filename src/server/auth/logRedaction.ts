/**
 * pino `redact` settings that keep secrets out of the logs: credentials in request and response
 * headers (Authorization, Cookie, Set-Cookie, CSRF token, proxy access tokens) and
 * secret-named fields one or two levels deep in any logged object (`password`, `token`, …).
 * Pass as `Fastify({ logger: { level, redact: logRedaction } })`. Fastify's own request log
 * lines carry no headers or bodies; this guards against code that logs them anyway.
 * @see https://getpino.io/#/docs/redaction
 */
export const logRedaction: { paths: string[]; censor: string } = {
  paths: [
    ...['req.headers', 'headers', 'request.headers'].flatMap((prefix) => [
      `${prefix}.authorization`,
      `${prefix}.cookie`,
      `${prefix}["x-csrf-token"]`,
      `${prefix}["x-forwarded-access-token"]`,
      `${prefix}["x-auth-request-access-token"]`,
    ]),
    'res.headers["set-cookie"]',
    'headers["set-cookie"]',
    ...[
      'password',
      'newPassword',
      'passwordHash',
      'token',
      'csrfToken',
      'secret',
      'apiKey',
    ].flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
  ],
  censor: '[redacted]',
};
