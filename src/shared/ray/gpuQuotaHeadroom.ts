import type { ResourceQuotaResource } from '../k8s/kubeTypes.ts';
import { parseQuantity } from '../k8s/quantity.ts';
import { isGpuResourceName } from './gpuRequestOfPodSpec.ts';

/** One quota's limit on a GPU resource. */
export interface GpuQuotaLimit {
  /** ResourceQuota name. */
  quota: string;
  /** Quota key, e.g. `requests.nvidia.com/gpu`. */
  key: string;
  hard: number;
  used: number;
}

/** GPUs a namespace may still request, per GPU resource, and the quotas that say so. */
export interface GpuQuotaHeadroom {
  /** GPU resource → GPUs still allowed (the tightest quota wins). Absent = no quota. */
  free: Record<string, number>;
  limits: GpuQuotaLimit[];
}

/**
 * GPU headroom of a namespace from its ResourceQuotas: for each `requests.<gpu>` (the only
 * form Kubernetes allows for extended resources; `limits.<gpu>` and bare names are read too),
 * hard − used from `status` (falling back to `spec.hard` with 0 used before the quota
 * controller has filled the status). Scoped quotas are treated as applying.
 * @see https://kubernetes.io/docs/concepts/policy/resource-quotas/#resource-quota-for-extended-resources
 */
export function gpuQuotaHeadroom(quotas: readonly ResourceQuotaResource[]): GpuQuotaHeadroom {
  const free: Record<string, number> = {};
  const limits: GpuQuotaLimit[] = [];
  for (const quota of quotas) {
    const hardList = quota.status?.hard ?? quota.spec?.hard ?? {};
    for (const [key, hardText] of Object.entries(hardList)) {
      const resource = key.replace(/^(?:requests|limits)\./, '');
      if (!isGpuResourceName(resource)) continue;
      const hard = parseQuantity(hardText);
      const used = parseQuantity(quota.status?.used?.[key] ?? '0');
      limits.push({ quota: quota.metadata.name ?? '', key, hard, used });
      free[resource] = Math.min(free[resource] ?? Infinity, Math.max(0, hard - used));
    }
  }
  return { free, limits };
}
