import type { FastifyPluginAsync } from 'fastify';

import { VersionInfo, type VersionInfo as VersionInfoBody } from '../../shared/api/versionInfo.ts';

/** `GET /api/v1/version`. */
export const versionRoutes: FastifyPluginAsync<{ version: string }> = async (app, { version }) => {
  const body: VersionInfoBody = { version, node: process.version, apiVersion: 'v1' };
  app.get('/api/v1/version', { schema: { response: { 200: VersionInfo } } }, async () => body);
};
