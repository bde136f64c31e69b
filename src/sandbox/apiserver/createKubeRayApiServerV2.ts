import {
  createServer,
  type IncomingMessage,
  request as httpRequest,
  type Server,
  type ServerResponse,
} from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';

/** Options of {@link createKubeRayApiServerV2}. */
export interface KubeRayApiServerV2Options {
  /** URL of the Kubernetes API server to forward to, e.g. the sandbox's `http://127.0.0.1:6443`. */
  upstream: string;
  /**
   * Bearer token the APIServer presents upstream: its pod's service account (the sandbox's
   * admin token). Callers' own credentials are never forwarded, as upstream replaces them.
   */
  upstreamToken?: string;
  /**
   * Puts the KubeRay Helm chart's optional security proxy in front (`security.env.SECURITY_TOKEN`,
   * prefix `/`): a request whose whole `Authorization` header is not exactly this value gets
   * 401 `Unauthorized` as plain text — no `Bearer ` scheme, the proxy compares the raw string.
   * @see kuberay experimental/pkg/httpproxy/token_auth.go
   */
  securityToken?: string;
}

/** A listening (or ready to listen) APIServer v2 front. */
export interface KubeRayApiServerV2 {
  server: Server;
  /** Listens and resolves with the base URL, e.g. `http://127.0.0.1:31888`. */
  listen: (host: string, port: number) => Promise<string>;
  close: () => Promise<void>;
}

/** Label every Service the KubeRay operator creates carries; the proxy route requires it. */
const kubeRayServiceLabel = 'app.kubernetes.io/name=kuberay';

/** How a request is routed, in the order of upstream's Go 1.22 ServeMux patterns. */
type Route =
  | { kind: 'forward' }
  | { kind: 'ray-events' }
  | { kind: 'service-proxy'; namespace: string; service: string }
  | { kind: 'compute-templates'; namespace: string | undefined; name: string | undefined }
  | { kind: 'healthz' }
  | { kind: 'not-found' };

/**
 * Routes a request as the KubeRay APIServer (v1 binary with `--enable-api-server-v2`, the
 * default) does: `/apis/ray.io/v1/…` any method; `GET /apis/events.k8s.io/v1/namespaces/{ns}/events`
 * only (no cluster-wide list, no core/v1 events); the service proxy
 * `/api/v1/namespaces/{ns}/services/{service}/proxy[/…]`; everything else reaches the v1
 * grpc-gateway, of which only the compute-template reads are served here (the v1 cluster, job and
 * serve APIs are not), then 404.
 * @see kuberay apiserversdk/proxy.go NewMux, apiserver/cmd/main.go
 */
export function routeOf(method: string, path: string): Route {
  if (path.startsWith('/apis/ray.io/v1/')) return { kind: 'forward' };
  if (method === 'GET' && /^\/apis\/events\.k8s\.io\/v1\/namespaces\/[^/]+\/events$/.test(path)) {
    return { kind: 'ray-events' };
  }
  const proxy = /^\/api\/v1\/namespaces\/([^/]+)\/services\/([^/]+)\/proxy(?:\/.*)?$/.exec(path);
  if (proxy) {
    return {
      kind: 'service-proxy',
      namespace: decodeURIComponent(proxy[1] ?? ''),
      service: decodeURIComponent(proxy[2] ?? ''),
    };
  }
  if (method === 'GET') {
    const templates =
      /^\/apis\/v1\/(?:namespaces\/([^/]+)\/)?compute_templates(?:\/([^/]+))?$/.exec(path);
    // The all-namespaces route has no single-template form.
    if (templates && (templates[1] !== undefined || templates[2] === undefined)) {
      return {
        kind: 'compute-templates',
        namespace: templates[1] && decodeURIComponent(templates[1]),
        name: templates[2] && decodeURIComponent(templates[2]),
      };
    }
    if (path === '/healthz') return { kind: 'healthz' };
  }
  return { kind: 'not-found' };
}

/** The body grpc-gateway's default error handler answers an unknown route with (HTTP 404). */
const grpcNotFound = JSON.stringify({ code: 5, message: 'Not Found', details: [] });

/** A compute template as the v1 API returns it (lowerCamelCase, zero values left out). */
interface ComputeTemplateJson {
  name: string;
  namespace: string;
  cpu?: number;
  memory?: number;
  memoryUnit?: string;
  gpu?: number;
  gpuAccelerator?: string;
  extendedResources?: Record<string, number>;
  tolerations?: unknown[];
}

