import { describe, expect, it } from 'vitest';

import { formatDuration } from './formatDuration.ts';

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [45, '45 s'],
    [60, '1 min'],
    [1800, '30 min'],
    [3600, '1 h'],
    [5400, '1 h 30 min'],
    [3661, '1 h 1 min'],
    [86_400, '1 d'],
    [90_000, '1 d 1 h'],
    [604_800, '7 d'],
  ])('%i s reads %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it('keeps only adjacent units, so 1 d 0 h 5 min reads 1 d', () => {
    expect(formatDuration(86_700)).toBe('1 d');
  });

  it('says — for what is not a duration', () => {
    expect(formatDuration(-1)).toBe('—');
    expect(formatDuration(Number.NaN)).toBe('—');
  });
});
