import { formatQuantity } from '../../../shared/k8s/quantity.ts';
import type { AdmissionPlugin, ObjectApi } from '../../apiserver/objectApi.ts';
import type { KubeObject, ResourceType } from '../../apiserver/resourceType.ts';
import { forbidden } from '../../apiserver/statusError.ts';
import type { RunningController, WorldContext } from '../../world/worldContext.ts';
import { WorkQueue } from '../WorkQueue.ts';
import { type CoreTypes, isPodTerminal, writeStatus } from './coreApi.ts';
import { keyOf, type PodIndex } from './PodIndex.ts';
import {
  amountOf,
  type ContainerLike,
  containerLimits,
  containerRequests,
  isExtendedResource,
  podLimits,
  podRequests,
  type PodSpecLike,
  type ResourceAmounts,
} from './podResources.ts';

/** Compute resources every container must declare when a quota limits them (`validationSet`). */
const validationSet = new Set([
  'cpu',
  'memory',
  'requests.cpu',
  'requests.memory',
  'limits.cpu',
  'limits.memory',
]);

/** Legacy object-count quota names of core kinds (`services: "10"` = `count/services`). */
const legacyCounts: Readonly<Record<string, string>> = {
  services: 'services',
  configmaps: 'configmaps',
  secrets: 'secrets',
  persistentvolumeclaims: 'persistentvolumeclaims',
  replicationcontrollers: 'replicationcontrollers',
  resourcequotas: 'resourcequotas',
};

interface QuotaSpec {
  hard?: Record<string, string | number>;
  scopes?: string[];
  scopeSelector?: {
    matchExpressions?: { scopeName: string; operator: string; values?: string[] }[];
  };
}

/** The unit a quota resource counts in: millicores for CPU names, base units otherwise. */
function quotaAmount(resource: string, quantity: string | number): number {
  const base = resource.replace(/^(requests|limits)\./, '');
  return amountOf(base === 'cpu' ? 'cpu' : base, quantity);
}

/** A quota amount printed as `Quantity.String()` would (CPU `1500m`, memory `3Gi`). */
export function formatQuotaAmount(resource: string, amount: number): string {
  const base = resource.replace(/^(requests|limits)\./, '');
  if (base === 'cpu') return formatQuantity(amount / 1000, 'cpu');
  if (/memory|storage|hugepages-/.test(base)) return formatQuantity(amount, 'memory');
  return formatQuantity(amount, 'count');
}

/** `podComputeUsageHelper`: the quota names a set of requests and limits accounts to. */
function computeUsage(requests: ResourceAmounts, limits: ResourceAmounts): ResourceAmounts {
  const usage: ResourceAmounts = {};
  for (const resource of ['cpu', 'memory', 'ephemeral-storage']) {
    const request = requests[resource];
    if (request !== undefined) {
      usage[resource] = request;
      usage[`requests.${resource}`] = request;
    }
    const limit = limits[resource];
    if (limit !== undefined) usage[`limits.${resource}`] = limit;
  }
  for (const [resource, amount] of Object.entries(requests)) {
    if (resource.startsWith('hugepages-')) {
      usage[resource] = amount;
      usage[`requests.${resource}`] = amount;
    } else if (isExtendedResource(resource)) {
      usage[`requests.${resource}`] = amount;
    }
  }
  return usage;
}

/**
 * A pod's quota usage (`PodUsageFunc`): `count/pods` always; `pods` and compute resources only
 * while the pod is not terminal (Succeeded/Failed pods stop counting).
 */
export function podQuotaUsage(pod: KubeObject): ResourceAmounts {
  const usage: ResourceAmounts = { 'count/pods': 1 };
  if (isPodTerminal(pod)) return usage;
  const spec = (pod['spec'] ?? {}) as PodSpecLike;
  return { ...usage, pods: 1, ...computeUsage(podRequests(spec), podLimits(spec)) };
}

/**
 * Quota usage of pods per namespace, kept incrementally from the pod index so admission and
 * the quota controller never rescan a namespace. Only namespaces with a ResourceQuota are
 * tracked; a namespace's pods are counted once when its first quota appears.
 */
