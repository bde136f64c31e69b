import { type Static, Type } from 'typebox';

import { TeamName } from './adminSchemas.ts';

/** Name of the ResourceQuota Raydeck creates and updates in each team namespace. */
export const teamQuotaName = 'raydeck-team-quota';

/**
 * A Kubernetes quantity as admins type it for CPU or memory: a plain decimal with an optional
 * SI or binary suffix (`8`, `500m`, `64Gi`, `1.5T`). An allow-list: signs, exponents and
 * spaces are refused even though Kubernetes would read some of them.
 */
export const QuotaQuantity = Type.String({
  minLength: 1,
  maxLength: 24,
  pattern: '^[0-9]{1,15}(\\.[0-9]{1,6})?(m|k|M|G|T|P|Ki|Mi|Gi|Ti|Pi)?$',
});

/**
 * Body of `PUT /api/v1/admin/teams/:name/quota`: the team's whole quota (fields left out have
 * no limit). `gpus` becomes `requests.nvidia.com/gpu`, `cpu` `requests.cpu`, `memory`
 * `requests.memory` in the ResourceQuota {@link teamQuotaName}.
 */
export const SetTeamQuotaRequest = Type.Object(
  {
    /** Whole GPUs (`nvidia.com/gpu`) the team's pods may request together. */
    gpus: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
    /** CPU cores, e.g. `64` or `500m`. */
    cpu: Type.Optional(QuotaQuantity),
    /** Memory, e.g. `256Gi`. */
    memory: Type.Optional(QuotaQuantity),
  },
  { $id: 'SetTeamQuotaRequest', additionalProperties: false },
);
export type SetTeamQuotaRequest = Static<typeof SetTeamQuotaRequest>;

/** One used/limit meter of a team: one key of one ResourceQuota in its namespace. */
export const QuotaMeter = Type.Object(
  {
    /** ResourceQuota name (Raydeck's own is {@link teamQuotaName}; others are shown too). */
    quota: Type.String(),
    /** Quota key, e.g. `requests.nvidia.com/gpu`, `requests.cpu`, `limits.memory`. */
    key: Type.String(),
    kind: Type.Union([Type.Literal('gpu'), Type.Literal('cpu'), Type.Literal('memory')]),
    /** In base units: GPUs, cores, bytes. */
    hard: Type.Number(),
    used: Type.Number(),
    /** As Kubernetes writes them, e.g. `64Gi`. */
    hardText: Type.String(),
    usedText: Type.String(),
  },
  { additionalProperties: false },
);
export type QuotaMeter = Static<typeof QuotaMeter>;

/** Body of `GET /api/v1/teams/:name/quota`: the team's meters and Raydeck's own settings. */
export const TeamQuota = Type.Object(
  {
    team: TeamName,
    /** What Raydeck's ResourceQuota sets; absent when Raydeck has set none. */
    settings: Type.Optional(SetTeamQuotaRequest),
    /** Every GPU, CPU and memory key of every ResourceQuota in the namespace. */
    meters: Type.Array(QuotaMeter),
  },
  { $id: 'TeamQuota', additionalProperties: false },
);
export type TeamQuota = Static<typeof TeamQuota>;
