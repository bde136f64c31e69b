import type { KubeObject } from '../../apiserver/resourceType.ts';
import type { RunningController, WorldContext } from '../../world/worldContext.ts';
import { WorkQueue } from '../WorkQueue.ts';
import {
  type CoreTypes,
  isNotFound,
  isPodReady,
  isPodTerminal,
  podStatusOf,
  timeString,
} from './coreApi.ts';
import type { PodIndex } from './PodIndex.ts';
import { stableJson } from './workloadHelpers.ts';

/** Name of the Endpoints controller (kube-controller-manager's `endpoint-controller`). */
export const endpointsControllerName = 'endpoint-controller';

interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: string;
  appProtocol?: string;
}

interface ServiceSpec {
  selector?: Record<string, string>;
  ports?: ServicePort[];
  clusterIP?: string;
  publishNotReadyAddresses?: boolean;
}

interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef: { kind: 'Pod'; namespace: string; name: string; uid: string };
}

interface EndpointPort {
  name?: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}

interface ContainerPorts {
  containers?: { ports?: { name?: string; containerPort: number; protocol?: string }[] }[];
  initContainers?: {
    restartPolicy?: string;
    ports?: { name?: string; containerPort: number; protocol?: string }[];
  }[];
  hostname?: string;
  subdomain?: string;
  nodeName?: string;
}

/** `podutil.FindPort`: a number as is, a name looked up among the pod's container ports. */
export function resolveTargetPort(pod: KubeObject, port: ServicePort): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const spec = (pod['spec'] ?? {}) as ContainerPorts;
  const protocol = port.protocol ?? 'TCP';
  const containers = [
    ...(spec.containers ?? []),
    ...(spec.initContainers ?? []).filter((container) => container.restartPolicy === 'Always'),
  ];
  for (const container of containers) {
    for (const containerPort of container.ports ?? []) {
      if (containerPort.name === target && (containerPort.protocol ?? 'TCP') === protocol) {
        return containerPort.containerPort;
      }
    }
  }
  return undefined;
}

/** `ShouldPodBeInEndpoints`: has an IP, is not terminal, and is not terminating (unless kept). */
function shouldBeInEndpoints(pod: KubeObject, includeTerminating: boolean): boolean {
  if (isPodTerminal(pod)) return false;
  const status = podStatusOf(pod);
  if (!status.podIP && !(status['podIPs'] as unknown[] | undefined)?.length) return false;
  return includeTerminating || !pod.metadata?.deletionTimestamp;
}

/**
 * The Endpoints object of a Service from its selected pods, as the endpoints controller builds
 * and repacks it: ready pods in `addresses`, others in `notReadyAddresses` (all in `addresses`
 * with `publishNotReadyAddresses`), ports from the Service with `targetPort` resolved per pod,
 * pods grouped by identical port sets, addresses sorted by IP.
 */
