import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';

import type { KubeConfig } from '@kubernetes/client-node';

import { kubeApiErrorOfResponse, toKubeApiError } from './k8sErrors.ts';

/** One call of the Kubernetes REST API. */
export interface KubeRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path under the API server URL, e.g. `/api/v1/pods`. */
  path: string;
  /** Query parameters; undefined values are left out. */
  query?: Readonly<Record<string, string | number | boolean | undefined>>;
  /** JSON body. */
  body?: unknown;
  /** Default `application/json`; patches name their strategy here. */
  contentType?: string;
}

/** Milliseconds a request may take before it fails as unreachable (503); a list page of 500 pods takes far less. Default 60 s. */
const requestTimeoutMs = 60_000;

/**
 * Sends one request with the portal's Kubernetes credentials (client-node applies TLS, tokens,
 * exec plugins and proxies to the request options, as for its watches) and resolves with the
 * JSON answer exactly as the API server wrote it. Unlike client-node's typed calls, nothing is
 * deserialised into classes: lists keep `metadata.continue` (typed calls rename it
 * `_continue`) and timestamps stay RFC 3339 strings, the same JSON the watch delivers.
 * Failures are {@link KubeApiError}s (an unreachable server is 503).
 */
export async function kubeRequest<T>(kubeConfig: KubeConfig, call: KubeRequest): Promise<T> {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('no current Kubernetes cluster');
  const base = new URL(cluster.server);
  const url = new URL(`${base.pathname.replace(/\/$/, '')}${call.path}`, base);
  for (const [key, value] of Object.entries(call.query ?? {})) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  const body = call.body === undefined ? undefined : JSON.stringify(call.body);
  const options: RequestOptions = {
    protocol: base.protocol,
    hostname: base.hostname,
    port: base.port,
    path: `${url.pathname}${url.search}`,
    method: call.method,
    headers: {
      accept: 'application/json',
      ...(body !== undefined
        ? {
            'content-type': call.contentType ?? 'application/json',
            'content-length': Buffer.byteLength(body),
          }
        : {}),
    },
  };
  try {
    await kubeConfig.applyToHTTPSOptions(options);
    const { status, text } = await send(base.protocol, options, body);
    if (status < 200 || status > 299) throw kubeApiErrorOfResponse(status, text);
    return JSON.parse(text) as T;
  } catch (error) {
    throw toKubeApiError(error);
  }
}

function send(
  protocol: string,
  options: RequestOptions,
  body: string | undefined,
): Promise<{ status: number; text: string }> {
  const open = protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = open(options, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    outgoing.on('error', reject);
    outgoing.setTimeout(requestTimeoutMs, () =>
      outgoing.destroy(
        Object.assign(new Error(`no answer within ${requestTimeoutMs / 1000} s`), {
          code: 'ETIMEDOUT',
        }),
      ),
    );
    outgoing.end(body);
  });
}
