import type {
  ProxyHandler,
  ProxyUpgradeHandler,
  ServiceProxyRegistry,
} from '../../apiserver/serviceProxy.ts';
import type { RayHeadPortListeners } from '../../ray/rayHeadPortListeners.ts';
import type { RayNodeDescription } from '../../ray/rayNodes.ts';
import type { SimClock } from '../../world/simClock.ts';
import { kubeRayConstants } from './kubeRayConstants.ts';

/** A Ray job as the operator reads it from the head (`GET /api/jobs/<id>`, kuberay-api.md §4.1). */
export interface RayJobInfo {
  status: string;
  message: string;
  /** Epoch ms, when started / ended. */
  startTime?: number;
  endTime?: number;
}

/** What the operator submits (`POST /api/jobs/`), in TypeScript naming. */
export interface RayJobSubmission {
  entrypoint: string;
  submissionId: string;
  runtimeEnv?: Record<string, unknown>;
  metadata?: Record<string, string>;
  entrypointNumCpus?: number;
  entrypointNumGpus?: number;
  entrypointResources?: Record<string, number>;
}

/** One Serve application's status (`GET /api/serve/applications/`), KubeRay's view. */
export interface ServeApplicationStatus {
  status: string;
  message: string;
  deployments: Record<string, { status: string; message: string }>;
}

/**
 * The operator's view of a simulated Ray head: the calls KubeRay makes to the dashboard
 * (kuberay-api.md §2.8) plus what the in-tree autoscaler reads from the GCS. Implemented by an
 * adapter over the Ray head simulation (src/sandbox/ray).
 */
export interface RayHeadApi {
  /** Serves the dashboard (and Jobs/Serve API) behind the head Service's `dashboard` port. */
  readonly handler: ProxyHandler;
  /** Serves WebSocket upgrades through the same Service port (the job log tail). */
  readonly upgradeHandler?: ProxyUpgradeHandler;
  /** What listens on the head pod's ports, for port-forward (dashboard, client, Serve). */
  readonly portListeners?: RayHeadPortListeners;
  /** Replaces the cluster's Ray nodes (one per pod; `alive` false while not ready). */
  updateNodes(nodes: readonly RayNodeDescription[]): void;
  stop(): void;
  /** `undefined` when no such job (the dashboard's 404). */
  getJob(submissionId: string): RayJobInfo | undefined;
  /** Throws an Error with the dashboard's message when rejected (duplicate id, bad request). */
  submitJob(submission: RayJobSubmission): void;
  stopJob(submissionId: string): void;
  /** Deploys a Serve config (`PUT /api/serve/applications/`, the JSON of serveConfigV2). */
  deployServeConfig(config: Record<string, unknown>): void;
  serveApplications(): Record<string, ServeApplicationStatus>;
  /** Resource bundles Ray cannot place now (the autoscaler's pending demand). */
  pendingResourceDemand(): Record<string, number>[];
  /** Whether nothing is placed on node `nodeName` (a pod name). */
  isNodeIdle(nodeName: string): boolean;
}

/** What starting a Ray head needs (KubeRay's view of the cluster). */
export interface RayHeadStartOptions {
  clock: SimClock;
  clusterName: string;
  namespace: string;
  rayVersion: string;
  nodes: readonly RayNodeDescription[];
  /** Token of `authOptions.mode: token` clusters; requests must carry it. */
  authToken?: string;
  /** The head pod the head runs in (a new pod is a new Ray head, with an empty job table). */
  headPodName?: string;
}

/** Starts a Ray head simulation. */
export type RayHeadFactory = (options: RayHeadStartOptions) => RayHeadApi;

interface RunningHead {
  head: RayHeadApi;
  headPodName: string;
  nodesSignature: string;
  unregister: (() => void)[];
}

/**
 * The Ray heads of the sandbox, one per RayCluster whose head pod is ready: started and stopped
 * by the RayCluster controller, registered as the service proxy handler of the cluster's head
 * Service (port `dashboard`, and the dashboard port number), and reachable by other controllers.
 * RayJob and RayService head Services are registered as aliases that follow their cluster.
 */
export class RayHeadRegistry {
  private readonly heads = new Map<string, RunningHead>();
  private readonly aliases = new Map<string, { clusterKey: string; unregister: () => void }>();
  private readonly proxies: ServiceProxyRegistry;
  private readonly factory: RayHeadFactory;
  private readonly listeners = new Set<(clusterKey: string) => void>();

  constructor(proxies: ServiceProxyRegistry, factory: RayHeadFactory) {
    this.proxies = proxies;
    this.factory = factory;
  }

  /** The running head of `namespace/cluster`. */
  get(clusterKey: string): RayHeadApi | undefined {
    return this.heads.get(clusterKey)?.head;
  }