export function endpointSubsets(service: KubeObject, pods: readonly KubeObject[]): unknown[] {
  const spec = (service['spec'] ?? {}) as ServiceSpec;
  const publishNotReady = Boolean(spec.publishNotReadyAddresses);
  const namespace = service.metadata?.namespace ?? '';
  const serviceName = service.metadata?.name ?? '';
  const groups = new Map<
    string,
    { ports: EndpointPort[]; ready: EndpointAddress[]; notReady: EndpointAddress[] }
  >();
  for (const pod of pods) {
    if (!shouldBeInEndpoints(pod, publishNotReady)) continue;
    const podSpec = (pod['spec'] ?? {}) as ContainerPorts;
    const address: EndpointAddress = {
      ip: podStatusOf(pod).podIP ?? '',
      ...(podSpec.hostname && podSpec.subdomain === serviceName
        ? { hostname: podSpec.hostname }
        : {}),
      ...(podSpec.nodeName ? { nodeName: podSpec.nodeName } : {}),
      targetRef: {
        kind: 'Pod',
        namespace,
        name: pod.metadata?.name ?? '',
        uid: pod.metadata?.uid ?? '',
      },
    };
    const ports: EndpointPort[] = [];
    for (const servicePort of spec.ports ?? []) {
      const port = resolveTargetPort(pod, servicePort);
      if (port === undefined) continue;
      ports.push({
        ...(servicePort.name ? { name: servicePort.name } : {}),
        port,
        protocol: servicePort.protocol ?? 'TCP',
        ...(servicePort.appProtocol ? { appProtocol: servicePort.appProtocol } : {}),
      });
    }
    if ((spec.ports ?? []).length > 0 && ports.length === 0) continue;
    ports.sort((a, b) =>
      (a.name ?? '') < (b.name ?? '') ? -1 : (a.name ?? '') > (b.name ?? '') ? 1 : a.port - b.port,
    );
    const groupKey = JSON.stringify(ports);
    let group = groups.get(groupKey);
    if (!group) {
      group = { ports, ready: [], notReady: [] };
      groups.set(groupKey, group);
    }
    if (publishNotReady || isPodReady(pod)) group.ready.push(address);
    else group.notReady.push(address);
  }
  const byIp = (a: EndpointAddress, b: EndpointAddress) =>
    a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : a.targetRef.uid < b.targetRef.uid ? -1 : 1;
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, group]) => ({
      ...(group.ready.length > 0 ? { addresses: group.ready.sort(byIp) } : {}),
      ...(group.notReady.length > 0 ? { notReadyAddresses: group.notReady.sort(byIp) } : {}),
      ...(group.ports.length > 0 ? { ports: group.ports } : {}),
    }));
}

/**
 * The endpoints controller: an Endpoints object per Service with a selector, named like the
 * Service, carrying its labels (plus `service.kubernetes.io/headless` for headless ones) and
 * `endpoints.kubernetes.io/last-change-trigger-time`; deleted with its Service. Services are
 * indexed by the set of their selector keys, so a pod change finds its Services without
 * scanning every Service of the namespace.
 */
