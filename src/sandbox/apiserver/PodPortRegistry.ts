import type { Duplex } from 'node:stream';

/**
 * An in-process stand-in for a process listening on a pod's TCP port (the simulated Ray
 * dashboard on a head pod's 8265, for example). It gets each forwarded connection as a Duplex
 * of raw bytes and returns `true` when it accepts it; `false` is the port's "connection
 * refused" (nothing listens right now), and the caller then closes the connection.
 */
export type PodPortListener = (connection: Duplex) => boolean;

/**
 * Listeners by namespace, pod and container port, for `pods/{name}/portforward` (kubectl
 * port-forward, which resolves a Service to a pod and its target port itself). A port without
 * a listener refuses connections, as a container port nothing listens on does.
 */
export class PodPortRegistry {
  private readonly listeners = new Map<string, PodPortListener>();

  /** Registers `listener` on a pod's port; returns a function that unregisters it. */
  register(
    target: { namespace: string; pod: string; port: number },
    listener: PodPortListener,
  ): () => void {
    const key = podPortKey(target.namespace, target.pod, target.port);
    this.listeners.set(key, listener);
    return () => {
      if (this.listeners.get(key) === listener) this.listeners.delete(key);
    };
  }

  /** The listener on a pod's port, if any. */
  find(namespace: string, pod: string, port: number): PodPortListener | undefined {
    return this.listeners.get(podPortKey(namespace, pod, port));
  }
}

function podPortKey(namespace: string, pod: string, port: number): string {
  return `${namespace}/${pod}/${port}`;
}
