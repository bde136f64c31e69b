import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { repoRoot } from './buildOverlay.ts';

const docs = ['docs/deploy.md', 'deploy/README.md', 'manifests/README.md', 'workloads/README.md'];

/** Repository paths a page mentions: `deploy/…`, `manifests/…`, `workloads/…`, `docs/…`. */
function mentionedPaths(text: string): string[] {
  const paths = text.match(/(?<![\w./-])(?:deploy|manifests|workloads|docs)\/[\w./-]*[\w/]/g) ?? [];
  return [...new Set(paths)];
}

describe('deploy documentation', () => {
  it.each(docs)('%s mentions only paths that exist', (doc) => {
    const text = readFileSync(join(repoRoot, doc), 'utf8');
    const paths = mentionedPaths(text);
    expect(paths.length).toBeGreaterThan(0);
    expect(paths.filter((path) => !existsSync(join(repoRoot, path)))).toEqual([]);
  });

  it('lists every manifest in manifests/README.md', () => {
    const readme = readFileSync(join(repoRoot, 'manifests', 'README.md'), 'utf8');
    const files = readdirSync(join(repoRoot, 'manifests')).filter((f) => f.endsWith('.yaml'));
    expect(files.filter((file) => !readme.includes(`\`${file}\``))).toEqual([]);
  });

  it('lists every workload script in workloads/README.md', () => {
    const readme = readFileSync(join(repoRoot, 'workloads', 'README.md'), 'utf8');
    const scripts = readdirSync(join(repoRoot, 'workloads')).filter((f) => f.endsWith('.py'));
    expect(scripts.filter((script) => !readme.includes(`\`${script}\``))).toEqual([]);
  });
});
