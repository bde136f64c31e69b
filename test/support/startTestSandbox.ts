import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  createSandboxApiServer,
  type SandboxApiServer,
  type SandboxApiServerOptions,
} from '../../src/sandbox/apiserver/createSandboxApiServer.ts';
import { writeSandboxKubeconfig } from '../../src/sandbox/kubeconfigFile.ts';

/** A sandbox API server on a free loopback port, with a kubeconfig and a small JSON client. */
export interface TestSandbox {
  url: string;
  kubeconfig: string;
  apiServer: SandboxApiServer;
  request: (
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) => Promise<{ status: number; body: unknown; headers: Headers }>;
  close: () => Promise<void>;
}

/** Starts a sandbox for one test file; close it in `afterAll`. */
export async function startTestSandbox(
  options: SandboxApiServerOptions = {},
): Promise<TestSandbox> {
  const apiServer = createSandboxApiServer(options);
  const url = await apiServer.listen('127.0.0.1', 0);
  const kubeconfig = join(mkdtempSync(join(tmpdir(), 'raydeck-sandbox-')), 'kubeconfig');
  writeSandboxKubeconfig(kubeconfig, url, options.token);
  return {
    url,
    kubeconfig,
    apiServer,
    request: async (method, path, body, headers = {}) => {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...headers,
        },
        ...(body !== undefined
          ? { body: typeof body === 'string' ? body : JSON.stringify(body) }
          : {}),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // Plain-text answers (logs, proxied pages) stay strings.
      }
      return { status: response.status, body: parsed, headers: response.headers };
    },
    close: () => apiServer.close(),
  };
}
