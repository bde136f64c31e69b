import type { Kysely } from 'kysely';

import {
  maxUsageRangeDays,
  type UsageQuery,
  type UsageReport,
} from '../../shared/api/usageSchemas.ts';
import { type AuthenticatedUser, authorize, visibleNamespaces } from '../auth/authorize.ts';
import type { Database } from '../store/database.ts';
import { forbidden, validationFailed } from './serviceErrors.ts';
import {
  dayOf,
  type GpuInterval,
  type IdleInterval,
  startOfDay,
  summarizeUsage,
  usageCells,
  usageCsv,
} from './usageReport.ts';

const dayMs = 86_400_000;

/** Options of {@link UsageService}. */
export interface UsageServiceOptions {
  db: Kysely<Database>;
  now: () => Date;
  /** How idleness was decided, for the report (the meter's signal). */
  idleSignal: () => string;
}

/**
 * GPU-hour reports from the metered intervals: admins see every team, others only their teams
 * (asking for another team is 403). Ranges are whole UTC days, at most a year and a day.
 */
export class UsageService {
  private readonly options: UsageServiceOptions;

  constructor(options: UsageServiceOptions) {
    this.options = options;
  }

  /** The range and teams a query covers, checked (400 naming the field, 403 for a team). */
  private scope(query: UsageQuery, user: AuthenticatedUser) {
    const now = this.options.now().getTime();
    const to = query.to ?? dayOf(now);
    const from = query.from ?? dayOf(startOfDay(to) - 6 * dayMs);
    const fields = [];
    if (Number.isNaN(startOfDay(to)) || dayOf(startOfDay(to)) !== to)
      fields.push({ path: 'querystring.to', message: `"${to}" is not a calendar day` });
    if (Number.isNaN(startOfDay(from)) || dayOf(startOfDay(from)) !== from)
      fields.push({ path: 'querystring.from', message: `"${from}" is not a calendar day` });
    if (fields.length === 0 && from > to)
      fields.push({ path: 'querystring.from', message: `must not be after "to" (${to})` });
    if (fields.length === 0 && (startOfDay(to) - startOfDay(from)) / dayMs + 1 > maxUsageRangeDays)
      fields.push({
        path: 'querystring.from',
        message: `the range may cover at most ${maxUsageRangeDays} days`,
      });
    if (fields.length > 0) throw validationFailed(fields);
    if (query.team !== undefined && !authorize(user, 'read', query.team))
      throw forbidden(`you are not a member of team "${query.team}"`);
    const visible = visibleNamespaces(user);
    const teams: '*' | readonly string[] =
      query.team !== undefined ? [query.team] : visible === '*' ? '*' : visible;
    return { from, to, teams, now };
  }

  private async cells(query: UsageQuery, user: AuthenticatedUser) {
    const scope = this.scope(query, user);
    const { db } = this.options;
    const rangeStart = new Date(startOfDay(scope.from)).toISOString();
    const rangeEnd = new Date(startOfDay(scope.to) + dayMs).toISOString();
    if (scope.teams !== '*' && scope.teams.length === 0) return { scope, cells: [] };
    let usage = db
      .selectFrom('gpu_usage')
      .selectAll()
      .where('started_at', '<', rangeEnd)
      .where((eb) => eb.or([eb('ended_at', 'is', null), eb('ended_at', '>', rangeStart)]));
    let idle = db
      .selectFrom('cluster_idle')
      .selectAll()
      .where('started_at', '<', rangeEnd)
      .where((eb) => eb.or([eb('ended_at', 'is', null), eb('ended_at', '>', rangeStart)]));
    if (scope.teams !== '*') {
      usage = usage.where('namespace', 'in', scope.teams);
      idle = idle.where('namespace', 'in', scope.teams);
    }
    const intervals: GpuInterval[] = (await usage.execute()).map((row) => ({
      team: row.namespace,
      cluster: row.cluster,
      user: row.owner,
      template: row.template,
      gpuProduct: row.gpu_product,
      gpus: row.gpus,
      start: Date.parse(row.started_at),
      end: row.ended_at ? Date.parse(row.ended_at) : undefined,
    }));
    const idleIntervals: IdleInterval[] = (await idle.execute()).map((row) => ({
      team: row.namespace,
      cluster: row.cluster,
      start: Date.parse(row.started_at),
      end: row.ended_at ? Date.parse(row.ended_at) : undefined,
    }));
    return {
      scope,
      cells: usageCells({
        intervals,
        idle: idleIntervals,
        from: scope.from,
        to: scope.to,
        now: scope.now,
      }),
    };
  }

  async report(query: UsageQuery, user: AuthenticatedUser): Promise<UsageReport> {
    const { scope, cells } = await this.cells(query, user);
    return summarizeUsage(cells, {
      from: scope.from,
      to: scope.to,
      teams: scope.teams === '*' ? '*' : [...scope.teams],
      idleSignal: this.options.idleSignal(),
    });
  }

  /** The CSV export of the same range and teams, with a file name for it. */
  async csv(
    query: UsageQuery,
    user: AuthenticatedUser,
  ): Promise<{ fileName: string; text: string }> {
    const { scope, cells } = await this.cells(query, user);
    return {
      fileName: `raydeck-gpu-hours-${scope.from}-${scope.to}.csv`,
      text: usageCsv(cells),
    };
  }
}
