import type { KubeObject } from '../../apiserver/resourceType.ts';
import { checkLabel, headServiceName } from './buildRayPod.ts';
import { controllerReference } from './controllerReference.ts';
import { kubeRayConstants } from './kubeRayConstants.ts';
import type { RayCluster, ServicePort, ServiceTemplate } from './RayCluster.ts';

const { labels: labelKeys, ports, portNames } = kubeRayConstants;

/** Head Service labels of kuberay-api.md §2.2 (also its selector). */
export function headServiceLabels(clusterName: string): Record<string, string> {
  return {
    [labelKeys.cluster]: clusterName,
    [labelKeys.nodeType]: 'head',
    [labelKeys.identifier]: checkLabel(`${clusterName}-head`),
    [labelKeys.appName]: kubeRayConstants.applicationName,
    [labelKeys.createdBy]: kubeRayConstants.componentName,
  };
}

/**
 * KubeRay `getServicePorts`: the head container's ports by name (unnamed → `<port>-port`), or the
 * defaults when it declares none; `metrics` is always present.
 */
export function servicePortsOf(cluster: RayCluster): Map<string, number> {
  const result = new Map<string, number>();
  const container = cluster.spec.headGroupSpec.template.spec.containers[0];
  for (const port of container?.ports ?? []) {
    result.set(port.name || `${port.containerPort}-port`, port.containerPort);
  }
  if (result.size === 0) {
    result.set(portNames.client, ports.client);
    result.set(portNames.gcsServer, ports.gcsServer);
    result.set(portNames.dashboard, ports.dashboard);
    result.set(portNames.metrics, ports.metrics);
    result.set(portNames.serve, ports.serve);
  }
  if (!result.has(portNames.metrics)) result.set(portNames.metrics, ports.metrics);
  return result;
}

function sortedPorts(entries: Iterable<[string, number]>, appProtocol: boolean): ServicePort[] {
  return [...entries]
    .map(([name, port]) => ({
      name,
      port,
      ...(appProtocol ? { appProtocol: kubeRayConstants.serviceAppProtocol } : {}),
    }))
    .sort((left, right) => (left.name < right.name ? -1 : left.name > right.name ? 1 : 0));
}

/** Whether a Service port serves Ray Serve traffic: `serve` or `serve-*`. */
function isServingPort(name: string): boolean {
  return name === portNames.serve || name.startsWith(`${portNames.serve}-`);
}

/**
 * The head Service of a RayCluster (KubeRay `BuildServiceForHeadPod`): `<c>-head-svc` selecting
 * the head pod, ports sorted by name with `appProtocol: tcp`, headless (`clusterIP: None`,
 * `publishNotReadyAddresses`) unless `serviceType` is NodePort/LoadBalancer, built over
 * `headGroupSpec.headService` when given, owned by the cluster.
 */
export function buildHeadService(cluster: RayCluster): KubeObject {
  const clusterName = cluster.metadata.name ?? '';
  const defaults = headServiceLabels(clusterName);
  const templateAppName = cluster.spec.headGroupSpec.template.metadata?.labels?.[labelKeys.appName];
  const selector = {
    ...defaults,
    ...(templateAppName ? { [labelKeys.appName]: templateAppName } : {}),
  };
  const annotations = { ...(cluster.spec.headServiceAnnotations ?? {}) };
  const serviceType = cluster.spec.headGroupSpec.serviceType;
  const portList = sortedPorts(servicePortsOf(cluster), true);
  const custom = cluster.spec.headGroupSpec.headService;
  const owner = [controllerReference(cluster)];
  if (custom) {
    const customSpec = { ...(custom.spec ?? {}) };
    return {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        ...(custom.metadata ?? {}),
        name: headServiceName(cluster),
        namespace: cluster.metadata.namespace,
        labels: { ...(custom.metadata?.labels ?? {}), ...selector },
        annotations: { ...(custom.metadata?.annotations ?? {}), ...annotations },
        ownerReferences: owner,
      },
      spec: {
        ...customSpec,
        selector,
        ports: [...(customSpec.ports ?? []), ...portList],
        ...(customSpec.type ? {} : serviceType ? { type: serviceType } : {}),
      },
    };
  }
  const headless = !serviceType || serviceType === 'ClusterIP';
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: headServiceName(cluster),
      namespace: cluster.metadata.namespace,
      labels: { ...selector },
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      ownerReferences: owner,
    },
    spec: {
      selector,
      ports: portList,
      ...(serviceType ? { type: serviceType } : {}),
      ...(headless ? { clusterIP: 'None', publishNotReadyAddresses: true } : {}),
    },
  };
}

