import { type Static, Type } from 'typebox';

import { ClusterSummary } from './clusterSchemas.ts';

/** Data of `hello`, sent first on every stream: the stream is live; refetch lists once. */
export const HelloEvent = Type.Object(
  {
    /** ISO 8601 UTC time the stream opened. */
    connectedAt: Type.String(),
  },
  { additionalProperties: false },
);

/** Data of `cluster`: a cluster row changed or appeared (`upsert`) or went away (`delete`). */
export const ClusterEvent = Type.Object(
  {
    type: Type.Union([Type.Literal('upsert'), Type.Literal('delete')]),
    summary: ClusterSummary,
  },
  { additionalProperties: false },
);

/**
 * Data of `inventory` (nodes or GPU holdings changed; refetch `/api/v1/gpus`) and `templates`
 * (templates changed; refetch `/api/v1/templates`). Each is sent at most once a second.
 */
export const ChangedEvent = Type.Object(
  {
    /** ISO 8601 UTC time the change was noticed. */
    changedAt: Type.String(),
  },
  { additionalProperties: false },
);

/**
 * Data of `connection`: the health of the portal's connection to Kubernetes. Sent right after
 * `hello` with the current state, then on every change. `degraded` means at least one informer
 * of the watch-fed cache has failed to list or watch for longer than the portal's grace time (10 s
 * by default), so what pages show may be stale; `ok` means every informer is listing and watching.
 */
export const ConnectionEvent = Type.Object(
  {
    state: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
    /** ISO 8601 UTC time this state began (for `degraded`: when the first informer failed). */
    since: Type.String(),
    /** One plain-English sentence, e.g. `Kubernetes API unreachable: pods (connect ECONNREFUSED)`. */
    message: Type.String(),
    /** Names of the failing informers, e.g. `pods`; empty when `ok`. */
    informers: Type.Array(Type.String()),
  },
  { additionalProperties: false },
);
export type ConnectionEvent = Static<typeof ConnectionEvent>;

/**
 * Every event of the live stream `GET /api/v1/stream` (Server-Sent Events): the SSE `event:` name
 * and the schema of its JSON `data:`. The OpenAPI document lists them; a test checks that the
 * server emits each one.
 */
export const StreamEventSchemas = {
  hello: HelloEvent,
  cluster: ClusterEvent,
  inventory: ChangedEvent,
  templates: ChangedEvent,
  connection: ConnectionEvent,
} as const;

/** The `data:` shape of each stream event, by event name. */
export type StreamEvents = {
  [K in keyof typeof StreamEventSchemas]: Static<(typeof StreamEventSchemas)[K]>;
};

/** Names of the stream's events. */
export type StreamEventName = keyof StreamEvents;

/** The event names, for clients that subscribe to each (`streamSchemas.test.ts`: all of them). */
export const streamEventNames: readonly StreamEventName[] = [
  'hello',
  'cluster',
  'inventory',
  'templates',
  'connection',
];
