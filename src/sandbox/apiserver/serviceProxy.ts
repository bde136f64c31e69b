import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * An in-process HTTP handler standing in for a pod behind a Service port (the simulated Ray
 * dashboard of a head pod, for example). `path` is what follows `/proxy`, with the query string.
 */
export type ProxyHandler = (
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
) => void;

/**
 * Handlers for `/api/v1/namespaces/{ns}/services/{name}:{port}/proxy/...`, keyed by namespace,
 * service and port (by name and by number: callers may use either, as with Kubernetes).
 */
export class ServiceProxyRegistry {
  private readonly handlers = new Map<string, ProxyHandler>();

  /** Registers `handler` for a Service port; returns a function that unregisters it. */
  register(
    target: { namespace: string; service: string; port: string | number },
    handler: ProxyHandler,
  ): () => void {
    const key = proxyKey(target.namespace, target.service, String(target.port));
    this.handlers.set(key, handler);
    return () => {
      if (this.handlers.get(key) === handler) this.handlers.delete(key);
    };
  }

  /** The handler for any of the port's identifiers (its name, number or target port). */
  find(namespace: string, service: string, ports: readonly string[]): ProxyHandler | undefined {
    for (const port of ports) {
      const handler = this.handlers.get(proxyKey(namespace, service, port));
      if (handler) return handler;
    }
    return undefined;
  }
}

function proxyKey(namespace: string, service: string, port: string): string {
  return `${namespace}/${service}/${port}`;
}
