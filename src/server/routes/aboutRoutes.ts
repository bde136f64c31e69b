import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

import { AboutInfo } from '../../shared/api/aboutInfo.ts';
import { notAvailableThroughKubeRayApiServer } from '../../shared/api/notAvailableThroughKubeRayApiServer.ts';
import type { PortalDependencies } from '../buildServer.ts';

/** `GET /api/v1/about`: the cluster connection, versions, whether it is the sandbox, and informer health. */
export const aboutRoutes: FastifyPluginAsyncTypebox<{
  version: string;
  portal: PortalDependencies;
}> = async (app, { version, portal }) => {
  app.get(
    '/api/v1/about',
    {
      schema: {
        tags: ['meta'],
        summary: 'Connection, versions and informer health (the About page)',
        response: { 200: AboutInfo },
      },
    },
    async () => ({
      version,
      node: process.version,
      connection: {
        source: portal.connection.source,
        server: portal.connection.server,
        context: portal.connection.context,
        sandbox: portal.sandbox,
        ...(portal.cache.serves('Pod')
          ? {}
          : {
              unavailable: {
                reason: notAvailableThroughKubeRayApiServer(
                  'What needs pods, nodes or quotas (GPU inventory, fit now, why pending)',
                ),
              },
            }),
      },
      informers: portal.cache.status().map((informer) => ({
        name: informer.name,
        synced: informer.synced,
        idleSeconds: Number.isFinite(informer.idleMs) ? Math.round(informer.idleMs / 1000) : -1,
        objects: informer.objects,
        ...(informer.lastError ? { lastError: informer.lastError } : {}),
      })),
      clusters: portal.index.size,
    }),
  );
};
