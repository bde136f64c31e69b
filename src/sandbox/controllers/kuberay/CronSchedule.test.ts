import { describe, expect, it } from 'vitest';

import { CronSchedule, CronScheduleError } from './CronSchedule.ts';

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number | undefined): string | undefined =>
  ms === undefined ? undefined : new Date(ms).toISOString();

describe('CronSchedule', () => {
  it.each([
    ['* * * * *', '2026-01-01T00:00:30Z', '2026-01-01T00:01:00.000Z'],
    ['*/15 * * * *', '2026-01-01T00:14:00Z', '2026-01-01T00:15:00.000Z'],
    ['0 9 * * MON-FRI', '2026-01-02T09:00:00Z', '2026-01-05T09:00:00.000Z'],
    ['30 2 1 * *', '2026-01-15T00:00:00Z', '2026-02-01T02:30:00.000Z'],
    ['@hourly', '2026-01-01T10:59:59Z', '2026-01-01T11:00:00.000Z'],
    ['0 0 13 * 5', '2026-01-01T00:00:00Z', '2026-01-02T00:00:00.000Z'],
  ])('%s after %s is %s', (schedule, after, next) => {
    expect(iso(new CronSchedule(schedule).next(at(after)))).toBe(next);
  });

  it('counts in the given time zone', () => {
    const schedule = new CronSchedule('0 9 * * *', 'America/New_York');
    expect(iso(schedule.next(at('2026-01-01T00:00:00Z')))).toBe('2026-01-01T14:00:00.000Z');
    expect(iso(schedule.next(at('2026-07-01T00:00:00Z')))).toBe('2026-07-01T13:00:00.000Z');
  });

  it('rejects what robfig/cron rejects', () => {
    expect(() => new CronSchedule('* * * *')).toThrow(CronScheduleError);
    expect(() => new CronSchedule('61 * * * *')).toThrow('end of range (61) above maximum (59)');
    expect(() => new CronSchedule('TZ=UTC * * * * *')).toThrow('use timeZone field instead');
    expect(() => new CronSchedule('* * * * *', 'Mars/Olympus')).toThrow('unknown time zone');
  });

  it('reports no activation for a date that never comes', () => {
    expect(new CronSchedule('0 0 30 2 *').next(at('2026-01-01T00:00:00Z'))).toBeUndefined();
  });
});