export function startEndpointsController(
  context: WorldContext,
  types: CoreTypes,
  pods: PodIndex,
): RunningController {
  const { api, clock } = context;
  /** namespace → selector key set → (its keys, projected label values → service keys). */
  const index = new Map<
    string,
    Map<string, { keys: string[]; byValues: Map<string, Set<string>> }>
  >();
  const indexed = new Map<string, { namespace: string; keys: string; values: string }>();

  const project = (labels: Readonly<Record<string, string>>, keys: readonly string[]) => {
    const values: string[] = [];
    for (const key of keys) {
      const value = labels[key];
      if (value === undefined) return undefined;
      values.push(value);
    }
    return JSON.stringify(values);
  };

  const unindexService = (serviceKey: string) => {
    const entry = indexed.get(serviceKey);
    if (!entry) return;
    indexed.delete(serviceKey);
    const byKeys = index.get(entry.namespace);
    const byValues = byKeys?.get(entry.keys)?.byValues;
    const set = byValues?.get(entry.values);
    set?.delete(serviceKey);
    if (set?.size === 0) byValues?.delete(entry.values);
    if (byValues?.size === 0) byKeys?.delete(entry.keys);
  };

  const indexService = (service: KubeObject) => {
    const namespace = service.metadata?.namespace ?? '';
    const serviceKey = `${namespace}/${service.metadata?.name ?? ''}`;
    unindexService(serviceKey);
    const selector = ((service['spec'] ?? {}) as ServiceSpec).selector ?? {};
    const keys = Object.keys(selector).sort();
    if (keys.length === 0) return;
    const keysJson = JSON.stringify(keys);
    const values = project(selector, keys) ?? '';
    let byKeys = index.get(namespace);
    if (!byKeys) {
      byKeys = new Map();
      index.set(namespace, byKeys);
    }
    let entry = byKeys.get(keysJson);
    if (!entry) {
      entry = { keys, byValues: new Map() };
      byKeys.set(keysJson, entry);
    }
    const byValues = entry.byValues;
    let set = byValues.get(values);
    if (!set) {
      set = new Set();
      byValues.set(values, set);
    }
    set.add(serviceKey);
    indexed.set(serviceKey, { namespace, keys: keysJson, values });
  };

  const servicesFor = (pod: KubeObject, add: (key: string) => void) => {
    const byKeys = index.get(pod.metadata?.namespace ?? '');
    if (!byKeys) return;
    const labels = pod.metadata?.labels ?? {};
    for (const { keys, byValues } of byKeys.values()) {
      const values = project(labels, keys);
      if (values === undefined) continue;
      for (const serviceKey of byValues.get(values) ?? []) add(serviceKey);
    }
  };

  const reconcile = (key: string) => {
    const [namespace = '', name = ''] = key.split('/');
    const service = api.find(types.services, namespace, name);
    const existing = api.find(types.endpoints, namespace, name);
    if (!service || service.metadata?.deletionTimestamp) {
      if (existing && !service) {
        try {
          api.delete(types.endpoints, namespace, name);
        } catch (error) {
          if (!isNotFound(error)) throw error;
        }
      }
      return undefined;
    }
    const spec = (service['spec'] ?? {}) as ServiceSpec;
    if (!spec.selector || Object.keys(spec.selector).length === 0) return undefined;
    const subsets = endpointSubsets(service, pods.matching(namespace, spec.selector));
    const labels: Record<string, string> = { ...service.metadata?.labels };
    if (spec.clusterIP === 'None') labels['service.kubernetes.io/headless'] = '';
    else delete labels['service.kubernetes.io/headless'];
    const unchanged =
      existing &&
      stableJson(existing['subsets'] ?? []) === stableJson(subsets) &&
      stableJson(existing.metadata?.labels ?? {}) === stableJson(labels);
    if (unchanged) return undefined;
    const metadata = {
      name,
      namespace,
      labels,
      annotations: {
        ...existing?.metadata?.annotations,
        'endpoints.kubernetes.io/last-change-trigger-time': timeString(clock.now()),
      },
    };
    if (existing) {
      api.update(types.endpoints, namespace, name, {
        ...existing,
        metadata: { ...existing.metadata, ...metadata },
        subsets,
      });
    } else {
      api.create(types.endpoints, namespace, { metadata, subsets });
    }
    return undefined;
  };

  const queue = new WorkQueue({ name: endpointsControllerName, clock, reconcile });
  for (const record of api.store.list(types.services.storageKey)) {
    indexService(record.object);
    queue.add(`${record.object.metadata?.namespace ?? ''}/${record.object.metadata?.name ?? ''}`);
  }
  const unsubscribeServices = api.store.subscribe(types.services.storageKey, (event) => {
    const service = event.record.object;
    const serviceKey = `${service.metadata?.namespace ?? ''}/${service.metadata?.name ?? ''}`;
    if (event.type === 'DELETED') unindexService(serviceKey);
    else indexService(service);
    queue.add(serviceKey);
  });
  const add = (serviceKey: string) => queue.add(serviceKey);
  const unsubscribePods = pods.onChange((change) => {
    const { pod, previous } = change;
    // Writes that change nothing an Endpoints object shows.
    if (
      change.type === 'MODIFIED' &&
      previous &&
      previous['spec'] === pod['spec'] &&
      previous.metadata?.labels === pod.metadata?.labels &&
      previous.metadata?.deletionTimestamp === pod.metadata?.deletionTimestamp &&
      podStatusOf(previous).podIP === podStatusOf(pod).podIP &&
      isPodReady(previous) === isPodReady(pod) &&
      isPodTerminal(previous) === isPodTerminal(pod)
    ) {
      return;
    }
    servicesFor(change.pod, add);
    if (change.previous && change.previous.metadata?.labels !== change.pod.metadata?.labels) {
      servicesFor(change.previous, add);
    }
  });
  return {
    stop: () => {
      unsubscribeServices();
      unsubscribePods();
      queue.stop();
    },
  };
}
