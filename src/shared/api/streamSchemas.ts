import type { ClusterSummary } from './clusterSchemas.ts';

/**
 * Events of the live stream `GET /api/v1/stream` (Server-Sent Events). Each SSE `event:` name
 * carries the JSON `data:` shape below.
 */
export interface StreamEvents {
  /** Sent first: the stream is live; refetch lists once to close any gap. */
  hello: { connectedAt: string };
  /** A cluster row changed or appeared (`upsert`) or went away (`delete`). */
  cluster: { type: 'upsert' | 'delete'; summary: ClusterSummary };
  /** Nodes or GPU holdings changed; refetch `/api/v1/gpus` (at most once a second). */
  inventory: { changedAt: string };
  /** Templates changed; refetch `/api/v1/templates`. */
  templates: { changedAt: string };
  /** Cluster connection health changed (informers synced or stale). */
  connection: { healthy: boolean; message: string };
}

/** Names of the stream's events. */
export type StreamEventName = keyof StreamEvents;
