import { fileURLToPath } from 'node:url';

import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const eslint = new ESLint({ cwd: root });

/** Lints `code` as if it were the file at `path` (relative to the package) and lists rule ids. */
async function rulesFiredFor(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${path}` });
  return (result?.messages ?? []).map((message) => message.ruleId ?? message.message);
}

// Each snippet imports a real file, so the path-based rule can resolve it.
const violations = [
  {
    rule: 'web may not import server',
    path: 'src/web/pages/Snippet.tsx',
    code: "import { buildServer } from '../../server/buildServer.ts';\nexport const x = buildServer;\n",
    fires: 'import-x/no-restricted-paths',
  },
  {
    rule: 'web may not import node:*',
    path: 'src/web/snippet.ts',
    code: "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
    fires: 'no-restricted-imports',
  },
  {
    rule: 'web may not import a bare Node built-in',
    path: 'src/web/snippet.ts',
    code: "import { readFileSync } from 'fs';\nexport const x = readFileSync;\n",
    fires: 'no-restricted-imports',
  },
  {
    rule: 'cli may not import server',
    path: 'src/cli/snippet.ts',
    code: "import { loadServerConfig } from '../server/serverConfig.ts';\nexport const x = loadServerConfig;\n",
    fires: 'import-x/no-restricted-paths',
  },
  {
    rule: 'cli may not import web',
    path: 'src/cli/snippet.ts',
    code: "import { navigationEntries } from '../web/navigation.ts';\nexport const x = navigationEntries;\n",
    fires: 'import-x/no-restricted-paths',
  },
  {
    rule: 'sandbox may not import server',
    path: 'src/sandbox/snippet.ts',
    code: "import { buildServer } from '../server/buildServer.ts';\nexport const x = buildServer;\n",
    fires: 'import-x/no-restricted-paths',
  },
  {
    rule: 'shared may not import server',
    path: 'src/shared/api/snippet.ts',
    code: "import { buildServer } from '../../server/buildServer.ts';\nexport const x = buildServer;\n",
    fires: 'import-x/no-restricted-paths',
  },
  {
    rule: 'shared may not import web',
    path: 'src/shared/snippet.ts',
    code: "import { navigationEntries } from '../web/navigation.ts';\nexport const x = navigationEntries;\n",
    fires: 'import-x/no-restricted-paths',
  },
  {
    rule: 'shared may not import node:*',
    path: 'src/shared/snippet.ts',
    code: "import { join } from 'node:path';\nexport const x = join;\n",
    fires: 'no-restricted-imports',
  },
  {
    rule: 'server may not import the process entry point',
    path: 'src/server/snippet.ts',
    code: "import { main } from '../main.ts';\nexport const x = main;\n",
    fires: 'import-x/no-restricted-paths',
  },
  {
    rule: 'server outside k8s/ may not import the Kubernetes client',
    path: 'src/server/services/snippet.ts',
    code: "import { KubeConfig } from '@kubernetes/client-node';\nexport const x = KubeConfig;\n",
    fires: 'no-restricted-imports',
  },
  {
    rule: 'web may not import the Kubernetes client',
    path: 'src/web/snippet.ts',
    code: "import { KubeConfig } from '@kubernetes/client-node';\nexport const x = KubeConfig;\n",
    fires: 'no-restricted-imports',
  },
];

describe('folder boundaries (eslint.config.js)', () => {
  it.each(violations)('$rule', async ({ path, code, fires }) => {
    const fired = await rulesFiredFor(path, code);
    expect(fired).toContain(fires);
  });

  it('lets src/server/k8s/ import the Kubernetes client', async () => {
    const fired = await rulesFiredFor(
      'src/server/k8s/snippet.ts',
      "import { KubeConfig } from '@kubernetes/client-node';\nexport const x = KubeConfig;\n",
    );
    expect(fired).not.toContain('no-restricted-imports');
  });

  it('lets web, cli and sandbox import shared', async () => {
    const importShared = (depth: string) =>
      `import { createApiClient } from '${depth}shared/client/apiClient.ts';\nexport const x = createApiClient;\n`;
    expect(await rulesFiredFor('src/web/snippet.ts', importShared('../'))).toEqual([]);
    expect(await rulesFiredFor('src/cli/snippet.ts', importShared('../'))).toEqual([]);
    expect(await rulesFiredFor('src/sandbox/snippet.ts', importShared('../'))).toEqual([]);
  });
});