export class PodQuotaUsage {
  private readonly perPod = new Map<
    string,
    { namespace: string; usage: ResourceAmounts; spec: unknown; terminal: boolean }
  >();
  private readonly perNamespace = new Map<string, ResourceAmounts>();
  private readonly tracked = new Set<string>();
  private readonly unsubscribes: (() => void)[];

  constructor(api: ObjectApi, pods: PodIndex, onChange: (namespace: string) => void) {
    const track = (namespace: string) => {
      if (this.tracked.has(namespace)) return;
      this.tracked.add(namespace);
      for (const record of api.store.list('/pods', namespace)) {
        this.apply(keyOf(record.object), record.object);
      }
    };
    for (const record of api.store.list('/resourcequotas')) {
      track(record.object.metadata?.namespace ?? '');
    }
    this.unsubscribes = [
      api.store.subscribe('/resourcequotas', (event) => {
        const namespace = event.record.object.metadata?.namespace ?? '';
        if (event.type !== 'DELETED') track(namespace);
        else if (api.store.list('/resourcequotas', namespace).length === 0) {
          this.tracked.delete(namespace);
          this.perNamespace.delete(namespace);
          for (const [key, entry] of this.perPod) {
            if (entry.namespace === namespace) this.perPod.delete(key);
          }
        }
      }),
      pods.onChange((change) => {
        const namespace = change.pod.metadata?.namespace ?? '';
        if (!this.tracked.has(namespace)) return;
        this.apply(keyOf(change.pod), change.type === 'DELETED' ? undefined : change.pod);
        onChange(namespace);
      }),
    ];
  }

  /** Current totals of a namespace (do not modify). */
  of(namespace: string): Readonly<ResourceAmounts> {
    return this.perNamespace.get(namespace) ?? {};
  }

  stop(): void {
    for (const unsubscribe of this.unsubscribes) unsubscribe();
  }

  private apply(key: string, pod: KubeObject | undefined): void {
    const before = this.perPod.get(key);
    // Status writes that keep the spec and the terminal state change no usage.
    if (before && pod && before.spec === pod['spec'] && before.terminal === isPodTerminal(pod))
      return;
    if (before) this.add(before.namespace, before.usage, -1);
    if (!pod) {
      this.perPod.delete(key);
      return;
    }
    const entry = {
      namespace: pod.metadata?.namespace ?? '',
      usage: podQuotaUsage(pod),
      spec: pod['spec'],
      terminal: isPodTerminal(pod),
    };
    this.perPod.set(key, entry);
    this.add(entry.namespace, entry.usage, 1);
  }

  private add(namespace: string, usage: ResourceAmounts, sign: 1 | -1): void {
    let totals = this.perNamespace.get(namespace);
    if (!totals) {
      totals = {};
      this.perNamespace.set(namespace, totals);
    }
    for (const [resource, amount] of Object.entries(usage)) {
      totals[resource] = (totals[resource] ?? 0) + sign * amount;
    }
  }
}

/** The served type counted by `count/<plural>[.<group>]` or a legacy core name. */
function countedType(api: ObjectApi, resource: string): ResourceType | undefined {
  const legacy = legacyCounts[resource];
  const name =
    legacy ?? (resource.startsWith('count/') ? resource.slice('count/'.length) : undefined);
  if (!name) return undefined;
  const dot = name.indexOf('.');
  const plural = dot < 0 ? name : name.slice(0, dot);
  const group = dot < 0 ? '' : name.slice(dot + 1);
  return api.registry
    .all()
    .find((type) => type.plural === plural && type.group === group && !type.converter);
}

function isPodResource(resource: string): boolean {
  if (resource === 'pods' || resource === 'count/pods') return true;
  if (['cpu', 'memory', 'ephemeral-storage'].includes(resource)) return true;
  if (resource.startsWith('hugepages-')) return true;
  return resource.startsWith('requests.') || resource.startsWith('limits.');
}

