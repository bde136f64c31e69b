import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';

import { zipDirectory } from './zipDirectory.ts';

describe('zipDirectory', () => {
  it('packs files with relative paths that another ZIP reader opens, skipping .git', () => {
    const dir = mkdtempSync(join(tmpdir(), 'raydeck-zip-'));
    mkdirSync(join(dir, 'pkg'));
    mkdirSync(join(dir, '.git'));
    writeFileSync(join(dir, 'main.py'), 'print("hi")\n');
    writeFileSync(join(dir, 'pkg', 'data.txt'), 'x'.repeat(10_000));
    writeFileSync(join(dir, '.git', 'HEAD'), 'ref');
    const files = unzipSync(zipDirectory(dir));
    expect(Object.keys(files).sort()).toEqual(['main.py', 'pkg/data.txt']);
    expect(strFromU8(files['main.py'] ?? new Uint8Array())).toBe('print("hi")\n');
    expect(files['pkg/data.txt']?.length).toBe(10_000);
  });

  it('gives the same bytes for the same files (content-addressed package names)', () => {
    const make = () => {
      const dir = mkdtempSync(join(tmpdir(), 'raydeck-zip-'));
      writeFileSync(join(dir, 'a.py'), 'a');
      writeFileSync(join(dir, 'b.py'), 'b');
      return zipDirectory(dir);
    };
    expect(Buffer.from(make()).equals(Buffer.from(make()))).toBe(true);
  });
});
