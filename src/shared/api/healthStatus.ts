import { type Static, Type } from 'typebox';

/** Body of `GET /healthz`: the process is alive and serving HTTP. */
export const LivenessStatus = Type.Object(
  { status: Type.Literal('ok') },
  { $id: 'LivenessStatus', additionalProperties: false },
);
export type LivenessStatus = Static<typeof LivenessStatus>;

/**
 * Body of `GET /readyz`. `ready` is true when every check passes; each check names one
 * dependency (later: informer sync, store) with its own verdict and a human reason.
 */
export const ReadinessStatus = Type.Object(
  {
    ready: Type.Boolean(),
    checks: Type.Array(
      Type.Object(
        { name: Type.String(), ready: Type.Boolean(), reason: Type.Optional(Type.String()) },
        { additionalProperties: false },
      ),
    ),
  },
  { $id: 'ReadinessStatus', additionalProperties: false },
);
export type ReadinessStatus = Static<typeof ReadinessStatus>;
