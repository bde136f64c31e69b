import type {
  UsageClusterRow,
  UsageDayRow,
  UsageProductRow,
  UsageReport,
  UsageUserRow,
} from '../../shared/api/usageSchemas.ts';
import { usageCsvColumns } from '../../shared/api/usageSchemas.ts';

/** One GPU pod's running interval, as stored (times in epoch ms; `end` undefined: running). */
export interface GpuInterval {
  team: string;
  cluster: string;
  user: string;
  template: string;
  gpuProduct: string;
  gpus: number;
  start: number;
  end: number | undefined;
}

/** One cluster's idle interval (epoch ms; `end` undefined: idle now). */
export interface IdleInterval {
  team: string;
  cluster: string;
  start: number;
  end: number | undefined;
}

const dayMs = 86_400_000;
const hourMs = 3_600_000;

/** The UTC day of an instant, `YYYY-MM-DD`. */
export function dayOf(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/** Midnight UTC starting a `YYYY-MM-DD` day, in epoch ms. */
export function startOfDay(day: string): number {
  return Date.parse(`${day}T00:00:00.000Z`);
}

/** One fine-grained row: GPU-hours of one interval's labels on one day. */
interface Cell {
  day: string;
  team: string;
  user: string;
  cluster: string;
  template: string;
  gpuProduct: string;
  gpuHours: number;
  idleGpuHours: number;
}

/** Milliseconds `[start, end)` overlaps the idle intervals (which do not overlap each other). */
function idleOverlap(
  start: number,
  end: number,
  idle: readonly IdleInterval[],
  now: number,
): number {
  let total = 0;
  for (const interval of idle) {
    const from = Math.max(start, interval.start);
    const to = Math.min(end, interval.end ?? now);
    if (to > from) total += to - from;
  }
  return total;
}

/**
 * GPU-hours per day and label set over `from`..`to` (UTC days, inclusive), from running
 * intervals clipped to the range and to `now`, each split at UTC midnights; the part of each
 * that overlaps an idle interval of its cluster counts as idle GPU-hours too.
 */
export function usageCells(input: {
  intervals: readonly GpuInterval[];
  idle: readonly IdleInterval[];
  from: string;
  to: string;
  now: number;
}): Cell[] {
  const rangeStart = startOfDay(input.from);
  const rangeEnd = Math.min(startOfDay(input.to) + dayMs, input.now);
  const idleByCluster = new Map<string, IdleInterval[]>();
  for (const interval of input.idle) {
    const key = `${interval.team}/${interval.cluster}`;
    idleByCluster.set(key, [...(idleByCluster.get(key) ?? []), interval]);
  }
  const cells = new Map<string, Cell>();
  for (const interval of input.intervals) {
    let start = Math.max(interval.start, rangeStart);
    const end = Math.min(interval.end ?? input.now, rangeEnd);
    const idle = idleByCluster.get(`${interval.team}/${interval.cluster}`) ?? [];
    while (start < end) {
      const dayEnd = Math.min(end, startOfDay(dayOf(start)) + dayMs);
      const day = dayOf(start);
      const key = [
        day,
        interval.team,
        interval.user,
        interval.cluster,
        interval.template,
        interval.gpuProduct,
      ].join('\u0000');
      const cell = cells.get(key) ?? {
        day,
        team: interval.team,
        user: interval.user,
        cluster: interval.cluster,
        template: interval.template,
        gpuProduct: interval.gpuProduct,
        gpuHours: 0,
        idleGpuHours: 0,
      };
      cell.gpuHours += (interval.gpus * (dayEnd - start)) / hourMs;
      cell.idleGpuHours += (interval.gpus * idleOverlap(start, dayEnd, idle, input.now)) / hourMs;
      cells.set(key, cell);
      start = dayEnd;
    }
  }
  return [...cells.values()].sort((a, b) =>
    a.day !== b.day ? (a.day < b.day ? -1 : 1) : a.team < b.team ? -1 : a.team > b.team ? 1 : 0,
  );
}

/** Hours rounded to 1/1000 (3.6 s), so sums read cleanly and CSVs stay short. */
function round(hours: number): number {
  return Math.round(hours * 1000) / 1000;
}

/** Cells summed by `keyOf`: the first cell of each group (for its labels) and the sums. */
function sumBy(
  cells: readonly Cell[],
  keyOf: (cell: Cell) => string,
): { first: Cell; hours: { gpuHours: number; idleGpuHours: number } }[] {
  const rows = new Map<string, { first: Cell; gpuHours: number; idleGpuHours: number }>();
  for (const cell of cells) {
    const key = keyOf(cell);
    const row = rows.get(key) ?? { first: cell, gpuHours: 0, idleGpuHours: 0 };
    row.gpuHours += cell.gpuHours;
    row.idleGpuHours += cell.idleGpuHours;
    rows.set(key, row);
  }
  return [...rows.values()].map((row) => ({
    first: row.first,
    hours: { gpuHours: round(row.gpuHours), idleGpuHours: round(row.idleGpuHours) },
  }));
}

const byHoursDescending = (a: { gpuHours: number }, b: { gpuHours: number }) =>
  b.gpuHours - a.gpuHours;

/** The report of `usageCells`: per team and day, top users and clusters, per product. */
export function summarizeUsage(
  cells: readonly Cell[],
  range: { from: string; to: string; teams: UsageReport['teams']; idleSignal: string },
): UsageReport {
  const totals = cells.reduce(
    (sum, cell) => ({
      gpuHours: sum.gpuHours + cell.gpuHours,
      idleGpuHours: sum.idleGpuHours + cell.idleGpuHours,
    }),
    { gpuHours: 0, idleGpuHours: 0 },
  );
  return {
    from: range.from,
    to: range.to,
    teams: range.teams,
    totals: { gpuHours: round(totals.gpuHours), idleGpuHours: round(totals.idleGpuHours) },
    days: sumBy(cells, (cell) => `${cell.day}\u0000${cell.team}`).map(
      ({ first, hours }): UsageDayRow => ({ day: first.day, team: first.team, ...hours }),
    ),
    users: sumBy(cells, (cell) => cell.user)
      .map(({ first, hours }): UsageUserRow => ({ user: first.user, ...hours }))
      .sort(byHoursDescending),
    clusters: sumBy(cells, (cell) => `${cell.team}\u0000${cell.cluster}`)
      .map(({ first, hours }): UsageClusterRow => ({
        team: first.team,
        cluster: first.cluster,
        user: first.user,
        template: first.template,
        gpuProduct: first.gpuProduct,
        ...hours,
      }))
      .sort(byHoursDescending),
    products: sumBy(cells, (cell) => cell.gpuProduct)
      .map(({ first, hours }): UsageProductRow => ({ gpuProduct: first.gpuProduct, ...hours }))
      .sort(byHoursDescending),
    idleSignal: range.idleSignal,
  };
}

/** A CSV field: quoted when it holds a comma, quote or line break; formula starts defused. */
function csvField(value: string | number): string {
  let text = String(value);
  // Spreadsheets run cells starting with = + - @ as formulas (CSV injection).
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The CSV export: a header line of {@link usageCsvColumns}, then one line per cell. */
export function usageCsv(cells: readonly Cell[]): string {
  const lines = [usageCsvColumns.join(',')];
  for (const cell of cells) {
    lines.push(
      [
        cell.day,
        cell.team,
        cell.user,
        cell.cluster,
        cell.template,
        cell.gpuProduct,
        round(cell.gpuHours),
        round(cell.idleGpuHours),
      ]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
