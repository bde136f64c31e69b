import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';

import type { PortalDependencies } from '../buildServer.ts';

/** `GET /api/v1/about`: the cluster connection, versions, whether it is the sandbox, and informer health. */
export const AboutInfo = Type.Object({
  version: Type.String(),
  node: Type.String(),
  connection: Type.Object({
    source: Type.String(),
    server: Type.String(),
    context: Type.String(),
    sandbox: Type.Boolean(),
  }),
  informers: Type.Array(
    Type.Object({
      name: Type.String(),
      synced: Type.Boolean(),
      idleSeconds: Type.Number(),
      objects: Type.Integer(),
      lastError: Type.Optional(Type.String()),
    }),
  ),
  clusters: Type.Integer(),
});

/** The About page's data. */
export const aboutRoutes: FastifyPluginAsync<{
  version: string;
  portal: PortalDependencies;
}> = async (app, { version, portal }) => {
  app.get('/api/v1/about', { schema: { response: { 200: AboutInfo } } }, async () => ({
    version,
    node: process.version,
    connection: {
      source: portal.connection.source,
      server: portal.connection.server,
      context: portal.connection.context,
      sandbox: portal.sandbox,
    },
    informers: portal.cache.status().map((informer) => ({
      name: informer.name,
      synced: informer.synced,
      idleSeconds: Number.isFinite(informer.idleMs) ? Math.round(informer.idleMs / 1000) : -1,
      objects: informer.objects,
      ...(informer.lastError ? { lastError: informer.lastError } : {}),
    })),
    clusters: portal.index.size,
  }));
};
