import type { IngressResource, ServiceResource } from '../k8s/kubeTypes.ts';
import type { RayClusterResource } from './rayTypes.ts';

/** How the dashboard is reached from outside the Kubernetes cluster. */
export type DashboardExposure = 'nodePort' | 'loadBalancer' | 'ingress' | 'portalProxy';

/** Options of `clusterEndpoints`. */
export interface ClusterEndpointsOptions {
  /** Address (IP or DNS name) of any node, to build NodePort URLs. Without it, NodePort is skipped. */
  nodeAddress?: string;
  /** An Ingress that routes to the head service's dashboard port. */
  ingress?: IngressResource;
  /**
   * Absolute base URL of the portal, e.g. `https://raydeck.example.com`, for proxy addresses.
   * Without it proxy addresses are paths (`/api/v1/clusters/…`), fine for the web app.
   */
  portalUrl?: string;
  /** Kubernetes cluster DNS domain. Default `cluster.local` (KubeRay's `CLUSTER_DOMAIN` default). */
  clusterDomain?: string;
  /** Script in the example submit line. Default `script.py`. */
  entrypoint?: string;
}

/** Where to reach a RayCluster's dashboard, Ray client and Jobs API. */
export interface ClusterEndpoints {
  /** Dashboard URL for a browser outside the cluster (ends with `/`). */
  dashboardUrl: string;
  exposure: DashboardExposure;
  /** Ray client address, e.g. `ray://c-head-svc.ns.svc.cluster.local:10001` (in-cluster DNS). */
  clientAddress: string;
  /** Address for `ray job submit --address` from outside (the dashboard serves the Jobs API). */
  jobsApiAddress: string;
  /** Dashboard / Jobs API address inside the Kubernetes cluster, e.g. for other pods. */
  inClusterDashboardUrl: string;
  /** A complete example, e.g. `ray job submit --address http://10.0.0.2:30265 --working-dir . -- python script.py`. */
  jobSubmitExample: string;
  /** The same from a pod inside the Kubernetes cluster, against {@link inClusterDashboardUrl}. */
  inClusterJobSubmitExample: string;
}

/** KubeRay's default head service ports (`utils/constant.go`). */
const defaultDashboardPort = 8265;
const defaultClientPort = 10001;

function servicePort(service: ServiceResource | undefined, name: string) {
  return service?.spec?.ports?.find((port) => port.name === name);
}

function withSlash(path: string): string {
  return path.endsWith('/') ? path : `${path}/`;
}

