import { type Static, Type } from 'typebox';

import { TeamName } from './adminSchemas.ts';

/**
 * Wire schemas of GPU-hours (`GET /api/v1/usage`, `GET /api/v1/usage.csv`). Usage is metered by
 * the portal from GPU pods' running intervals (src/server/services/UsageMeter.ts); a GPU-hour is
 * one GPU allocated to a running pod for one hour. Days are UTC calendar days.
 */

/** A UTC calendar day, `YYYY-MM-DD`. */
export const UsageDay = Type.String({
  pattern: '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$',
  description: 'A UTC calendar day, YYYY-MM-DD.',
});

/** The longest range one report covers, in days (a year and a day). */
export const maxUsageRangeDays = 366;

/** Query of a usage report: `from`..`to` inclusive, optionally one team. */
export const UsageQuery = Type.Object(
  {
    /** First day (UTC); default 6 days before `to`. */
    from: Type.Optional(UsageDay),
    /** Last day (UTC), included; default today. */
    to: Type.Optional(UsageDay),
    team: Type.Optional(TeamName),
  },
  { additionalProperties: false },
);
export type UsageQuery = Static<typeof UsageQuery>;

/** GPU-hours and the part of them allocated while the cluster was idle. */
const hours = {
  gpuHours: Type.Number({ minimum: 0, description: 'GPU-hours allocated to running pods.' }),
  idleGpuHours: Type.Number({
    minimum: 0,
    description: 'Of those, GPU-hours while the cluster ran no Ray job and no Serve app.',
  }),
};

/** One team's GPU-hours on one day (the stacked chart). */
export const UsageDayRow = Type.Object(
  { day: UsageDay, team: Type.String(), ...hours },
  { additionalProperties: false },
);
export type UsageDayRow = Static<typeof UsageDayRow>;

/** One user's GPU-hours over the range (the user is the cluster's `raydeck.dev/owner`). */
export const UsageUserRow = Type.Object(
  { user: Type.String(), ...hours },
  { additionalProperties: false },
);
export type UsageUserRow = Static<typeof UsageUserRow>;

/** One cluster's GPU-hours over the range. */
export const UsageClusterRow = Type.Object(
  {
    team: Type.String(),
    cluster: Type.String(),
    user: Type.String(),
    template: Type.String(),
    gpuProduct: Type.String(),
    ...hours,
  },
  { additionalProperties: false },
);
export type UsageClusterRow = Static<typeof UsageClusterRow>;

/** GPU-hours per GPU product over the range. */
export const UsageProductRow = Type.Object(
  { gpuProduct: Type.String(), ...hours },
  { additionalProperties: false },
);
export type UsageProductRow = Static<typeof UsageProductRow>;

/** A usage report over a range of days, for the teams the caller may see. */
export const UsageReport = Type.Object(
  {
    from: UsageDay,
    to: UsageDay,
    /** The teams covered: the asked team, or all the caller may see (`*` for admins). */
    teams: Type.Union([Type.Literal('*'), Type.Array(Type.String())]),
    totals: Type.Object(hours, { additionalProperties: false }),
    days: Type.Array(UsageDayRow),
    /** Highest GPU-hours first. */
    users: Type.Array(UsageUserRow),
    /** Highest GPU-hours first. */
    clusters: Type.Array(UsageClusterRow),
    products: Type.Array(UsageProductRow),
    /** How "idle" was decided, in words (the signal may be coarser than the idle policy's). */
    idleSignal: Type.String(),
  },
  { additionalProperties: false },
);
export type UsageReport = Static<typeof UsageReport>;

/** Columns of the CSV export, one row per day, team, user, cluster, template and GPU product. */
export const usageCsvColumns = [
  'day',
  'team',
  'user',
  'cluster',
  'template',
  'gpu_product',
  'gpu_hours',
  'idle_gpu_hours',
] as const;