interface ConfigMapJson {
  metadata?: { name?: string; namespace?: string };
  data?: Record<string, string>;
}

/**
 * A compute-template ConfigMap as the v1 API converts it: integer `cpu`, `memory`, `gpu`
 * (unparsable = 0, left out), `memory_unit`, `gpu_accelerator`, and JSON `extended_resources`
 * and `tolerations`. Any other keys (Raydeck's `raydeck_*`) are not part of the answer.
 * @see kuberay apiserver/pkg/model/converter.go FromKubeToAPIComputeTemplate
 */
export function computeTemplateOfConfigMap(configMap: ConfigMapJson): ComputeTemplateJson {
  const data = configMap.data ?? {};
  const integer = (key: string) => {
    const value = /^\d+$/.test(data[key] ?? '') ? Number(data[key]) : 0;
    return value > 0 ? value : undefined;
  };
  const parsed = <T>(key: string): T | undefined => {
    try {
      return data[key] ? (JSON.parse(data[key]) as T) : undefined;
    } catch {
      return undefined;
    }
  };
  const extendedResources = parsed<Record<string, number>>('extended_resources');
  const tolerations = parsed<unknown[]>('tolerations');
  const template: ComputeTemplateJson = {
    name: configMap.metadata?.name ?? '',
    namespace: configMap.metadata?.namespace ?? '',
  };
  const cpu = integer('cpu');
  const memory = integer('memory');
  const gpu = integer('gpu');
  if (cpu !== undefined) template.cpu = cpu;
  if (memory !== undefined) template.memory = memory;
  if (data['memory_unit']) template.memoryUnit = data['memory_unit'];
  if (gpu !== undefined) template.gpu = gpu;
  if (data['gpu_accelerator']) template.gpuAccelerator = data['gpu_accelerator'];
  if (extendedResources && Object.keys(extendedResources).length > 0) {
    template.extendedResources = extendedResources;
  }
  if (tolerations?.length) template.tolerations = tolerations;
  return template;
}

/**
 * A KubeRay APIServer v2 in front of a Kubernetes API server (the sandbox), forwarding exactly
 * what upstream forwards — see {@link routeOf} — so a portal run with `--apiserver-url` meets
 * the same walls it would meet in production: no pods, nodes, ConfigMaps, quotas or core
 * events, only ray.io objects, their events.k8s.io events and the KubeRay services' proxy.
 * Events lists get `regarding.apiVersion=ray.io/v1` added to their field selector; the proxy
 * answers 404 `kuberay service not found` for a Service without `app.kubernetes.io/name=kuberay`.
 * Not simulated: upstream's compute-template middleware on ray.io creates, its retries, CORS,
 * `/metrics`, `/swagger/`, and the v1 cluster, job and serve APIs.
 */
