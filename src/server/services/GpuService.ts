import type { CreateClusterRequest } from '../../shared/api/clusterSchemas.ts';
import {
  kubeRayApiServerUnavailableReason,
  notAvailableThroughKubeRayApiServer,
} from '../../shared/api/notAvailableThroughKubeRayApiServer.ts';
import type { Template, TemplateAvailability } from '../../shared/api/templateSchemas.ts';
import { clusterGpuDemand } from '../../shared/ray/clusterGpuDemand.ts';
import { fitsNow } from '../../shared/ray/fitsNow.ts';
import { type GpuInventory, gpuInventory } from '../../shared/ray/gpuInventory.ts';
import { gpuQuotaHeadroom } from '../../shared/ray/gpuQuotaHeadroom.ts';
import type { KubeCache } from '../k8s/KubeCache.ts';
import { buildRayCluster } from './buildRayCluster.ts';
import { ServiceError } from './serviceErrors.ts';

/**
 * "Can I get it, and when": the GPU inventory by node and product (who holds what), and for a
 * template and team whether its GPUs fit now, counting free GPUs and the team's quota headroom.
 */
export class GpuService {
  private readonly cache: KubeCache;

  constructor(cache: KubeCache) {
    this.cache = cache;
  }

  /**
   * 409 `NotAvailableThroughKubeRayApiServer` when the cache cannot hold `kinds` (the portal
   * reaches Kubernetes through a KubeRay APIServer): an honest "not here", not an empty answer.
   */
  private requireKinds(
    feature: string,
    kinds: readonly ('Node' | 'Pod' | 'ResourceQuota')[],
  ): void {
    if (kinds.every((kind) => this.cache.serves(kind))) return;
    throw new ServiceError(
      409,
      kubeRayApiServerUnavailableReason,
      notAvailableThroughKubeRayApiServer(feature),
    );
  }

  inventory(): GpuInventory {
    this.requireKinds('The GPU inventory', ['Node', 'Pod']);
    return gpuInventory({
      nodes: this.cache.list('Node'),
      pods: this.cache.list('Pod'),
    });
  }

  /** Whether a cluster of `template` with its default shape would get its GPUs in `team` now. */
  availability(template: Template, team: string): TemplateAvailability {
    this.requireKinds('Whether a template fits now', ['Node', 'Pod', 'ResourceQuota']);
    const request: CreateClusterRequest = { name: 'probe', team, template: template.name };
    const demand = clusterGpuDemand(buildRayCluster(request, template, 'probe'));
    const inventory = this.inventory();
    const quotas = this.cache
      .list('ResourceQuota')
      .filter((quota) => quota.metadata.namespace === team);
    const headroom = gpuQuotaHeadroom(quotas);
    const result = fitsNow({ demand, inventory, quotaHeadroom: headroom.free });
    const resource = template.worker.gpuResource ?? 'nvidia.com/gpu';
    const freeGpus = inventory.nodes
      .filter(
        (node) =>
          node.resource === resource &&
          (!template.worker.gpuProduct || node.product === template.worker.gpuProduct),
      )
      .reduce((sum, node) => sum + node.free, 0);
    const quota = headroom.free[resource];
    return {
      template: template.name,
      team,
      fits: result.fits,
      freeGpus,
      ...(quota !== undefined ? { quotaHeadroom: quota } : {}),
      message:
        demand.total === 0
          ? 'CPU only: no GPUs needed.'
          : result.fits
            ? `Fits now: ${demand.total} GPU${demand.total === 1 ? '' : 's'} wanted, ${freeGpus} free.`
            : result.reasons.join(' '),
    };
  }
}
