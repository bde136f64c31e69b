import { type Static, Type } from 'typebox';

/** Health of one informer of the portal's watch-fed cache. */
export const InformerHealth = Type.Object(
  {
    /** e.g. `rayclusters`, `pods/team-a`. */
    name: Type.String(),
    /** True once the informer has listed once; stays true across reconnects. */
    synced: Type.Boolean(),
    /** Whole seconds since the last list, event or bookmark; -1 before the first. */
    idleSeconds: Type.Number(),
    objects: Type.Integer(),
    /** The last error while the informer is retrying; absent once it has recovered. */
    lastError: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type InformerHealth = Static<typeof InformerHealth>;

/** Body of `GET /api/v1/about`: the cluster connection, versions and informer health. */
export const AboutInfo = Type.Object(
  {
    /** Raydeck's package version. */
    version: Type.String(),
    /** Node.js version of the server process. */
    node: Type.String(),
    connection: Type.Object(
      {
        /**
         * Where the Kubernetes connection came from: kubeconfig, in-cluster, sandbox, or
         * apiserver-v2 (through a KubeRay APIServer v2, `--apiserver-url`).
         */
        source: Type.String(),
        /** The API server URL. */
        server: Type.String(),
        context: Type.String(),
        /** True when connected to the embedded sandbox. */
        sandbox: Type.Boolean(),
        /**
         * Present when the connection cannot serve pods, nodes and quotas (a KubeRay APIServer
         * v2): the GPU inventory, fit-now and the why-pending card show `reason` instead.
         */
        unavailable: Type.Optional(
          Type.Object({ reason: Type.String() }, { additionalProperties: false }),
        ),
      },
      { additionalProperties: false },
    ),
    informers: Type.Array(InformerHealth),
    /** RayClusters in the cache. */
    clusters: Type.Integer(),
  },
  { $id: 'AboutInfo', additionalProperties: false },
);
export type AboutInfo = Static<typeof AboutInfo>;
