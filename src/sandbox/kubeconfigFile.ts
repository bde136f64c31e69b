import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

import { stringify } from 'yaml';

/** Name used for the cluster, user and context entries of a sandbox kubeconfig. */
export const sandboxContextName = 'raydeck-sandbox';

/**
 * A kubeconfig for the sandbox, as kubectl and client-node read it: one cluster (plain HTTP on
 * loopback), one user (the bearer token, if any) and one current context.
 */
export function sandboxKubeconfig(server: string, token?: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    // client-node refuses plain-HTTP servers unless TLS verification is explicitly off; the
    // sandbox listens on loopback without TLS.
    clusters: [{ name: sandboxContextName, cluster: { server, 'insecure-skip-tls-verify': true } }],
    users: [{ name: sandboxContextName, user: token ? { token } : {} }],
    contexts: [
      {
        name: sandboxContextName,
        context: { cluster: sandboxContextName, user: sandboxContextName, namespace: 'default' },
      },
    ],
    'current-context': sandboxContextName,
    preferences: {},
  });
}

/** Writes the kubeconfig with owner-only permissions (it may hold a token). */
export function writeSandboxKubeconfig(file: string, server: string, token?: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, sandboxKubeconfig(server, token), { mode: 0o600 });
}
