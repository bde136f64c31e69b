import { strFromU8, strToU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';

import { maxWorkingDirBytes, zipWorkingDir } from './workingDirZip.ts';

describe('zipWorkingDir', () => {
  it('packs the files under their relative paths, readable by another ZIP reader', () => {
    const zip = zipWorkingDir([
      { path: 'pkg/data.txt', bytes: strToU8('x'.repeat(10_000)) },
      { path: 'main.py', bytes: strToU8('print("hi")\n'), mode: 0o755 },
    ]);
    const files = unzipSync(zip);
    expect(Object.keys(files).sort()).toEqual(['main.py', 'pkg/data.txt']);
    expect(strFromU8(files['main.py'] ?? new Uint8Array())).toBe('print("hi")\n');
    expect(files['pkg/data.txt']?.length).toBe(10_000);
  });

  it('gives the same bytes for the same files in any order (content-addressed names)', () => {
    const a = { path: 'a.py', bytes: strToU8('a') };
    const b = { path: 'b.py', bytes: strToU8('b') };
    expect(zipWorkingDir([a, b])).toEqual(zipWorkingDir([b, a]));
    expect(zipWorkingDir([a])).not.toEqual(zipWorkingDir([b]));
  });

  it('refuses more than Ray accepts', () => {
    const big = { path: 'big.bin', bytes: new Uint8Array(0) };
    Object.defineProperty(big.bytes, 'length', { value: maxWorkingDirBytes + 1 });
    expect(() => zipWorkingDir([big])).toThrow(/over 512 MiB/);
  });
});