function ingressUrl(ingress: IngressResource, serviceName: string): string | undefined {
  const tlsHosts = new Set((ingress.spec?.tls ?? []).flatMap((tls) => tls.hosts ?? []));
  for (const rule of ingress.spec?.rules ?? []) {
    const paths = rule.http?.paths ?? [];
    const path =
      paths.find((candidate) => candidate.backend?.service?.name === serviceName) ?? paths[0];
    const host =
      rule.host ??
      ingress.status?.loadBalancer?.ingress?.[0]?.hostname ??
      ingress.status?.loadBalancer?.ingress?.[0]?.ip;
    if (!host) continue;
    const scheme = rule.host && tlsHosts.has(rule.host) ? 'https' : 'http';
    // Regex paths (`/x/(.*)`) of the NGINX controller are cut at the first group.
    const base = (path?.path ?? '/').replace(/\(.*$/, '');
    return `${scheme}://${host}${withSlash(base)}`;
  }
  return undefined;
}

/**
 * The addresses of a RayCluster: the dashboard URL people can open, picked in this order:
 * NodePort (`http://<nodeAddress>:<nodePort>`, needs `options.nodeAddress`), LoadBalancer
 * (`http://<ingress IP or hostname>:<port>`, once assigned), an Ingress (`options.ingress`, or
 * `headGroupSpec.enableIngress` with `ingressOptions.host`), else the portal's identity-aware
 * proxy `/api/v1/clusters/<ns>/<name>/dashboard/`. Also the in-cluster Ray client address
 * `ray://<head-svc>.<ns>.svc.<domain>:10001`, the Jobs API address (the dashboard port serves
 * `/api/jobs/`), and an example `ray job submit` line (through the proxy it passes the portal
 * token from `$RAYDECK_TOKEN` with `--headers`). Ports come from the head Service (port names
 * `dashboard`, `client`), else `status.endpoints`, else KubeRay's defaults 8265 / 10001; the
 * service name from the Service, else `status.head.serviceName`, else `<name>-head-svc`.
 * @see https://docs.ray.io/en/latest/cluster/kubernetes/user-guides/config.html#service-types
 * @see https://docs.ray.io/en/latest/cluster/running-applications/job-submission/cli.html
 */
export function clusterEndpoints(
  cluster: RayClusterResource,
  headService: ServiceResource | undefined,
  options: ClusterEndpointsOptions = {},
): ClusterEndpoints {
  const name = cluster.metadata.name ?? '';
  const namespace = cluster.metadata.namespace ?? 'default';
  const domain = options.clusterDomain ?? 'cluster.local';
  const serviceName =
    headService?.metadata.name ?? cluster.status?.head?.serviceName ?? `${name}-head-svc`;
  const fqdn = `${serviceName}.${namespace}.svc.${domain}`;
  const dashboard = servicePort(headService, 'dashboard');
  const dashboardPort = dashboard?.port ?? defaultDashboardPort;
  const clientPort = servicePort(headService, 'client')?.port ?? defaultClientPort;
  const type = headService?.spec?.type ?? cluster.spec.headGroupSpec.serviceType ?? 'ClusterIP';

  let exposure: DashboardExposure = 'portalProxy';
  let dashboardUrl: string | undefined;
  const nodePort =
    dashboard?.nodePort ??
    (type === 'NodePort' ? Number(cluster.status?.endpoints?.['dashboard']) : NaN);
  const lbIngress = headService?.status?.loadBalancer?.ingress?.[0];
  if (type === 'NodePort' && options.nodeAddress && Number.isInteger(nodePort) && nodePort > 0) {
    exposure = 'nodePort';
    dashboardUrl = `http://${options.nodeAddress}:${nodePort}/`;
  } else if (type === 'LoadBalancer' && (lbIngress?.ip || lbIngress?.hostname)) {
    exposure = 'loadBalancer';
    dashboardUrl = `http://${lbIngress.ip ?? lbIngress.hostname}:${dashboardPort}/`;
  } else {
    const ingress = options.ingress ? ingressUrl(options.ingress, serviceName) : undefined;
    const ingressOptions = cluster.spec.headGroupSpec.ingressOptions;
    const specIngress =
      cluster.spec.headGroupSpec.enableIngress && ingressOptions?.host
        ? `http://${ingressOptions.host}${withSlash(ingressOptions.path ?? '/')}`
        : undefined;
    if (ingress ?? specIngress) {
      exposure = 'ingress';
      dashboardUrl = ingress ?? specIngress;
    }
  }
  const proxyPath = `/api/v1/clusters/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/dashboard/`;
  const portal = options.portalUrl?.replace(/\/+$/, '') ?? '';
  dashboardUrl ??= `${portal}${proxyPath}`;
  const jobsApiAddress = dashboardUrl.replace(/\/+$/, '');
  const entrypoint = options.entrypoint ?? 'script.py';
  const headers =
    exposure === 'portalProxy'
      ? ' --headers "{\\"Authorization\\": \\"Bearer $RAYDECK_TOKEN\\"}"'
      : '';
  return {
    dashboardUrl,
    exposure,
    clientAddress: `ray://${fqdn}:${clientPort}`,
    jobsApiAddress,
    inClusterDashboardUrl: `http://${fqdn}:${dashboardPort}`,
    jobSubmitExample: `ray job submit --address ${jobsApiAddress}${headers} --working-dir . -- python ${entrypoint}`,
    inClusterJobSubmitExample: `ray job submit --address http://${fqdn}:${dashboardPort} --working-dir . -- python ${entrypoint}`,
  };
}
