import { type IncomingMessage, type OutgoingHttpHeaders, request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';

import type { KubeConfig } from '@kubernetes/client-node';

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
  const base = new URL(cluster.server);
  const prefix = base.pathname.replace(/\/$/, '');
  const target = `${prefix}/api/v1/namespaces/${encodeURIComponent(proxy.namespace)}/services/${encodeURIComponent(proxy.service)}:${encodeURIComponent(proxy.port)}/proxy${proxy.path}`;
  const options: RequestOptions = {
    protocol: base.protocol,
    hostname: base.hostname,
    port: base.port,
    path: target,
    method: proxy.method,
    headers: { ...proxy.headers },
  };
  await kubeConfig.applyToHTTPSOptions(options);
  const send = base.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = send(options, resolve);
    outgoing.on('error', reject);
    outgoing.setTimeout(30_000, () =>
      outgoing.destroy(new Error('the Ray dashboard did not answer within 30 s')),
    );
    if (proxy.body && !Buffer.isBuffer(proxy.body)) proxy.body.pipe(outgoing);
    else outgoing.end(proxy.body);
  });
}
