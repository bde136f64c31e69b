import type { ClusterSummary } from '../../../shared/api/clusterSchemas.ts';
import { humanizeGpuProduct } from '../../../shared/ray/humanizeGpuProduct.ts';

/**
 * The GPUs of a row as people say them: `2 × NVIDIA A100`, `1 × NVIDIA GeForce RTX 4090`,
 * `4 × GPU` when any product will do, `—` without GPUs.
 */
export function formatGpus(gpus: ClusterSummary['gpus']): string {
  if (gpus.count <= 0) return '—';
  const products = [...new Set(gpus.products.map(humanizeGpuProduct))];
  return `${gpus.count} × ${products.length > 0 ? products.join(', ') : 'GPU'}`;
}
