import { describe, expect, it } from 'vitest';

import { isReservedUsername } from './isReservedUsername.ts';

describe('isReservedUsername', () => {
  it('reserves the audit log’s own actors and the system: prefix, in any case', () => {
    for (const name of ['anonymous', 'System', 'RAYDECK', 'root', 'system:serviceaccount:x']) {
      expect(isReservedUsername(name), name).toBe(true);
    }
  });

  it('leaves other names, including the first admin, alone', () => {
    for (const name of ['admin', 'alice', 'systems', 'rooted', 'anonymous2']) {
      expect(isReservedUsername(name), name).toBe(false);
    }
  });
});