export function createKubeRayApiServerV2(options: KubeRayApiServerV2Options): KubeRayApiServerV2 {
  const upstream = new URL(options.upstream);
  const send = upstream.protocol === 'https:' ? httpsRequest : httpRequest;

  /** One request to the Kubernetes API as the APIServer's service account. */
  const upstreamRequest = (
    method: string,
    path: string,
    headers: IncomingMessage['headers'],
  ): ReturnType<typeof httpRequest> => {
    const forwarded = { ...headers, host: upstream.host };
    delete forwarded.authorization;
    if (options.upstreamToken) forwarded.authorization = `Bearer ${options.upstreamToken}`;
    return send({
      protocol: upstream.protocol,
      hostname: upstream.hostname,
      port: upstream.port,
      method,
      path,
      headers: forwarded,
      // The sandbox's self-signed certificate on loopback.
      rejectUnauthorized: false,
    });
  };

  const forward = (request: IncomingMessage, response: ServerResponse, path: string): void => {
    const outgoing = upstreamRequest(request.method ?? 'GET', path, request.headers);
    outgoing.on('response', (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      // Watches stream: headers go out at once and every chunk as it arrives, as Go's
      // ReverseProxy does for chunked answers (a watch client waits for the headers).
      response.flushHeaders();
      answer.pipe(response);
    });
    outgoing.on('error', () => {
      if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' });
      response.end();
    });
    response.on('close', () => outgoing.destroy());
    request.pipe(outgoing);
  };

  const getJson = (path: string): Promise<{ status: number; body: unknown }> =>
    new Promise((resolve, reject) => {
      const outgoing = upstreamRequest('GET', path, { accept: 'application/json' });
      outgoing.on('response', (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: answer.statusCode ?? 502, body: JSON.parse(text) as unknown });
          } catch {
            resolve({ status: answer.statusCode ?? 502, body: undefined });
          }
        });
      });
      outgoing.on('error', reject);
      outgoing.end();
    });

  const plain = (response: ServerResponse, status: number, text: string): void => {
    response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
    response.end(`${text}\n`);
  };
  const json = (response: ServerResponse, status: number, body: string): void => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(body);
  };

  const serviceProxy = async (
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    route: { namespace: string; service: string },
  ): Promise<void> => {
    // `[scheme:]name[:port]`, as net.SplitSchemeNamePort splits it.
    const parts = route.service.split(':');
    const name = parts.length === 3 ? parts[1] : parts[0];
    if (parts.length > 3 || !name) {
      plain(response, 400, `invalid service format: ${route.service}`);
      return;
    }
    const query = new URLSearchParams({
      fieldSelector: `metadata.name=${name}`,
      labelSelector: kubeRayServiceLabel,
    });
    const found = await getJson(
      `/api/v1/namespaces/${encodeURIComponent(route.namespace)}/services?${query.toString()}`,
    ).catch(() => undefined);
    if (!found || found.status !== 200) {
      plain(response, 500, 'failed to list kuberay services');
      return;
    }
    const items = (found.body as { items?: unknown[] } | undefined)?.items ?? [];
    if (items.length === 0) {
      plain(response, 404, 'kuberay service not found');
      return;
    }
    forward(request, response, `${url.pathname}${url.search}`);
  };

  const computeTemplates = async (
    response: ServerResponse,
    route: { namespace: string | undefined; name: string | undefined },
  ): Promise<void> => {
    const query = new URLSearchParams({ labelSelector: 'ray.io/config-type=compute-template' });
    const path = route.namespace
      ? `/api/v1/namespaces/${encodeURIComponent(route.namespace)}/configmaps`
      : '/api/v1/configmaps';
    const listed = await getJson(`${path}?${query.toString()}`).catch(() => undefined);
    if (!listed || listed.status !== 200) {
      json(response, 500, JSON.stringify({ code: 13, message: 'Internal error', details: [] }));
      return;
    }
    const templates = ((listed.body as { items?: ConfigMapJson[] } | undefined)?.items ?? []).map(
      computeTemplateOfConfigMap,
    );
    if (route.name === undefined) {
      json(response, 200, JSON.stringify({ computeTemplates: templates }));
      return;
    }
    const found = templates.find((template) => template.name === route.name);
    if (found) json(response, 200, JSON.stringify(found));
    else {
      json(
        response,
        404,
        JSON.stringify({
          code: 5,
          message: `Compute template ${route.name} not found`,
          details: [],
        }),
      );
    }
  };

  const handler = (request: IncomingMessage, response: ServerResponse): void => {
    const url = new URL(request.url ?? '/', 'http://apiserver');
    const route = routeOf(request.method ?? 'GET', url.pathname);
    switch (route.kind) {
      case 'forward':
        forward(request, response, `${url.pathname}${url.search}`);
        return;
      case 'ray-events': {
        // Upstream appends to any field selector the caller sent, comma-joined.
        const selectors = [
          ...url.searchParams.getAll('fieldSelector'),
          'regarding.apiVersion=ray.io/v1',
        ];
        url.searchParams.set('fieldSelector', selectors.join(','));
        forward(request, response, `${url.pathname}${url.search}`);
        return;
      }
      case 'service-proxy':
        void serviceProxy(request, response, url, route);
        return;
      case 'compute-templates':
        void computeTemplates(response, route);
        return;
      case 'healthz':
        // Upstream answers 200 with an empty body once started.
        response.writeHead(200);
        response.end();
        return;
      case 'not-found':
        request.resume();
        json(response, 404, grpcNotFound);
        return;
    }
  };

  const securityToken = options.securityToken;
  const server = createServer(
    securityToken === undefined
      ? handler
      : (request, response) => {
          if (request.headers.authorization !== securityToken) {
            request.resume();
            response.writeHead(401, { 'content-type': 'text/plain; charset=utf-8' });
            response.end('Unauthorized\n');
            return;
          }
          handler(request, response);
        },
  );
  server.keepAliveTimeout = 65_000;
  return {
    server,
    listen: (host, port) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const info = server.address() as AddressInfo;
          resolve(`http://${host.includes(':') ? `[${host}]` : host}:${info.port}`);
        });
      }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
