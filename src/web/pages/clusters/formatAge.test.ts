import { describe, expect, it } from 'vitest';

import { formatAge } from './formatAge.ts';

const now = Date.parse('2026-11-27T12:00:00Z');

describe('formatAge', () => {
  it.each([
    ['2026-11-27T11:59:30Z', '<1m'],
    ['2026-11-27T12:05:00Z', '<1m'],
    ['2026-11-27T11:18:00Z', '42m'],
    ['2026-11-27T07:00:00Z', '5h'],
    ['2026-11-25T13:00:00Z', '47h'],
    ['2026-11-24T12:00:00Z', '3d'],
  ])('%s is %s old', (iso, age) => {
    expect(formatAge(iso, now)).toBe(age);
  });

  it('reads a missing or broken time as a dash', () => {
    expect(formatAge(undefined, now)).toBe('—');
    expect(formatAge('yesterday', now)).toBe('—');
  });
});
