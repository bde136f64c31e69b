import { describe, expect, it } from 'vitest';

import { ageOf, humanDuration } from './humanDuration.ts';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

describe('humanDuration', () => {
  it.each([
    [-3 * s, '<invalid>'],
    [-1 * s, '0s'],
    [0, '0s'],
    [45 * s, '45s'],
    [119 * s, '119s'],
    [2 * m + 5 * s, '2m5s'],
    [5 * m, '5m'],
    [15 * m, '15m'],
    [3 * h + 20 * m, '3h20m'],
    [7 * h, '7h'],
    [30 * h, '30h'],
    [2 * d + 4 * h, '2d4h'],
    [3 * d, '3d'],
    [40 * d, '40d'],
    [2 * 365 * d + 10 * d, '2y10d'],
    [9 * 365 * d, '9y'],
  ])('%d ms is %s', (milliseconds, text) => {
    expect(humanDuration(milliseconds)).toBe(text);
  });

  it('ages a timestamp, or says <unknown>', () => {
    const now = Date.parse('2026-01-01T01:00:00Z');
    expect(ageOf('2026-01-01T00:00:00Z', now)).toBe('60m');
    expect(ageOf(undefined, now)).toBe('<unknown>');
  });
});
