import { KubeConfig } from '@kubernetes/client-node';

/** How the portal reaches Kubernetes. Exactly one source is chosen by the server config. */
export type KubeConnectionSource =
  | { kind: 'kubeconfig'; path: string; context?: string }
  | { kind: 'in-cluster' }
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
      kubeConfig.loadFromCluster();
      break;
    case 'apiserver-v2':
      kubeConfig.loadFromOptions({
        clusters: [{ name: 'kuberay-apiserver', server: source.url, skipTLSVerify: false }],
        users: [{ name: 'raydeck', ...(source.token ? { token: source.token } : {}) }],
        contexts: [{ name: 'kuberay-apiserver', cluster: 'kuberay-apiserver', user: 'raydeck' }],
        currentContext: 'kuberay-apiserver',
      });
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
