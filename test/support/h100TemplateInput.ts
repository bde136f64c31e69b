import type { TemplateInput } from '../../src/shared/api/templateSchemas.ts';

/** A valid template body no seeded template uses (2× H100 workers), for template API tests. */
export const h100TemplateInput = {
  name: 'h100-2',
  description: '2× H100',
  head: { cpu: 2, memory: '8Gi' },
  worker: { cpu: 16, memory: '128Gi', gpu: 2, gpuProduct: 'NVIDIA-H100-80GB-HBM3' },
  allowedRayVersions: ['2.52.0'],
  allowedImages: [],
  maxWorkers: 4,
  defaultWorkers: 1,
  defaultIdleTimeoutSeconds: 3600,
} satisfies TemplateInput;