/** Whether a pod falls under a quota's scopes (Terminating, BestEffort, PriorityClass, …). */
function podMatchesScopes(pod: KubeObject, quota: QuotaSpec): boolean {
  const spec = (pod['spec'] ?? {}) as {
    activeDeadlineSeconds?: number;
    priorityClassName?: string;
  };
  const qos = (pod['status'] as { qosClass?: string } | undefined)?.qosClass;
  const checks: { scopeName: string; operator: string; values?: string[] }[] = [
    ...(quota.scopes ?? []).map((scopeName) => ({ scopeName, operator: 'Exists' })),
    ...(quota.scopeSelector?.matchExpressions ?? []),
  ];
  return checks.every((check) => {
    switch (check.scopeName) {
      case 'Terminating':
        return spec.activeDeadlineSeconds !== undefined;
      case 'NotTerminating':
        return spec.activeDeadlineSeconds === undefined;
      case 'BestEffort':
        return qos === 'BestEffort';
      case 'NotBestEffort':
        return qos !== 'BestEffort';
      case 'PriorityClass': {
        const value = spec.priorityClassName;
        const values = check.values ?? [];
        if (check.operator === 'In') return value !== undefined && values.includes(value);
        if (check.operator === 'NotIn') return value === undefined || !values.includes(value);
        if (check.operator === 'DoesNotExist') return !value;
        return Boolean(value);
      }
      default:
        return true;
    }
  });
}

function prettyPrint(amounts: ResourceAmounts, keys: readonly string[]): string {
  return keys.map((key) => `${key}=${formatQuotaAmount(key, amounts[key] ?? 0)}`).join(',');
}

/** `must specify …` when a quota limits CPU or memory and a container does not declare it. */
function missingDeclarations(spec: PodSpecLike, hardKeys: readonly string[]): string[] {
  const required = hardKeys.filter((key) => validationSet.has(key));
  if (required.length === 0) return [];
  const missing = new Set<string>();
  const containers: ContainerLike[] = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
  for (const container of containers) {
    const usage = computeUsage(containerRequests(container), containerLimits(container));
    for (const key of required) if (usage[key] === undefined) missing.add(key);
  }
  return [...missing].sort();
}

/**
 * The ResourceQuota admission plugin on create: for each quota of the namespace (by name), a
 * pod must declare CPU/memory when the quota limits them, and its usage added to the current
 * usage must stay within `spec.hard`, else 403 with Kubernetes' message, e.g. `pods "x" is
 * forbidden: exceeded quota: team-b-quota, requested: requests.nvidia.com/gpu=1, used:
 * requests.nvidia.com/gpu=2, limited: requests.nvidia.com/gpu=2`. Object-count quotas
 * (`count/services`, `services`, …) apply to every kind. Usage comes from stored objects only,
 * so dry-run creates never count; admission is synchronous, so concurrent creates cannot
 * overshoot.
 * @see https://kubernetes.io/docs/concepts/policy/resource-quotas/
 */