/**
 * The head Service a RayJob or RayService keeps for its current cluster (`<cr>-head-svc`), a
 * copy of the cluster's head Service with the CR's labels (which lack `app.kubernetes.io/name`)
 * and owned by the CR.
 */
export function buildOwnerHeadService(owner: KubeObject, cluster: RayCluster): KubeObject {
  const base = buildHeadService({
    ...cluster,
    spec: {
      ...cluster.spec,
      headGroupSpec: {
        ...cluster.spec.headGroupSpec,
        headService: undefined,
      } as RayCluster['spec']['headGroupSpec'],
    },
  });
  const ownerName = owner.metadata?.name ?? '';
  return {
    ...base,
    metadata: {
      name: `${ownerName}-head-svc`,
      namespace: owner.metadata?.namespace,
      labels: {
        [labelKeys.originatedFromCrName]: ownerName,
        [labelKeys.originatedFromCrd]: owner.kind ?? '',
        [labelKeys.nodeType]: 'head',
        [labelKeys.identifier]: checkLabel(`${ownerName}-head`),
      },
      ownerReferences: [controllerReference(owner)],
    },
  };
}

/** Why a serve Service cannot be built. */
export const missingServePortMessage =
  "Please specify a port named 'serve' (or with the prefix 'serve-', e.g. 'serve-grpc') in the Ray head container; otherwise, the Kubernetes service for Ray Serve will not be created.";

/**
 * The Ray Serve Service (KubeRay `BuildServeService`): `<name>-serve-svc` with the cluster's
 * `serve`/`serve-*` ports. For a RayCluster (annotation `ray.io/enable-serve-service`) it selects
 * the cluster; for a RayService it also requires `ray.io/serve=true` and uses `serveService` as
 * a base. Returns an error message when no serve port exists.
 */
export function buildServeService(
  cluster: RayCluster,
  rayService?: KubeObject & {
    spec: {
      serveService?: ServiceTemplate;
      rayClusterConfig?: { headGroupSpec?: { serviceType?: string } };
    };
  },
): KubeObject | string {
  const owner = rayService ?? cluster;
  const name = owner.metadata?.name ?? '';
  const labels = {
    [labelKeys.originatedFromCrName]: name,
    [labelKeys.originatedFromCrd]: rayService ? 'RayService' : 'RayCluster',
    [labelKeys.serve]: `${name}-serve`,
  };
  const selector: Record<string, string> = { [labelKeys.cluster]: cluster.metadata.name ?? '' };
  if (rayService) selector[labelKeys.serve] = 'true';
  const serviceType = rayService
    ? rayService.spec.rayClusterConfig?.headGroupSpec?.serviceType
    : cluster.spec.headGroupSpec.serviceType;
  const portList = sortedPorts(
    [...servicePortsOf(cluster)].filter(([portName]) => isServingPort(portName)),
    false,
  );
  const custom = rayService?.spec.serveService;
  if (portList.length === 0 && !custom) return missingServePortMessage;
  const base = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      ...(custom?.metadata ?? {}),
      name: custom?.metadata?.name || `${name}-serve-svc`,
      namespace: owner.metadata?.namespace,
      labels: { ...(custom?.metadata?.labels ?? {}), ...labels },
      ...(custom ? { annotations: { ...(custom.metadata?.annotations ?? {}) } } : {}),
      ownerReferences: [controllerReference(owner)],
    },
  };
  if (custom) {
    const userPorts = new Map((custom.spec?.ports ?? []).map((port) => [port.name ?? '', port]));
    const mergedPorts =
      portList.length > 0
        ? portList.map((port) => userPorts.get(port.name ?? '') ?? port)
        : (custom.spec?.ports ?? []);
    return {
      ...base,
      spec: {
        ...(custom.spec ?? {}),
        selector,
        ports: mergedPorts,
        ...(custom.spec?.type ? {} : serviceType ? { type: serviceType } : {}),
      },
    };
  }
  return {
    ...base,
    spec: { selector, ports: portList, ...(serviceType ? { type: serviceType } : {}) },
  };
}

/** The headless worker Service `<c>-headless` for multi-host groups (`numOfHosts > 1`). */
export function buildHeadlessWorkerService(cluster: RayCluster): KubeObject {
  const clusterName = cluster.metadata.name ?? '';
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: `${clusterName}-headless`,
      namespace: cluster.metadata.namespace,
      labels: { [labelKeys.headlessWorkerService]: clusterName },
      ownerReferences: [controllerReference(cluster)],
    },
    spec: {
      clusterIP: 'None',
      selector: { [labelKeys.cluster]: clusterName, [labelKeys.nodeType]: 'worker' },
      type: 'ClusterIP',
      publishNotReadyAddresses: true,
    },
  };
}
