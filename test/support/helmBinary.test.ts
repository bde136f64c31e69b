import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { helmBinary } from './helmBinary.ts';

describe('helmBinary', () => {
  it('provides a runnable Helm 4 from the npm package', () => {
    // Helm keeps caches and config under these folders; a temp dir keeps $HOME untouched.
    const home = mkdtempSync(join(tmpdir(), 'raydeck-helm-'));
    try {
      const output = execFileSync(helmBinary(), ['version', '--template', '{{.Version}}'], {
        encoding: 'utf8',
        env: {
          ...process.env,
          HELM_CACHE_HOME: home,
          HELM_CONFIG_HOME: home,
          HELM_DATA_HOME: home,
        },
      });
      expect(output).toMatch(/^v4\.\d+\.\d+$/);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
