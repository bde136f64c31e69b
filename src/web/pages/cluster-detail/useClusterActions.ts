import { useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';

import type { ClusterDetail } from '../../../shared/api/clusterSchemas.ts';
import { useApiClient } from '../../hooks/useApiClient.ts';
import { clusterDetailKey } from '../../hooks/useCluster.ts';
import { applyClusterChange, clusterListsKey } from '../../hooks/useClusterList.ts';

/** What the detail page can do to a cluster; each call rejects with the server's `ApiError`. */
export interface ClusterActions {
  /** Sets a worker group's replicas (`POST …/scale`). */
  scale: (group: string, replicas: number) => Promise<void>;
  suspend: () => Promise<void>;
  resume: () => Promise<void>;
  /** Deletes the cluster and drops its row from the cached list. */
  remove: () => Promise<void>;
}

/**
 * The cluster page's actions on `team/name`. After a change the detail is refetched at once
 * (the stream follows up as Kubernetes acts); a delete also removes the row from the cached
 * list, so going back to /clusters never shows it.
 */
export function useClusterActions(team: string, name: string): ClusterActions {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMemo(() => {
    const key = clusterDetailKey(team, name);
    const refresh = () => queryClient.invalidateQueries({ queryKey: key, exact: true });
    return {
      scale: async (group, replicas) => {
        await client.scaleCluster(team, name, { group, replicas });
        await refresh();
      },
      suspend: async () => {
        await client.suspendCluster(team, name);
        await refresh();
      },
      resume: async () => {
        await client.resumeCluster(team, name);
        await refresh();
      },
      remove: async () => {
        const summary = queryClient.getQueryData<ClusterDetail>(key)?.summary;
        await client.deleteCluster(team, name);
        if (summary) {
          queryClient.setQueriesData<Parameters<typeof applyClusterChange>[0]>(
            { queryKey: clusterListsKey },
            (data) => (data ? applyClusterChange(data, { type: 'delete', summary }) : data),
          );
        }
      },
    };
  }, [client, queryClient, team, name]);
}
