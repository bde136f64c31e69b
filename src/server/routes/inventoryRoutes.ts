import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';

import type { GpuService } from '../services/GpuService.ts';

/** `GET /api/v1/gpus`: GPUs by node and product with holders (not namespaced: any signed-in user). */
export const inventoryRoutes: FastifyPluginAsync<{ gpus: GpuService }> = async (app, { gpus }) => {
  app.get('/api/v1/gpus', { schema: { response: { 200: Type.Unknown() } } }, async () =>
    gpus.inventory(),
  );
};
