import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

import { sendApiError } from '../sendApiError.ts';

/**
 * Serves the built single-page app from `webRoot`. Any GET that is not an API or asset path
 * gets `index.html`, so deep links such as `/clusters/team-a/x` survive a reload.
 */
export const webAppRoutes: FastifyPluginAsync<{ webRoot: string }> = async (app, { webRoot }) => {
  await app.register(fastifyStatic, { root: webRoot, wildcard: false, index: 'index.html' });
  app.setNotFoundHandler((request, reply) => {
    const isPageRequest =
      request.method === 'GET' && !request.url.startsWith('/api/') && !/\.\w+$/.test(request.url);
    if (isPageRequest) return reply.type('text/html').sendFile('index.html');
    return sendApiError(reply, {
      status: 404,
      reason: 'NotFound',
      message: `No route for ${request.method} ${request.url.split('?')[0]}`,
    });
  });
};