  /** Calls `listener(clusterKey)` whenever a head starts or stops. */
  onChange(listener: (clusterKey: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Makes sure the head of `clusterKey` runs for pod `headPodName` (a new head pod means a new
   * Ray head), is registered on the head Service, and knows `nodes`.
   */
  ensure(input: {
    clusterKey: string;
    headPodName: string;
    serviceName: string;
    dashboardPort: number;
    start: () => RayHeadStartOptions;
    nodes: readonly RayNodeDescription[];
  }): void {
    let running = this.heads.get(input.clusterKey);
    if (running && running.headPodName !== input.headPodName) {
      this.stop(input.clusterKey);
      running = undefined;
    }
    const signature = nodesSignature(input.nodes);
    if (!running) {
      const head = this.factory({
        ...input.start(),
        nodes: input.nodes,
        headPodName: input.headPodName,
      });
      const namespace = input.clusterKey.slice(0, input.clusterKey.indexOf('/'));
      const pod = input.headPodName;
      const listeners = head.portListeners;
      running = {
        head,
        headPodName: input.headPodName,
        nodesSignature: signature,
        unregister: [
          this.proxies.register(
            { namespace, service: input.serviceName, port: 'dashboard' },
            head.handler,
            head.upgradeHandler,
          ),
          this.proxies.register(
            { namespace, service: input.serviceName, port: input.dashboardPort },
            head.handler,
            head.upgradeHandler,
          ),
          // Port-forward reaches the head pod's ports: Ray's defaults for the client and Serve.
          ...(listeners
            ? [
                this.proxies.podPorts.register(
                  { namespace, pod, port: input.dashboardPort },
                  listeners.dashboard,
                ),
                this.proxies.podPorts.register(
                  { namespace, pod, port: kubeRayConstants.ports.client },
                  listeners.client,
                ),
                this.proxies.podPorts.register(
                  { namespace, pod, port: kubeRayConstants.ports.serve },
                  listeners.serve,
                ),
              ]
            : []),
        ],
      };
      this.heads.set(input.clusterKey, running);
      for (const listener of this.listeners) listener(input.clusterKey);
      return;
    }
    if (running.nodesSignature !== signature) {
      running.nodesSignature = signature;
      running.head.updateNodes(input.nodes);
    }
  }

  /** Stops the head of `clusterKey` (its head pod went away, or the cluster did). */
  stop(clusterKey: string): void {
    const running = this.heads.get(clusterKey);
    if (!running) return;
    this.heads.delete(clusterKey);
    for (const unregister of running.unregister) unregister();
    running.head.stop();
    for (const listener of this.listeners) listener(clusterKey);
  }

  /**
   * Registers `namespace/service` (a RayJob's or RayService's head Service) as following the head
   * of `clusterKey`; re-registering moves it to another cluster.
   */
  alias(namespace: string, service: string, clusterKey: string, dashboardPort: number): void {
    const key = `${namespace}/${service}`;
    const existing = this.aliases.get(key);
    if (existing?.clusterKey === clusterKey) return;
    existing?.unregister();
    const handler: ProxyHandler = (request, response, path) => {
      const head = this.get(clusterKey);
      if (head) {
        head.handler(request, response, path);
        return;
      }
      response.writeHead(503, { 'content-type': 'text/plain' });
      response.end(`no endpoints available for service "${service}"`);
    };
    const upgradeHandler: ProxyUpgradeHandler = (request, socket, head, path) => {
      const target = this.get(clusterKey)?.upgradeHandler;
      if (target) {
        target(request, socket, head, path);
        return;
      }
      const body = `no endpoints available for service "${service}"`;
      socket.end(
        `HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    };
    const unregisterName = this.proxies.register(
      { namespace, service, port: 'dashboard' },
      handler,
      upgradeHandler,
    );
    const unregisterPort = this.proxies.register(
      { namespace, service, port: dashboardPort },
      handler,
      upgradeHandler,
    );
    this.aliases.set(key, {
      clusterKey,
      unregister: () => {
        unregisterName();
        unregisterPort();
      },
    });
  }

  /**
   * Registers `namespace/service` (a RayService's serve Service) as the Serve HTTP proxy of
   * the head of `clusterKey` (ports `serve` and 8000); re-registering moves it (traffic switch).
   */
  aliasServe(namespace: string, service: string, clusterKey: string): void {
    const key = `${namespace}/${service}`;
    const existing = this.aliases.get(key);
    if (existing?.clusterKey === clusterKey) return;
    existing?.unregister();
    const handler: ProxyHandler = (request, response, path) => {
      const target = this.heads.get(clusterKey)?.head.portListeners?.serveHttp;
      if (target) {
        target(request, response, path);
        return;
      }
      response.writeHead(503, { 'content-type': 'text/plain' });
      response.end(`no endpoints available for service "${service}"`);
    };
    const unregister = [
      this.proxies.register({ namespace, service, port: 'serve' }, handler),
      this.proxies.register({ namespace, service, port: kubeRayConstants.ports.serve }, handler),
    ];
    this.aliases.set(key, {
      clusterKey,
      unregister: () => {
        for (const entry of unregister) entry();
      },
    });
  }

  /** Removes an alias. */
  unalias(namespace: string, service: string): void {
    const key = `${namespace}/${service}`;
    this.aliases.get(key)?.unregister();
    this.aliases.delete(key);
  }

  /** Stops every head and removes every registration. */
  stopAll(): void {
    for (const key of [...this.heads.keys()]) this.stop(key);
    for (const alias of this.aliases.values()) alias.unregister();
    this.aliases.clear();
  }
}

function nodesSignature(nodes: readonly RayNodeDescription[]): string {
  return nodes
    .map(
      (node) =>
        `${node.name}|${node.ip}|${node.alive ? 1 : 0}|${node.cpus}|${node.gpus}|${node.memoryBytes}`,
    )
    .join(',');
}
