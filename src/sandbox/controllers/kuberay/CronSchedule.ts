/** A malformed schedule; the message follows robfig/cron's wording where it can. */
export class CronScheduleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CronScheduleError';
  }
}

interface FieldSpec {
  min: number;
  max: number;
  names?: readonly string[];
}

const fieldSpecs: readonly FieldSpec[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  {
    min: 1,
    max: 12,
    names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
  },
  { min: 0, max: 6, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

const descriptors: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

function parseValue(text: string, spec: FieldSpec): number {
  const lower = text.toLowerCase();
  const named = spec.names?.indexOf(lower) ?? -1;
  if (named >= 0) return named + spec.min;
  if (!/^\d+$/.test(text))
    throw new CronScheduleError(
      `failed to parse int from ${text}: strconv.Atoi: parsing "${text}": invalid syntax`,
    );
  return Number(text);
}

/** One field: the allowed values, and whether it was `*` (or `?`). */
function parseField(text: string, spec: FieldSpec): { values: Set<number>; star: boolean } {
  const values = new Set<number>();
  let star = false;
  for (const part of text.split(',')) {
    const [range = '', stepText] = part.split('/');
    let low: number;
    let high: number;
    if (range === '*' || range === '?') {
      low = spec.min;
      high = spec.max;
      if (stepText === undefined) star = true;
    } else if (range.includes('-')) {
      const [from = '', to = ''] = range.split('-');
      low = parseValue(from, spec);
      high = parseValue(to, spec);
    } else {
      low = parseValue(range, spec);
      high = stepText === undefined ? low : spec.max;
    }
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step <= 0)
      throw new CronScheduleError(`step of range should be a positive number: ${part}`);
    if (low < spec.min)
      throw new CronScheduleError(
        `beginning of range (${low}) below minimum (${spec.min}): ${part}`,
      );
    if (high > spec.max)
      throw new CronScheduleError(`end of range (${high}) above maximum (${spec.max}): ${part}`);
    if (low > high)
      throw new CronScheduleError(
        `beginning of range (${low}) beyond end of range (${high}): ${part}`,
      );
    for (let value = low; value <= high; value += step) values.add(value);
  }
  return { values, star };
}

interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  weekday: number;
}

const weekdays: Readonly<Record<string, number>> = {
  Sun: 0,
  Mon: 1,
  Tue: 2,
  Wed: 3,
  Thu: 4,
  Fri: 5,
  Sat: 6,
};
const formatters = new Map<string, Intl.DateTimeFormat>();

/** Whether `timeZone` is an IANA zone the runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

function localTime(ms: number, timeZone: string): LocalTime {
  if (timeZone === 'UTC') {
    const date = new Date(ms);
    return {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      hour: date.getUTCHours(),
      minute: date.getUTCMinutes(),
      weekday: date.getUTCDay(),
    };
  }
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, formatter);
  }
  const parts = Object.fromEntries(
    formatter.formatToParts(ms).map((part) => [part.type, part.value]),
  );
  return {
    year: Number(parts['year']),
    month: Number(parts['month']),
    day: Number(parts['day']),
    hour: Number(parts['hour']) % 24,
    minute: Number(parts['minute']),
    weekday: weekdays[parts['weekday'] ?? 'Sun'] ?? 0,
  };
}

/**
 * A standard five-field cron schedule (minute hour day-of-month month day-of-week, with `*`, `?`,
 * lists, ranges, steps, month and weekday names, and the `@hourly`-style descriptors) in an IANA
 * time zone, as robfig/cron's `ParseStandard` reads it for KubeRay's RayCronJob. When both
 * day fields are restricted, a day matches either, as in cron.
 */
export class CronSchedule {
  private readonly fields: { values: Set<number>; star: boolean }[];
  private readonly timeZone: string;

  constructor(schedule: string, timeZone = 'UTC') {
    const text = schedule.trim();
    if (/TZ/.test(text))
      throw new CronScheduleError(
        'cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
      );
    if (!isValidTimeZone(timeZone)) throw new CronScheduleError(`unknown time zone ${timeZone}`);
    this.timeZone = timeZone;
    const expanded = text.startsWith('@') ? descriptors[text.toLowerCase()] : text;
    if (expanded === undefined) throw new CronScheduleError(`unrecognized descriptor: ${text}`);
    const parts = expanded.split(/\s+/).filter(Boolean);
    if (parts.length !== 5)
      throw new CronScheduleError(
        `expected exactly 5 fields, found ${parts.length}: [${parts.join(' ')}]`,
      );
    this.fields = parts.map((part, index) => parseField(part, fieldSpecs[index] as FieldSpec));
    const weekday = this.fields[4];
    if (weekday?.values.has(7)) weekday.values.add(0);
  }

  private matchesDay(local: LocalTime): boolean {
    const [, , dom, , dow] = this.fields as [
      unknown,
      unknown,
      { values: Set<number>; star: boolean },
      unknown,
      { values: Set<number>; star: boolean },
    ];
    const domMatch = dom.values.has(local.day);
    const dowMatch = dow.values.has(local.weekday);
    return dom.star || dow.star ? domMatch && dowMatch : domMatch || dowMatch;
  }

  /** The first activation strictly after `afterMs` (epoch ms), or undefined within five years. */
  next(afterMs: number): number | undefined {
    const [minutes, hours, , months] = this.fields as { values: Set<number> }[] as [
      { values: Set<number> },
      { values: Set<number> },
      unknown,
      { values: Set<number> },
    ];
    let candidate = Math.floor(afterMs / 60_000) * 60_000 + 60_000;
    const limit = afterMs + 5 * 366 * 86_400_000;
    while (candidate <= limit) {
      const local = localTime(candidate, this.timeZone);
      if (!months.values.has(local.month) || !this.matchesDay(local)) {
        candidate += ((23 - local.hour) * 60 + (60 - local.minute)) * 60_000;
        continue;
      }
      if (!hours.values.has(local.hour)) {
        candidate += (60 - local.minute) * 60_000;
        continue;
      }
      if (!minutes.values.has(local.minute)) {
        candidate += 60_000;
        continue;
      }
      return candidate;
    }
    return undefined;
  }
}
