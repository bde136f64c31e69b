import type { QuotaMeter, SetTeamQuotaRequest } from '../api/quotaSchemas.ts';
import type { ResourceList, ResourceQuotaResource } from '../k8s/kubeTypes.ts';
import { parseQuantity } from '../k8s/quantity.ts';
import { isGpuResourceName } from './gpuRequestOfPodSpec.ts';

/** What a quota key limits: `requests.nvidia.com/gpu` → gpu, `limits.cpu` → cpu, else none. */
function kindOfKey(key: string): QuotaMeter['kind'] | undefined {
  const resource = key.replace(/^(?:requests|limits)\./, '');
  if (isGpuResourceName(resource)) return 'gpu';
  if (resource === 'cpu') return 'cpu';
  if (resource === 'memory') return 'memory';
  return undefined;
}

/** Parses a quantity, 0 for text Kubernetes would not have stored. */
function quantity(text: string | undefined): number {
  try {
    return text === undefined ? 0 : parseQuantity(text);
  } catch {
    return 0;
  }
}

/**
 * The used/limit meters of a namespace: every GPU, CPU and memory key of its ResourceQuotas,
 * hard from `status.hard` (else `spec.hard` before the quota controller has run) and used from
 * `status.used` (0 when absent). Sorted GPU, CPU, memory, then by quota and key.
 */
export function quotaMeters(quotas: readonly ResourceQuotaResource[]): QuotaMeter[] {
  const order = { gpu: 0, cpu: 1, memory: 2 };
  const meters: QuotaMeter[] = [];
  for (const quota of quotas) {
    const hardList: ResourceList = quota.status?.hard ?? quota.spec?.hard ?? {};
    for (const [key, hardText] of Object.entries(hardList)) {
      const kind = kindOfKey(key);
      if (!kind) continue;
      const usedText = quota.status?.used?.[key] ?? '0';
      meters.push({
        quota: quota.metadata.name ?? '',
        key,
        kind,
        hard: quantity(hardText),
        used: quantity(usedText),
        hardText,
        usedText,
      });
    }
  }
  return meters.sort(
    (a, b) =>
      order[a.kind] - order[b.kind] || a.quota.localeCompare(b.quota) || a.key.localeCompare(b.key),
  );
}

/** The `spec.hard` of Raydeck's team quota for `settings` (absent fields: no limit). */
export function teamQuotaHard(settings: SetTeamQuotaRequest): Record<string, string> {
  return {
    ...(settings.gpus !== undefined ? { 'requests.nvidia.com/gpu': String(settings.gpus) } : {}),
    ...(settings.cpu !== undefined ? { 'requests.cpu': settings.cpu } : {}),
    ...(settings.memory !== undefined ? { 'requests.memory': settings.memory } : {}),
  };
}

/** The settings a Raydeck team quota's `spec.hard` holds (inverse of {@link teamQuotaHard}). */
export function teamQuotaSettings(hard: ResourceList | undefined): SetTeamQuotaRequest {
  const gpus = hard?.['requests.nvidia.com/gpu'];
  const cpu = hard?.['requests.cpu'];
  const memory = hard?.['requests.memory'];
  return {
    ...(gpus !== undefined ? { gpus: quantity(gpus) } : {}),
    ...(cpu !== undefined ? { cpu } : {}),
    ...(memory !== undefined ? { memory } : {}),
  };
}
