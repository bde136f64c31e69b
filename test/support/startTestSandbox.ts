import { mkdtempSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  createSandboxApiServer,
  type SandboxApiServer,
  type SandboxApiServerOptions,
} from '../../src/sandbox/apiserver/createSandboxApiServer.ts';
import { writeSandboxKubeconfig } from '../../src/sandbox/kubeconfigFile.ts';

/** A small JSON client of a sandbox: non-JSON answers (logs, proxied pages) stay strings. */
export type SandboxRequest = (
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<{ status: number; body: unknown; headers: Headers }>;

/** A sandbox API server on a free loopback port, with a kubeconfig and a small JSON client. */
export interface TestSandbox {
  url: string;
  kubeconfig: string;
  apiServer: SandboxApiServer;
  /** Sends the admin token, if the sandbox has one. */
  request: SandboxRequest;
  close: () => Promise<void>;
}

/**
 * A client of the sandbox at `url` that sends `token` as its bearer token (none if undefined).
 * An `https:` sandbox (self-signed, on loopback) is reached without verifying its certificate.
 */
export function sandboxRequester(url: string, token: string | undefined): SandboxRequest {
  return async (method, path, body, headers = {}) => {
    const init = {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      ...(body !== undefined
        ? { body: typeof body === 'string' ? body : JSON.stringify(body) }
        : {}),
    };
    const response = url.startsWith('https:')
      ? await insecureHttpsFetch(`${url}${path}`, init)
      : await fetch(`${url}${path}`, init);
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Plain-text answers (logs, proxied pages) stay strings.
    }
    return { status: response.status, body: parsed, headers: response.headers };
  };
}

/** fetch over HTTPS without certificate checks (global fetch cannot skip them). */
function insecureHttpsFetch(
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest(
      url,
      { method: init.method, headers: init.headers, rejectUnauthorized: false },
      (message) => {
        const chunks: Buffer[] = [];
        message.on('data', (chunk: Buffer) => chunks.push(chunk));
        message.on('end', () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(message.headers)) {
            for (const item of Array.isArray(value) ? value : value ? [value] : []) {
              headers.append(name, item);
            }
          }
          resolve(
            new Response(Buffer.concat(chunks), { status: message.statusCode ?? 0, headers }),
          );
        });
      },
    );
    request.on('error', reject);
    request.end(init.body);
  });
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
    request: sandboxRequester(url, options.token),
    close: () => apiServer.close(),
  };
}