export function resourceQuotaAdmission(api: ObjectApi, usage: PodQuotaUsage): AdmissionPlugin {
  return (request) => {
    if (request.operation !== 'CREATE' || request.subresource || !request.type.namespaced) {
      return undefined;
    }
    const { type, object } = request;
    const namespace = object.metadata?.namespace ?? '';
    const quotas = api.store.list('/resourcequotas', namespace);
    if (quotas.length === 0) return undefined;
    const isPod = type.group === '' && type.kind === 'Pod';
    const name = object.metadata?.name ?? '';
    const target = { group: type.group, resource: type.plural, name };
    const prefix = `${type.group ? `${type.plural}.${type.group}` : type.plural} "${name}" is forbidden`;
    for (const record of quotas) {
      const quota = record.object;
      const quotaName = quota.metadata?.name ?? '';
      const spec = (quota['spec'] ?? {}) as QuotaSpec;
      const hard: ResourceAmounts = {};
      for (const [key, value] of Object.entries(spec.hard ?? {}))
        hard[key] = quotaAmount(key, value);
      const requested: ResourceAmounts = {};
      const used: ResourceAmounts = {};
      if (isPod) {
        if (!podMatchesScopes(object, spec)) continue;
        const podKeys = Object.keys(hard).filter(isPodResource);
        const missing = missingDeclarations((object['spec'] ?? {}) as PodSpecLike, podKeys);
        if (missing.length > 0) {
          throw forbidden(
            target,
            `${prefix}: failed quota: ${quotaName}: must specify ${missing.join(',')}`,
          );
        }
        const podUsage = podQuotaUsage(object);
        const current = usage.of(namespace);
        for (const key of podKeys) {
          if (podUsage[key] === undefined) continue;
          requested[key] = podUsage[key];
          used[key] = current[key] ?? 0;
        }
      }
      for (const key of Object.keys(hard)) {
        if (isPod && isPodResource(key)) continue;
        const counted = countedType(api, key);
        if (!counted || counted.storageKey !== type.storageKey) continue;
        requested[key] = 1;
        used[key] = api.store.list(counted.storageKey, namespace).length;
      }
      const exceeded = Object.keys(requested)
        .filter((key) => (used[key] ?? 0) + (requested[key] ?? 0) > (hard[key] ?? 0))
        .sort();
      if (exceeded.length > 0) {
        throw forbidden(
          target,
          `${prefix}: exceeded quota: ${quotaName}, requested: ${prettyPrint(requested, exceeded)}, used: ${prettyPrint(used, exceeded)}, limited: ${prettyPrint(hard, exceeded)}`,
        );
      }
    }
    return undefined;
  };
}

/**
 * The resource quota controller: keeps each quota's `status.hard` (the spec, canonical) and
 * `status.used` (every hard resource, pods from the incremental usage, other kinds counted)
 * current as pods and objects come and go.
 */
export function startResourceQuotaController(
  context: WorldContext,
  types: CoreTypes,
  usage: PodQuotaUsage,
): RunningController & { enqueue: (namespace: string) => void } {
  const { api } = context;
  const withQuota = new Set<string>();
  for (const record of api.store.list('/resourcequotas'))
    withQuota.add(record.object.metadata?.namespace ?? '');
  const queue = new WorkQueue({
    name: 'resourcequota-controller',
    clock: context.clock,
    reconcile: (namespace) => {
      const quotas = api.store.list('/resourcequotas', namespace);
      if (quotas.length === 0) withQuota.delete(namespace);
      const pods = usage.of(namespace);
      for (const record of quotas) {
        const quota = record.object;
        const spec = (quota['spec'] ?? {}) as QuotaSpec;
        const hard: Record<string, string> = {};
        const used: Record<string, string> = {};
        for (const [key, value] of Object.entries(spec.hard ?? {})) {
          hard[key] = formatQuotaAmount(key, quotaAmount(key, value));
          const counted = isPodResource(key) ? undefined : countedType(api, key);
          const amount = isPodResource(key)
            ? (pods[key] ?? 0)
            : counted
              ? api.store.list(counted.storageKey, namespace).length
              : 0;
          used[key] = formatQuotaAmount(key, Math.max(0, amount));
        }
        const status = { hard, used };
        const current = quota['status'] as { hard?: unknown; used?: unknown } | undefined;
        if (JSON.stringify(current) === JSON.stringify(status)) continue;
        writeStatus(
          api,
          types.resourceQuotas,
          namespace,
          quota.metadata?.name ?? '',
          status,
          quota.metadata?.uid,
        );
      }
    },
  });
  for (const namespace of withQuota) queue.add(namespace);
  const unsubscribe = api.store.subscribeAll((event) => {
    const namespace = event.record.object.metadata?.namespace;
    if (!namespace) return;
    if (event.storageKey === '/resourcequotas') {
      withQuota.add(namespace);
      if (
        event.type !== 'MODIFIED' ||
        event.previous?.object['spec'] !== event.record.object['spec']
      ) {
        queue.add(namespace);
      }
      return;
    }
    if (event.storageKey === '/pods' || event.storageKey === 'events') return;
    if (event.type !== 'MODIFIED' && withQuota.has(namespace)) queue.add(namespace);
  });
  return {
    enqueue: (namespace) => {
      if (withQuota.has(namespace)) queue.add(namespace);
    },
    stop: () => {
      unsubscribe();
      queue.stop();
    },
  };
}
