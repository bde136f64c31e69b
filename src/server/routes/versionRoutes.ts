import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

import { VersionInfo } from '../../shared/api/versionInfo.ts';

/** `GET /api/v1/version`. */
export const versionRoutes: FastifyPluginAsyncTypebox<{ version: string }> = async (
  app,
  { version },
) => {
  app.get(
    '/api/v1/version',
    {
      schema: {
        tags: ['meta'],
        summary: 'Raydeck, Node.js and API versions',
        security: [],
        response: { 200: VersionInfo },
      },
    },
    async (): Promise<VersionInfo> => ({ version, node: process.version, apiVersion: 'v1' }),
  );
};
