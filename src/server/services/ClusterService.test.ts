import { describe, expect, it } from 'vitest';

import { loadFixture } from '../../../test/fixtures/loadFixture.ts';
import type { AuthenticatedUser } from '../auth/authorize.ts';
import type { KubeCache } from '../k8s/KubeCache.ts';
import type { KubeClient } from '../k8s/KubeClient.ts';
import type { ClusterIndex } from './ClusterIndex.ts';
import { ClusterService } from './ClusterService.ts';
import { ServiceError } from './serviceErrors.ts';
import type { TemplateService } from './TemplateService.ts';

const alice = {
  username: 'alice',
  role: 'member',
  teams: ['team-a'],
} as unknown as AuthenticatedUser;

/** A cache that has seen nothing yet, and a client that GETs `stored` (or 404s). */
function serviceWith(stored: unknown) {
  const gets: string[] = [];
  const cache = {
    get: () => undefined,
    list: () => [],
    podsOfCluster: () => [],
    serves: () => true,
  } as unknown as KubeCache;
  const client = {
    getRayObject: async (_plural: string, namespace: string, name: string) => {
      gets.push(`${namespace}/${name}`);
      if (stored) return structuredClone(stored);
      throw new ServiceError(404, 'NotFound', `rayclusters "${name}" not found`);
    },
  } as unknown as KubeClient;
  const service = new ClusterService({
    cache,
    client,
    index: {} as ClusterIndex,
    templates: {} as TemplateService,
  });
  return { service, gets };
}

describe('ClusterService.detail right after a create', () => {
  it('reads a cluster the cache has not seen yet from the API', async () => {
    const { cluster } = loadFixture('raycluster-ready');
    const { service, gets } = serviceWith(cluster);
    const detail = await service.detail(alice, 'team-a', 'rtx-dev');
    expect(detail.summary.name).toBe('rtx-dev');
    expect(gets).toContain('team-a/rtx-dev');
  });

  it('still answers 404 for a missing cluster, and for another team without asking', async () => {
    const { service, gets } = serviceWith(undefined);
    await expect(service.detail(alice, 'team-a', 'nope')).rejects.toMatchObject({
      statusCode: 404,
    });
    await expect(service.detail(alice, 'team-b', 'x')).rejects.toMatchObject({ statusCode: 404 });
    expect(gets).toEqual(['team-a/nope']);
  });
});
