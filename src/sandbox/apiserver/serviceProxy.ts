import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

import { PodPortRegistry } from './PodPortRegistry.ts';

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
 * An in-process handler for an HTTP upgrade (WebSocket) request through the service proxy: the
 * Node `upgrade` event's arguments, plus the path after `/proxy` (with the query string).
 */
export type ProxyUpgradeHandler = (
  request: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  path: string,
) => void;

/**
 * Handlers for `/api/v1/namespaces/{ns}/services/{name}:{port}/proxy/...`, keyed by namespace,
 * service and port (by name and by number: callers may use either, as with Kubernetes), with
 * optional upgrade handlers for WebSockets through the same path. `podPorts` holds what listens
 * on pods' ports, for `pods/{name}/portforward`.
 */
export class ServiceProxyRegistry {
  readonly podPorts = new PodPortRegistry();
  private readonly handlers = new Map<string, ProxyHandler>();
  private readonly upgradeHandlers = new Map<string, ProxyUpgradeHandler>();

  /**
   * Registers `handler` (and `upgradeHandler` for upgrade requests, if given) for a Service port;
   * returns a function that unregisters them.
   */
  register(
    target: { namespace: string; service: string; port: string | number },
    handler: ProxyHandler,
    upgradeHandler?: ProxyUpgradeHandler,
  ): () => void {
    const key = proxyKey(target.namespace, target.service, String(target.port));
    this.handlers.set(key, handler);
    if (upgradeHandler) this.upgradeHandlers.set(key, upgradeHandler);
    return () => {
      if (this.handlers.get(key) === handler) this.handlers.delete(key);
      if (upgradeHandler && this.upgradeHandlers.get(key) === upgradeHandler)
        this.upgradeHandlers.delete(key);
    };
  }

  /** The upgrade handler for any of the port's identifiers (its name, number or target port). */
  findUpgrade(
    namespace: string,
    service: string,
    ports: readonly string[],
  ): ProxyUpgradeHandler | undefined {
    for (const port of ports) {
      const handler = this.upgradeHandlers.get(proxyKey(namespace, service, port));
      if (handler) return handler;
    }
    return undefined;
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
