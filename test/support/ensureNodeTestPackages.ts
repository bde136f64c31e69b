import { ensureDebianPackages } from './ensureDebianPackages.ts';

/**
 * Vitest global setup for the node project: Debian's official Kubernetes Python client, one of
 * the real clients that judge the sandbox (test/conformance/pythonKubernetesClient.test.ts).
 * CI runs as root and installs it; elsewhere that test skips with the install command.
 */
export function setup(): void {
  ensureDebianPackages(
    'node',
    [
      {
        name: 'python3-kubernetes',
        installs: '/usr/lib/python3/dist-packages/kubernetes/__init__.py',
      },
    ],
    'skip',
  );
}
