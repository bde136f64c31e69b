import { existsSync, readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { join } from 'node:path';

import { KubeConfig } from '@kubernetes/client-node';

/** How the portal reaches Kubernetes. Exactly one source is chosen by the server config. */
export type KubeConnectionSource =
  | { kind: 'kubeconfig'; path: string; context?: string }
  | { kind: 'in-cluster'; serviceAccountDir: string }
  | { kind: 'apiserver-v2'; url: string; token?: string }
  | { kind: 'sandbox'; kubeconfigPath: string };

/** A loaded connection: the client-node config and a description for the About page. */
export interface KubeConnection {
  kubeConfig: KubeConfig;
  source: KubeConnectionSource['kind'];
  /** API server URL (never with credentials). */
  server: string;
  context: string;
}

type Authenticator = Parameters<KubeConfig['addAuthenticator']>[0];

/**
 * Sends `--apiserver-token` as the whole `Authorization` header, as the KubeRay APIServer's
 * security proxy compares it (`SECURITY_TOKEN`, no scheme); a proxy that wants a bearer token is
 * given `Bearer <token>` as the setting's value. client-node's own user `token` would always add
 * `Bearer `, so the kubeconfig user carries no credential and this authenticator, matched by the
 * user's name, sets the header.
 */
function verbatimAuthorization(userName: string, value: string): Authenticator {
  return {
    isAuthProvider: (user) => user.name === userName,
    applyAuthentication: (_user, options) => {
      options.headers = { ...options.headers, Authorization: value };
      return Promise.resolve();
    },
  };
}

/**
 * Builds the client-node configuration for a source. KubeRay APIServer v2 proxies the
 * Kubernetes API paths for `ray.io`, services and events under its own URL, so it is reached like
 * an API server with an optional bearer token.
 */
export function connectKube(source: KubeConnectionSource): KubeConnection {
  const kubeConfig = new KubeConfig();
  switch (source.kind) {
    case 'kubeconfig':
    case 'sandbox': {
      const path = source.kind === 'sandbox' ? source.kubeconfigPath : source.path;
      kubeConfig.loadFromFile(path);
      if (source.kind === 'kubeconfig' && source.context) {
        if (!kubeConfig.getContextObject(source.context)) {
          throw new Error(`--context: the kubeconfig ${path} has no context "${source.context}"`);
        }
        kubeConfig.setCurrentContext(source.context);
      }
      break;
    }
    case 'in-cluster':
      loadInCluster(kubeConfig, source.serviceAccountDir);
      break;
    case 'apiserver-v2':
      kubeConfig.loadFromOptions({
        clusters: [
          {
            name: 'kuberay-apiserver',
            server: source.url,
            // client-node refuses http:// servers unless this is set; an http URL (the Helm
            // chart's NodePort 31888 serves plain HTTP) has no certificate to verify anyway.
            skipTLSVerify: source.url.startsWith('http:'),
          },
        ],
        users: [{ name: 'raydeck' }],
        contexts: [{ name: 'kuberay-apiserver', cluster: 'kuberay-apiserver', user: 'raydeck' }],
        currentContext: 'kuberay-apiserver',
      });
      if (source.token) kubeConfig.addAuthenticator(verbatimAuthorization('raydeck', source.token));
      break;
  }
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('the Kubernetes configuration has no current cluster');
  return {
    kubeConfig,
    source: source.kind,
    server: cluster.server,
    context: kubeConfig.getCurrentContext(),
  };
}

/**
 * In-cluster configuration as client-node's `loadFromCluster` builds it (server from
 * `KUBERNETES_SERVICE_HOST`/`_PORT`, http only on ports 80, 8080 and 8001, the token file
 * re-read as it rotates), but from `serviceAccountDir` rather than the fixed mount path, so a
 * pod-like test can mount its own.
 */
function loadInCluster(kubeConfig: KubeConfig, serviceAccountDir: string): void {
  const host = process.env['KUBERNETES_SERVICE_HOST'];
  const port = process.env['KUBERNETES_SERVICE_PORT'];
  if (!host || !port) {
    throw new Error(
      '--in-cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set',
    );
  }
  const scheme = ['80', '8080', '8001'].includes(port) ? 'http' : 'https';
  const serverHost = isIPv6(host) ? `[${host}]` : host;
  const namespaceFile = join(serviceAccountDir, 'namespace');
  kubeConfig.loadFromOptions({
    clusters: [
      {
        name: 'in-cluster',
        server: `${scheme}://${serverHost}:${port}`,
        caFile: join(serviceAccountDir, 'ca.crt'),
        skipTLSVerify: false,
      },
    ],
    users: [
      {
        name: 'service-account',
        authProvider: {
          name: 'tokenFile',
          config: { tokenFile: join(serviceAccountDir, 'token') },
        },
      },
    ],
    contexts: [
      {
        name: 'in-cluster',
        cluster: 'in-cluster',
        user: 'service-account',
        ...(existsSync(namespaceFile)
          ? { namespace: readFileSync(namespaceFile, 'utf8').trim() }
          : {}),
      },
    ],
    currentContext: 'in-cluster',
  });
}
