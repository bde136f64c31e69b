import { describe, expect, it } from 'vitest';

import { summarizeUsage, usageCells, usageCsv } from './usageReport.ts';

const at = (iso: string) => Date.parse(iso);

const a100 = {
  team: 'team-a',
  cluster: 'c1',
  user: 'ana',
  template: 'gpu-a100',
  gpuProduct: 'NVIDIA-A100-SXM4-80GB',
};

describe('usageCells', () => {
  it('splits intervals at UTC midnight, clips them to the range and to now, and separates idle time', () => {
    const cells = usageCells({
      intervals: [
        // 2 GPUs from 22:00 on the 1st to 02:00 on the 2nd: 4 GPU-hours each day.
        { ...a100, gpus: 2, start: at('2026-03-01T22:00:00Z'), end: at('2026-03-02T02:00:00Z') },
        // Still running at "now" (the 3rd, 06:00): 6 h on the 3rd; the part before the range is cut.
        {
          ...a100,
          cluster: 'c2',
          user: 'bo',
          gpus: 1,
          start: at('2026-02-27T00:00:00Z'),
          end: undefined,
        },
      ],
      idle: [
        // c1 idle 01:00–03:00 on the 2nd: 1 h of its interval, 2 GPUs.
        {
          team: 'team-a',
          cluster: 'c1',
          start: at('2026-03-02T01:00:00Z'),
          end: at('2026-03-02T03:00:00Z'),
        },
        // c2 idle since 05:00 on the 3rd, still: 1 h until now.
        { team: 'team-a', cluster: 'c2', start: at('2026-03-03T05:00:00Z'), end: undefined },
      ],
      from: '2026-03-01',
      to: '2026-03-03',
      now: at('2026-03-03T06:00:00Z'),
    });
    const summary = cells.map((cell) => [cell.day, cell.cluster, cell.gpuHours, cell.idleGpuHours]);
    expect(summary).toEqual([
      ['2026-03-01', 'c1', 4, 0],
      ['2026-03-01', 'c2', 24, 0],
      ['2026-03-02', 'c1', 4, 2],
      ['2026-03-02', 'c2', 24, 0],
      ['2026-03-03', 'c2', 6, 1],
    ]);
    const report = summarizeUsage(cells, {
      from: '2026-03-01',
      to: '2026-03-03',
      teams: '*',
      idleSignal: 'test',
    });
    expect(report.totals).toEqual({ gpuHours: 62, idleGpuHours: 3 });
    expect(report.users.map((row) => [row.user, row.gpuHours])).toEqual([
      ['bo', 54],
      ['ana', 8],
    ]);
    expect(report.days).toEqual([
      { day: '2026-03-01', team: 'team-a', gpuHours: 28, idleGpuHours: 0 },
      { day: '2026-03-02', team: 'team-a', gpuHours: 28, idleGpuHours: 2 },
      { day: '2026-03-03', team: 'team-a', gpuHours: 6, idleGpuHours: 1 },
    ]);
    expect(report.clusters[0]).toMatchObject({ cluster: 'c2', user: 'bo', gpuHours: 54 });
  });

  it('writes CSV with quoting and defuses spreadsheet formulas', () => {
    const cells = usageCells({
      intervals: [
        {
          ...a100,
          user: '=HYPERLINK("x")',
          template: 'a,b',
          gpus: 1,
          start: at('2026-03-01T00:00:00Z'),
          end: at('2026-03-01T00:30:00Z'),
        },
      ],
      idle: [],
      from: '2026-03-01',
      to: '2026-03-01',
      now: at('2026-03-02T00:00:00Z'),
    });
    expect(usageCsv(cells)).toBe(
      'day,team,user,cluster,template,gpu_product,gpu_hours,idle_gpu_hours\r\n' +
        `2026-03-01,team-a,"'=HYPERLINK(""x"")",c1,"a,b",NVIDIA-A100-SXM4-80GB,0.5,0\r\n`,
    );
  });
});
