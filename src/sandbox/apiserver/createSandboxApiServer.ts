import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

import { createApiRequestHandler, type PodLogSource } from './apiRequestHandler.ts';
import { builtinDefaults } from './builtinDefaults.ts';
import { createUpgradeHandler } from './createUpgradeHandler.ts';
import { startCustomResourceDefinitionLifecycle } from './customResourceDefinitionLifecycle.ts';
import { GarbageCollector } from './garbageCollector.ts';
import { ObjectApi, type ObjectApiOptions } from './objectApi.ts';
import { ObjectStore, type ObjectStoreOptions } from './objectStore.ts';
import {
  rayCustomResourceDefinitions,
  validateRayObjectName,
} from './rayCustomResourceDefinitions.ts';
import { RbacAuthorizer } from './RbacAuthorizer.ts';
import { rbacEscalationCheck } from './rbacEscalationCheck.ts';
import { ResourceRegistry } from './resourceRegistry.ts';
import type { ResourceType } from './resourceType.ts';
import { selfSignedCertificate, type TlsKeyPair } from './selfSignedCertificate.ts';
import { ServiceAccountTokens } from './ServiceAccountTokens.ts';
import { ServiceProxyRegistry } from './serviceProxy.ts';
import { invalid } from './statusError.ts';

/** Namespaces every cluster starts with. */
export const initialNamespaces = [
  'default',
  'kube-system',
  'kube-public',
  'kube-node-lease',
] as const;

/** Options for {@link createSandboxApiServer}. */
export interface SandboxApiServerOptions extends ObjectStoreOptions, ObjectApiOptions {
  /**
   * The admin token: it authenticates as `sandbox-admin` (group `system:masters`), and
   * requests without any bearer token get 401. Without it, such requests act as the admin.
   */
  token?: string;
  /**
   * Authorize every request, and answer access reviews, from the stored RBAC objects plus
   * Kubernetes' default discovery/basic-user roles (default: allow everything).
   */
  rbac?: boolean;
  /**
   * Serve HTTPS: with this key pair, or (`true`) a self-signed certificate for 127.0.0.1 and
   * localhost. kubectl sends bearer tokens only over TLS. Default: plain HTTP.
   */
  tls?: boolean | TlsKeyPair;
  /** A store restored from a snapshot; a fresh (or empty) one is seeded. */
  store?: ObjectStore;
  podLogs?: PodLogSource;
}

/** A running (or ready to listen) sandbox API server and its in-process parts. */
export interface SandboxApiServer {
  api: ObjectApi;
  store: ObjectStore;
  registry: ResourceRegistry;
  proxies: ServiceProxyRegistry;
  server: Server;
  /** The serving certificate (PEM) when serving HTTPS. */
  certificate?: string;
  /** Listens and resolves with the base URL, e.g. `http://127.0.0.1:6443`. */
  listen: (host: string, port: number) => Promise<string>;
  close: () => Promise<void>;
  /** Sets the pod log source (the simulated kubelet registers one). */
  setPodLogSource: (source: PodLogSource) => void;
}

/**
 * Assembles the sandbox's Kubernetes API server: storage, the registry of served kinds with the
 * ray.io CRDs installed through the ordinary CRD path, admission (built-in defaults, KubeRay's
 * name rules), garbage collection, and the HTTP handler.
 */
export function createSandboxApiServer(options: SandboxApiServerOptions = {}): SandboxApiServer {
  // An empty store (a state journal opened for the first time) is seeded like a new one.
  const restored = options.store !== undefined && options.store.resourceVersion > 0;
  const store = options.store ?? new ObjectStore(options);
  const registry = new ResourceRegistry();
  const api = new ObjectApi(store, registry, options);
  api.addAdmissionPlugin(builtinDefaults(api));
  api.addAdmissionPlugin((request) => {
    if (request.type.group !== 'ray.io' || request.operation !== 'CREATE') return undefined;
    const name = request.object.metadata?.name ?? '';
    const causes = validateRayObjectName(request.type.kind, name);
    if (causes.length > 0) throw invalid(request.type.kind, request.type.group, name, causes);
    return undefined;
  });
  startCustomResourceDefinitionLifecycle(api);
  new GarbageCollector(api);
  startDefaultServiceAccounts(api);
  if (!restored) seed(api);

  const proxies = new ServiceProxyRegistry();
  // Controllers inside the sandbox call ObjectApi directly: only HTTP clients are authorized.
  const authorizer = options.rbac ? new RbacAuthorizer(store) : undefined;
  if (authorizer) api.addAdmissionPlugin(rbacEscalationCheck(authorizer));
  const tokens = new ServiceAccountTokens(api, options.now ? { now: options.now } : {});
  let address = '127.0.0.1:0';
  const context = {
    api,
    proxies,
    authentication: {
      tokens,
      ...(options.token ? { adminToken: options.token } : {}),
      ...(authorizer ? { authorize: authorizer.authorize.bind(authorizer) } : {}),
    },
    ...(authorizer ? { authorizer } : {}),
    serverAddress: () => address,
    ...(options.podLogs ? { podLogs: options.podLogs } : {}),
  };
  const handler = createApiRequestHandler(context);
  const tls = options.tls === true ? selfSignedCertificate() : options.tls || undefined;
  // An https.Server emits the same request events and has the same connection methods.
  const server = tls
    ? (createHttpsServer({ cert: tls.cert, key: tls.key }, handler) as unknown as Server)
    : createServer(handler);
  server.keepAliveTimeout = 65_000;
  // WebSocket and SPDY upgrades: port-forward, and WebSockets through the service proxy.
  const upgrades = createUpgradeHandler(context, handler);
  server.on('upgrade', upgrades.handle);

  return {
    api,
    store,
    registry,
    proxies,
    server,
    ...(tls ? { certificate: tls.cert } : {}),
    listen: (host, port) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const info = server.address() as AddressInfo;
          address = `${host.includes(':') ? `[${host}]` : host}:${info.port}`;
          resolve(`${tls ? 'https' : 'http'}://${address}`);
        });
      }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        upgrades.destroyAll();
        server.close(() => resolve());
      }),
    setPodLogSource: (source) => {
      context.podLogs = source;
    },
  };
}

function typeOf(api: ObjectApi, group: string, plural: string): ResourceType {
  const type = api.registry.lookup(group, 'v1', plural);
  if (!type) throw new Error(`built-in type ${plural} is not registered`);
  return type;
}

/** Initial namespaces and the ray.io CRDs, created through the API like any client would. */
function seed(api: ObjectApi): void {
  const namespaces = typeOf(api, '', 'namespaces');
  for (const name of initialNamespaces) api.create(namespaces, undefined, { metadata: { name } });
  const crds = typeOf(api, 'apiextensions.k8s.io', 'customresourcedefinitions');
  for (const crd of rayCustomResourceDefinitions) api.create(crds, undefined, crd);
}

/** Every namespace gets a `default` ServiceAccount, as the service account controller ensures. */
function startDefaultServiceAccounts(api: ObjectApi): void {
  const serviceAccounts = typeOf(api, '', 'serviceaccounts');
  api.store.subscribe('/namespaces', (event) => {
    if (event.type !== 'ADDED') return;
    const namespace = event.record.object.metadata?.name ?? '';
    if (!api.find(serviceAccounts, namespace, 'default')) {
      api.create(serviceAccounts, namespace, { metadata: { name: 'default' } });
    }
  });
}
