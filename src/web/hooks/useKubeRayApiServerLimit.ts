import { useQuery } from '@tanstack/react-query';

import { useApiClient } from './useApiClient.ts';

/**
 * The sentence of `GET /api/v1/about`'s `connection.unavailable` when the portal reaches
 * Kubernetes through a KubeRay APIServer v2 (no pods, nodes or quotas), else undefined. Shares
 * the header's `about` query, so it costs no extra request.
 */
export function useKubeRayApiServerLimit(): string | undefined {
  const client = useApiClient();
  const about = useQuery({ queryKey: ['about'], queryFn: () => client.about(), retry: false });
  return about.data?.connection.unavailable?.reason;
}
