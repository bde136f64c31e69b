import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

import { GpuInventory } from '../../shared/api/gpuSchemas.ts';
import type { GpuService } from '../services/GpuService.ts';

/** `GET /api/v1/gpus`: GPUs by node and product with holders (not namespaced: any signed-in user). */
export const inventoryRoutes: FastifyPluginAsyncTypebox<{ gpus: GpuService }> = async (
  app,
  { gpus },
) => {
  app.get(
    '/api/v1/gpus',
    {
      schema: {
        tags: ['gpus'],
        summary: 'GPU inventory by node and product',
        description:
          'Capacity, allocatable, requested and free GPUs per node and extended resource, the pods holding them, and totals per product. Counts are GPUs (MIG slices for MIG resources).',
        response: { 200: GpuInventory },
      },
    },
    async () => gpus.inventory(),
  );
};
