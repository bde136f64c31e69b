import { type IncomingMessage, type OutgoingHttpHeaders, request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { pipeline } from 'node:stream';

import type { KubeConfig } from '@kubernetes/client-node';
import { WebSocket } from 'ws';

/** A request through the Kubernetes API server's service proxy. */
export interface ServiceProxyRequest {
  namespace: string;
  service: string;
  /** Port name or number of the service, e.g. `dashboard`. */
  port: string;
  /** Path after `/proxy`, starting with `/`, with the query string. */
  path: string;
  method: string;
  headers: OutgoingHttpHeaders;
  body?: NodeJS.ReadableStream | Buffer;
}

/** Sends requests through the service proxy with fixed credentials (see {@link requestThroughServiceProxy}). */
export type ServiceProxy = (proxy: ServiceProxyRequest) => Promise<IncomingMessage>;

/** A {@link ServiceProxy} bound to the portal's Kubernetes connection. */
export function createServiceProxy(kubeConfig: KubeConfig): ServiceProxy {
  return (proxy) => requestThroughServiceProxy(kubeConfig, proxy);
}

/**
 * Sends a request to `/api/v1/namespaces/{ns}/services/{svc}:{port}/proxy/{path}` with the
 * portal's Kubernetes credentials (client-node sets TLS and auth on the request options) and
 * resolves with the streaming response, so large logs are piped, not buffered.
 * @see kuberay-api.md §4.2 (reaching the dashboard through the Kubernetes API proxy)
 */
export async function requestThroughServiceProxy(
  kubeConfig: KubeConfig,
  proxy: ServiceProxyRequest,
): Promise<IncomingMessage> {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('no current Kubernetes cluster');
  return serviceProxyTo(cluster.server, (options) => kubeConfig.applyToHTTPSOptions(options))(
    proxy,
  );
}

/**
 * A {@link ServiceProxy} to the API server at `server` (e.g. `https://10.0.0.1:6443`), with
 * `authenticate` adding credentials to each request's options (none by default: tests and
 * loopback API servers).
 */
export function serviceProxyTo(
  server: string,
  authenticate: (options: RequestOptions) => Promise<void> = async () => undefined,
): ServiceProxy {
  const base = new URL(server);
  const prefix = base.pathname.replace(/\/$/, '');
  const send = base.protocol === 'https:' ? httpsRequest : httpRequest;
  return async (proxy) => {
    const target = `${prefix}/api/v1/namespaces/${encodeURIComponent(proxy.namespace)}/services/${encodeURIComponent(proxy.service)}:${encodeURIComponent(proxy.port)}/proxy${proxy.path}`;
    const options: RequestOptions = {
      protocol: base.protocol,
      hostname: base.hostname,
      port: base.port,
      path: target,
      method: proxy.method,
      headers: { ...proxy.headers },
    };
    await authenticate(options);
    return new Promise((resolve, reject) => {
      const outgoing = send(options, resolve);
      outgoing.on('error', reject);
      outgoing.setTimeout(30_000, () =>
        outgoing.destroy(new Error('the Ray dashboard did not answer within 30 s')),
      );
      // pipeline, not pipe: a body that fails (too large, client gone) aborts the upstream request.
      if (proxy.body && !Buffer.isBuffer(proxy.body))
        pipeline(proxy.body, outgoing, () => undefined);
      else outgoing.end(proxy.body);
    });
  };
}

/** Opens a WebSocket through the service proxy (see {@link serviceProxyUpgradeTo}). */
export type ServiceProxyUpgrade = (
  proxy: Pick<ServiceProxyRequest, 'namespace' | 'service' | 'port' | 'path' | 'headers'>,
) => Promise<WebSocket>;

/** A {@link ServiceProxyUpgrade} bound to the portal's Kubernetes connection. */
export function createServiceProxyUpgrade(kubeConfig: KubeConfig): ServiceProxyUpgrade {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) return () => Promise.reject(new Error('no current Kubernetes cluster'));
  return serviceProxyUpgradeTo(cluster.server, (options) =>
    kubeConfig.applyToHTTPSOptions(options),
  );
}

/**
 * WebSocket upgrades through `/api/v1/namespaces/{ns}/services/{svc}:{port}/proxy/{path}` of the
 * API server at `server` (Kubernetes proxies upgrades to the service), with `authenticate`
 * adding the portal's credentials (TLS client certificate, CA, bearer header). Resolves once
 * the upstream has accepted the upgrade.
 */
export function serviceProxyUpgradeTo(
  server: string,
  authenticate: (options: RequestOptions) => Promise<void> = async () => undefined,
): ServiceProxyUpgrade {
  const base = new URL(server);
  const prefix = base.pathname.replace(/\/$/, '');
  return async (proxy) => {
    const path = `${prefix}/api/v1/namespaces/${encodeURIComponent(proxy.namespace)}/services/${encodeURIComponent(proxy.service)}:${encodeURIComponent(proxy.port)}/proxy${proxy.path}`;
    const options: RequestOptions = { headers: { ...proxy.headers } };
    await authenticate(options);
    const url = `${base.protocol === 'https:' ? 'wss:' : 'ws:'}//${base.host}${path}`;
    const socket = new WebSocket(url, {
      headers: Object.fromEntries(
        Object.entries(options.headers ?? {}).map(([key, value]) => [key, String(value)]),
      ),
      ...(options.ca ? { ca: options.ca } : {}),
      ...(options.cert ? { cert: options.cert } : {}),
      ...(options.key ? { key: options.key } : {}),
      ...(options.rejectUnauthorized !== undefined
        ? { rejectUnauthorized: options.rejectUnauthorized }
        : {}),
      handshakeTimeout: 30_000,
    });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(socket));
      socket.once('error', reject);
      socket.once('unexpected-response', (_request, response) =>
        reject(
          new Error(`the Ray dashboard answered ${response.statusCode ?? 502} to the upgrade`),
        ),
      );
    });
  };
}
