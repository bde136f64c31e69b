import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { serverSettings } from '../src/server/serverConfig.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README configuration table', () => {
  const rows = readme
    .split('\n')
    .filter((line) => /^\| `--/.test(line))
    .map((line) => line.split('|').map((cell) => cell.trim().replaceAll('`', '')));

  it('has one row per setting, in order, with the right flag and variable', () => {
    expect(rows.map((row) => [row[1], row[2]])).toEqual(
      serverSettings.map((setting) => [setting.flag, setting.env]),
    );
  });

  it('gives the literal default for settings whose default is fixed', () => {
    for (const setting of serverSettings.filter((s) => s.key !== 'webRoot')) {
      const row = rows.find((candidate) => candidate[1] === setting.flag);
      expect(row?.[3], setting.flag).toBe(setting.defaultValue() ?? 'unset');
    }
  });
});
