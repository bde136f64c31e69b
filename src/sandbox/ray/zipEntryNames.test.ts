import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';

import { zipEntryNames } from './zipEntryNames.ts';

describe('zipEntryNames', () => {
  it('lists the files of a ZIP archive, without directories', () => {
    const zip = zipSync({
      'main.py': strToU8('print(1)'),
      'pkg/': {},
      'pkg/util.py': strToU8('x = 1'),
      'données.txt': strToU8('é'),
    });
    expect(zipEntryNames(zip)).toEqual(['main.py', 'pkg/util.py', 'données.txt']);
  });

  it('finds the directory behind an archive comment, and refuses what is not a ZIP', () => {
    const zip = zipSync({ 'a.py': strToU8('') }, { comment: 'made by a test' });
    expect(zipEntryNames(zip)).toEqual(['a.py']);
    expect(zipEntryNames(strToU8('not a zip at all, just some text'))).toBeUndefined();
    expect(zipEntryNames(zip.subarray(0, zip.length - 30))).toBeUndefined();
  });
});
