import type { TestProject } from 'vitest/node';

import { ensureDebianPackages } from './ensureDebianPackages.ts';
import { startPostgres } from './startPostgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A loopback PostgreSQL server for the store tests' second dialect; '' when unavailable. */
    postgresUrl: string;
  }
}

/**
 * Vitest global setup for the node project: Debian's official Kubernetes Python client, one of
 * the real clients that judge the sandbox (test/conformance/pythonKubernetesClient.test.ts), and
 * PostgreSQL, which every store test also runs on (test/support/storeBackends.ts). CI runs as
 * root and installs both; elsewhere the tests that need them skip with the install command.
 */
export async function setup(project: TestProject): Promise<() => Promise<void>> {
  ensureDebianPackages(
    'node',
    [
      {
        name: 'python3-kubernetes',
        installs: '/usr/lib/python3/dist-packages/kubernetes/__init__.py',
      },
      { name: 'postgresql', installs: '/usr/share/postgresql-common/pg_wrapper' },
    ],
    'skip',
  );
  let postgres: Awaited<ReturnType<typeof startPostgres>> | undefined;
  try {
    postgres = await startPostgres();
  } catch (error) {
    // Root could install it, so failing to start is a real failure, not a missing package.
    if (process.getuid?.() === 0) throw error;
    process.stderr.write(`[node] PostgreSQL store tests will skip: ${String(error)}\n`);
  }
  project.provide('postgresUrl', postgres?.url ?? '');
  return async () => {
    await postgres?.stop();
  };
}
