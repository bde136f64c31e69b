import { existsSync } from 'node:fs';

import {
  createSandboxApiServer,
  type SandboxApiServer,
} from './apiserver/createSandboxApiServer.ts';
import { loadSnapshot, snapshotOnChange } from './apiserver/stateSnapshot.ts';
import { writeSandboxKubeconfig } from './kubeconfigFile.ts';

/** Options of `raydeck sandbox`. */
export interface StartSandboxOptions {
  /** `HOST:PORT` to listen on. Default `127.0.0.1:6443`; port 0 picks a free one. */
  listen?: string;
  /** Where to write a kubeconfig for kubectl. */
  kubeconfigOut?: string;
  /** Snapshot file: restored at start when it exists, saved after changes and on stop. */
  state?: string;
  /** Bearer token every request must carry. */
  token?: string;
  /** Evaluate access reviews against stored RBAC objects. */
  rbac?: boolean;
}

/** A started sandbox: its URL and how to stop it (saving state first). */
export interface RunningSandbox {
  url: string;
  apiServer: SandboxApiServer;
  stop: () => Promise<void>;
}

/** Parses `HOST:PORT` (IPv6 hosts in brackets); throws an Error naming the flag when malformed. */
export function parseListenAddress(listen: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(listen);
  const port = Number(match?.[3]);
  if (!match || port > 65535) {
    throw new Error(`--listen must be HOST:PORT with a port from 0 to 65535, got "${listen}"`);
  }
  return { host: (match[1] ?? match[2]) as string, port };
}

/** Starts the sandbox API server, restoring and snapshotting state and writing a kubeconfig. */
export async function startSandbox(options: StartSandboxOptions = {}): Promise<RunningSandbox> {
  const { host, port } = parseListenAddress(options.listen ?? '127.0.0.1:6443');
  const store =
    options.state && existsSync(options.state) ? loadSnapshot(options.state) : undefined;
  const apiServer = createSandboxApiServer({
    ...(store ? { store } : {}),
    ...(options.token ? { token: options.token } : {}),
    ...(options.rbac ? { rbac: true } : {}),
  });
  const snapshots = options.state ? snapshotOnChange(apiServer.store, options.state) : undefined;
  snapshots?.flush();
  const url = await apiServer.listen(host, port);
  if (options.kubeconfigOut) writeSandboxKubeconfig(options.kubeconfigOut, url, options.token);
  return {
    url,
    apiServer,
    stop: async () => {
      await apiServer.close();
      snapshots?.flush();
    },
  };
}
