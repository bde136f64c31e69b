import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import fastifyPlugin from 'fastify-plugin';

/**
 * The Content-Security-Policy of every answer. The built web app has no inline scripts (Vite
 * emits module files), so scripts are `'self'` only. Styles allow inline: Mantine writes its CSS
 * variables into `<style>` elements and `style` attributes at run time. The app talks only to its
 * own origin (REST and the SSE stream). Nobody may frame the portal.
 */
export const contentSecurityPolicy = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/** One year in seconds, HSTS's usual max-age. */
const hstsMaxAgeSeconds = 31_536_000;

/**
 * Security headers on every answer, by `@fastify/helmet`: the CSP above, `X-Frame-Options:
 * DENY`, `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`, and HSTS only when
 * the request came over HTTPS (directly or, with trusted proxies, as `X-Forwarded-Proto`), since
 * a browser must ignore it over HTTP and a homelab install often has no TLS.
 */
export const securityHeaders = fastifyPlugin(async (app: FastifyInstance) => {
  await app.register(fastifyHelmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    hsts: false,
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onSend', async (request, reply) => {
    if (request.protocol === 'https') {
      reply.header('strict-transport-security', `max-age=${hstsMaxAgeSeconds}; includeSubDomains`);
    }
  });
});
