import {
  kubeRayApiServerUnavailableReason,
  notAvailableThroughKubeRayApiServer,
} from '../../shared/api/notAvailableThroughKubeRayApiServer.ts';
import {
  type SetTeamQuotaRequest,
  type TeamQuota,
  teamQuotaName,
} from '../../shared/api/quotaSchemas.ts';
import type { ResourceQuotaResource } from '../../shared/k8s/kubeTypes.ts';
import { parseQuantity, QuantityError } from '../../shared/k8s/quantity.ts';
import { quotaMeters, teamQuotaHard, teamQuotaSettings } from '../../shared/ray/quotaMeters.ts';
import type { KubeCache } from '../k8s/KubeCache.ts';
import type { KubeClient } from '../k8s/KubeClient.ts';
import { RaydeckLabel, raydeckManager } from './raydeckLabels.ts';
import { kubeOperation, ServiceError, validationFailed } from './serviceErrors.ts';

/**
 * Team quotas without Kueue: Raydeck's ResourceQuota `raydeck-team-quota` in each team
 * namespace (GPUs as `requests.nvidia.com/gpu`, CPU, memory), which Kubernetes enforces at pod
 * admission, and the used/limit meters of every quota in the namespace, from the watch cache.
 */
export class QuotaService {
  private readonly cache: KubeCache;
  private readonly client: KubeClient;

  constructor(options: { cache: KubeCache; client: KubeClient }) {
    this.cache = options.cache;
    this.client = options.client;
  }

  private requireQuotas(feature: string): void {
    if (this.cache.serves('ResourceQuota')) return;
    throw new ServiceError(
      409,
      kubeRayApiServerUnavailableReason,
      notAvailableThroughKubeRayApiServer(feature),
    );
  }

  private quotasOf(team: string): ResourceQuotaResource[] {
    return this.cache.list('ResourceQuota').filter((quota) => quota.metadata.namespace === team);
  }

  /** The team's meters, and Raydeck's settings when its quota exists. */
  get(team: string): TeamQuota {
    this.requireQuotas("A team's quota");
    const quotas = this.quotasOf(team);
    const own = quotas.find((quota) => quota.metadata.name === teamQuotaName);
    return {
      team,
      ...(own ? { settings: teamQuotaSettings(own.spec?.hard) } : {}),
      meters: quotaMeters(quotas),
    };
  }

  /**
   * Creates or replaces Raydeck's quota in `team` (creating the namespace when missing). The
   * replace carries the cached resourceVersion, so a concurrent change is a 409, not lost.
   */
  async set(team: string, settings: SetTeamQuotaRequest): Promise<TeamQuota> {
    this.requireQuotas("Setting a team's quota");
    const fields = (['cpu', 'memory'] as const).flatMap((field) => {
      const text = settings[field];
      if (text === undefined) return [];
      try {
        parseQuantity(text);
        return [];
      } catch (error) {
        if (!(error instanceof QuantityError)) throw error;
        return [{ path: `body.${field}`, message: error.message }];
      }
    });
    if (fields.length > 0) throw validationFailed(fields);
    const existing = this.cache.get('ResourceQuota', team, teamQuotaName);
    const body: ResourceQuotaResource = {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: {
        name: teamQuotaName,
        namespace: team,
        labels: { ...existing?.metadata.labels, [RaydeckLabel.managedBy]: raydeckManager },
        ...(existing?.metadata.resourceVersion
          ? { resourceVersion: existing.metadata.resourceVersion }
          : {}),
      },
      spec: { hard: teamQuotaHard(settings) },
    };
    const stored = existing
      ? await kubeOperation(() => this.client.replaceResourceQuota(team, teamQuotaName, body))
      : await kubeOperation(async () => {
          await this.client.ensureNamespace(team);
          return this.client.createResourceQuota(team, body);
        });
    // The watch brings the quota's status later; answer with what was stored, the other
    // quotas of the namespace as cached.
    const others = this.quotasOf(team).filter((quota) => quota.metadata.name !== teamQuotaName);
    return {
      team,
      settings: teamQuotaSettings(stored.spec?.hard),
      meters: quotaMeters([...others, stored]),
    };
  }
}
