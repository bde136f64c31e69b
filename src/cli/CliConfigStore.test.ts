import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { CliConfigStore } from './CliConfigStore.ts';

describe('CliConfigStore', () => {
  it('writes mode 0600 and reads back what it wrote, quotes and all', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'raydeck-cfg-')), 'raydeck');
    const store = new CliConfigStore(dir);
    const config = {
      currentContext: 'prod "eu"',
      contexts: [
        { name: 'local', server: 'http://127.0.0.1:8080', token: 'rdk_a' },
        { name: 'prod "eu"', server: 'https://x', token: 'rdk_b\\c', user: 'ada', team: 'team-a' },
      ],
    };
    store.save(config);
    expect(statSync(store.file).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const warnings: string[] = [];
    expect(await store.load((line) => warnings.push(line))).toEqual(config);
    expect(warnings).toEqual([]);
  });

  it('reads hand-written YAML through the YAML library and names bad fields', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'raydeck-cfg-'));
    const store = new CliConfigStore(dir);
    writeFileSync(
      store.file,
      'current-context: lab\ncontexts:\n  - {name: lab, server: http://lab:8080, token: rdk_x}\n',
      { mode: 0o600 },
    );
    expect(await store.load(() => undefined)).toEqual({
      currentContext: 'lab',
      contexts: [{ name: 'lab', server: 'http://lab:8080', token: 'rdk_x' }],
    });
    writeFileSync(store.file, 'contexts:\n  - name: lab\n    server: 3\n');
    await expect(store.load(() => undefined)).rejects.toThrow(
      'contexts[0].server must be a string',
    );
  });

  it('warns when others can read the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'raydeck-cfg-'));
    const store = new CliConfigStore(dir);
    store.save({ contexts: [] });
    writeFileSync(store.file, readFileSync(store.file), { mode: 0o644 });
    const { chmodSync } = await import('node:fs');
    chmodSync(store.file, 0o644);
    const warnings: string[] = [];
    await store.load((line) => warnings.push(line));
    expect(warnings.join('\n')).toContain(`chmod 600 ${store.file}`);
  });

  it('finds the folder from XDG_CONFIG_HOME, else HOME/.config', () => {
    expect(CliConfigStore.dirFromEnv({ XDG_CONFIG_HOME: '/x/cfg', HOME: '/home/a' })).toBe(
      '/x/cfg/raydeck',
    );
    expect(CliConfigStore.dirFromEnv({ HOME: '/home/a' })).toBe('/home/a/.config/raydeck');
  });
});
