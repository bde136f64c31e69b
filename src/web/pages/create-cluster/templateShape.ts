import type { Template, TemplateAvailability } from '../../../shared/api/templateSchemas.ts';
import { humanizeGpuProduct } from '../../../shared/ray/humanizeGpuProduct.ts';

const binaryUnits: Record<string, string> = { Ki: 'KiB', Mi: 'MiB', Gi: 'GiB', Ti: 'TiB' };
const decimalUnits: Record<string, string> = { k: 'kB', M: 'MB', G: 'GB', T: 'TB' };

/** A Kubernetes memory quantity as people write it: `64Gi` → `64 GiB`, `500M` → `500 MB`. */
export function humanizeMemory(quantity: string): string {
  const match = /^([0-9.]+)([A-Za-z]*)$/.exec(quantity);
  if (!match) return quantity;
  const [, amount = '', suffix = ''] = match;
  const unit = binaryUnits[suffix] ?? decimalUnits[suffix];
  if (unit) return `${amount} ${unit}`;
  return suffix === '' ? `${amount} bytes` : quantity;
}

/** The GPU a template's workers get, by name: product label humanised, else the resource. */
export function templateGpuName(template: Template): string {
  const resource = template.worker.gpuResource ?? 'nvidia.com/gpu';
  const mig = /\/mig-(.+)$/.exec(resource)?.[1];
  const product = template.worker.gpuProduct ? humanizeGpuProduct(template.worker.gpuProduct) : '';
  if (mig) return `${product || 'GPU'} MIG ${mig}`;
  return product || (resource === 'nvidia.com/gpu' ? 'GPU (any model)' : resource);
}

/** Lines describing a template's shape, e.g. `1× NVIDIA A100 per worker`, `8 CPU · 64 GiB`. */
export function templateShapeLines(template: Template): { label: string; value: string }[] {
  const { head, worker } = template;
  return [
    {
      label: 'GPU',
      value: worker.gpu > 0 ? `${worker.gpu}× ${templateGpuName(template)} per worker` : 'CPU only',
    },
    { label: 'Worker', value: `${worker.cpu} CPU · ${humanizeMemory(worker.memory)}` },
    { label: 'Head', value: `${head.cpu} CPU · ${humanizeMemory(head.memory)}` },
    {
      label: 'Workers',
      value: `${template.defaultWorkers} by default, up to ${template.maxWorkers}`,
    },
  ];
}

/**
 * The card's detail line under "Fits now": free GPUs of the template's type and the team's
 * quota headroom when one is set. When it does not fit, the server's reason is used as it is.
 */
export function fitDetail(template: Template, availability: TemplateAvailability): string {
  if (!availability.fits || template.worker.gpu === 0) return availability.message;
  const name = templateGpuName(template);
  const parts = [`${availability.freeGpus} ${name} free`];
  if (availability.quotaHeadroom !== undefined) {
    const headroom = availability.quotaHeadroom;
    parts.push(
      `quota allows ${headroom} more GPU${headroom === 1 ? '' : 's'} in ${availability.team}`,
    );
  }
  return parts.join(' · ');
}
