import type { AdmissionPlugin, ObjectApi } from './objectApi.ts';
import type { ObjectStore } from './objectStore.ts';
import type { KubeObject } from './resourceType.ts';
import { invalid, type StatusCauseBody } from './statusError.ts';

type Json = Record<string, unknown>;

interface ContainerLike extends Json {
  name?: string;
  image?: string;
  ports?: Json[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

/**
 * Defaults a real API server applies to a pod spec (`SetDefaults_PodSpec`, `SetDefaults_Container`
 * and the DefaultTolerationSeconds admission plugin). Returns a new spec.
 * @see https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/core/v1/defaults.go
 */
export function defaultPodSpec(spec: Json): Json {
  const containers = ((spec['containers'] as ContainerLike[] | undefined) ?? []).map(
    defaultContainer,
  );
  const initContainers = (spec['initContainers'] as ContainerLike[] | undefined)?.map(
    defaultContainer,
  );
  const tolerations = [...((spec['tolerations'] as Json[] | undefined) ?? [])];
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    if (!tolerations.some((toleration) => toleration['key'] === key)) {
      tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
    }
  }
  return {
    restartPolicy: 'Always',
    dnsPolicy: 'ClusterFirst',
    schedulerName: 'default-scheduler',
    terminationGracePeriodSeconds: 30,
    serviceAccountName: (spec['serviceAccountName'] as string | undefined) ?? 'default',
    serviceAccount: (spec['serviceAccountName'] as string | undefined) ?? 'default',
    securityContext: {},
    enableServiceLinks: true,
    priority: 0,
    preemptionPolicy: 'PreemptLowerPriority',
    ...spec,
    containers,
    ...(initContainers ? { initContainers } : {}),
    tolerations,
  };
}

function defaultContainer(container: ContainerLike): ContainerLike {
  const image = container.image ?? '';
  // Requests default to limits for every resource with a limit and no request.
  const limits = container.resources?.limits;
  const resources = limits
    ? { ...container.resources, requests: { ...limits, ...(container.resources?.requests ?? {}) } }
    : container.resources;
  const tag = image.includes('@') ? 'digest' : (/:([^/:]+)$/.exec(image)?.[1] ?? 'latest');
  return {
    imagePullPolicy: tag === 'latest' ? 'Always' : 'IfNotPresent',
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    resources: {},
    ...container,
    ...(resources ? { resources } : {}),
    ...(container.ports
      ? { ports: container.ports.map((port) => ({ protocol: 'TCP', ...port })) }
      : {}),
  };
}

/** Pod QoS class from requests and limits (requests default to limits, as Kubernetes does). */
export function podQosClass(spec: Json): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers = (spec['containers'] as ContainerLike[] | undefined) ?? [];
  let any = false;
  let guaranteed = true;
  for (const container of containers) {
    const limits = container.resources?.limits ?? {};
    const requests = { ...limits, ...(container.resources?.requests ?? {}) };
    if (Object.keys(requests).length > 0 || Object.keys(limits).length > 0) any = true;
    for (const resource of ['cpu', 'memory']) {
      if (!limits[resource] || requests[resource] !== limits[resource]) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function validatePodSpec(spec: Json | undefined, prefix: string): StatusCauseBody[] {
  const causes: StatusCauseBody[] = [];
  const containers = spec?.['containers'] as ContainerLike[] | undefined;
  if (!containers || containers.length === 0) {
    causes.push({
      field: `${prefix}.containers`,
      reason: 'FieldValueRequired',
      message: 'Required value',
    });
    return causes;
  }
  containers.forEach((container, index) => {
    if (!container.name) {
      causes.push({
        field: `${prefix}.containers[${index}].name`,
        reason: 'FieldValueRequired',
        message: 'Required value',
      });
    }
    if (!container.image) {
      causes.push({
        field: `${prefix}.containers[${index}].image`,
        reason: 'FieldValueRequired',
        message: 'Required value',
      });
    }
  });
  return causes;
}

/** Allocates Service cluster IPs (10.96.0.0/12) and node ports (30000–32767), as the API server does. */
class ServiceAllocator {
  private readonly usedIps = new Set<string>();
  private readonly usedPorts = new Set<number>();
  private nextIp = 10;
  private nextPort = 30000;
  private loaded = false;
  private readonly store: ObjectStore;

  constructor(store: ObjectStore) {
    this.store = store;
    store.subscribe('/services', (event) => {
      if (event.type !== 'DELETED') return;
      const spec = (event.record.object['spec'] ?? {}) as {
        clusterIP?: string;
        ports?: { nodePort?: number }[];
      };
      if (spec.clusterIP) this.usedIps.delete(spec.clusterIP);
      for (const port of spec.ports ?? []) if (port.nodePort) this.usedPorts.delete(port.nodePort);
    });
  }

  private load(): void {
    if (this.loaded) return;
    this.loaded = true;
    for (const record of this.store.list('/services')) {
      const spec = (record.object['spec'] ?? {}) as {
        clusterIP?: string;
        ports?: { nodePort?: number }[];
      };
      if (spec.clusterIP) this.usedIps.add(spec.clusterIP);
      for (const port of spec.ports ?? []) if (port.nodePort) this.usedPorts.add(port.nodePort);
    }
  }

  clusterIp(): string {
    this.load();
    for (;;) {
      const offset = this.nextIp++;
      const ip = `10.${96 + ((offset >> 16) & 15)}.${(offset >> 8) & 255}.${offset & 255}`;
      if ((offset & 255) !== 0 && !this.usedIps.has(ip)) {
        this.usedIps.add(ip);
        return ip;
      }
    }
  }

  nodePort(): number {
    this.load();
    for (let tries = 0; tries < 2768; tries++) {
      const port = this.nextPort;
      this.nextPort = this.nextPort >= 32767 ? 30000 : this.nextPort + 1;
      if (!this.usedPorts.has(port)) {
        this.usedPorts.add(port);
        return port;
      }
    }
    throw new Error('no node ports left in 30000-32767');
  }

  claimPort(port: number): void {
    this.load();
    this.usedPorts.add(port);
  }
}

/**
 * Defaulting and basic validation of built-in kinds on create and update: namespaces, pods,
 * services (with IP and node port allocation), jobs, deployments, and CRD naming. Only what
 * clients and controllers observe is defaulted; `docs/sandbox.md` lists the differences.
 */
export function builtinDefaults(api: ObjectApi): AdmissionPlugin {
  const allocator = new ServiceAllocator(api.store);
  return (request) => {
    if (request.operation === 'DELETE') return undefined;
    const { type, object, oldObject } = request;
    const name = object.metadata?.name ?? '';
    const spec = (object['spec'] ?? {}) as Json;
    const key = `${type.group}/${type.kind}`;
    const creating = request.operation === 'CREATE';

    if (key === '/Namespace' && creating) {
      return {
        ...object,
        metadata: {
          ...object.metadata,
          labels: { ...object.metadata?.labels, 'kubernetes.io/metadata.name': name },
        },
        spec: { finalizers: ['kubernetes'], ...spec },
        status: { phase: 'Active' },
      };
    }
    if (key === '/Pod') {
      if (!creating) return undefined;
      const causes = validatePodSpec(spec, 'spec');
      if (causes.length > 0) throw invalid(type.kind, type.group, name, causes);
      const podSpec = defaultPodSpec(spec);
      return {
        ...object,
        spec: podSpec,
        status: { phase: 'Pending', qosClass: podQosClass(podSpec) },
      };
    }
    // As the API server's defaulting: `kubectl create secret generic` sends no type.
    if (key === '/Secret' && creating && !object['type']) return { ...object, type: 'Opaque' };
    if (key === '/Service') return defaultService(object, oldObject, allocator, type.kind, name);
    if (key === 'batch/Job' && creating) {
      const template = (spec['template'] ?? {}) as Json;
      const causes = validatePodSpec(template['spec'] as Json | undefined, 'spec.template.spec');
      if (causes.length > 0) throw invalid(type.kind, type.group, name, causes);
      const uid = object.metadata?.uid ?? '';
      const jobLabels = {
        'batch.kubernetes.io/controller-uid': uid,
        'batch.kubernetes.io/job-name': name,
        'controller-uid': uid,
        'job-name': name,
      };
      const templateMeta = (template['metadata'] ?? {}) as Json;
      return {
        ...object,
        spec: {
          parallelism: 1,
          completions: 1,
          backoffLimit: 6,
          completionMode: 'NonIndexed',
          suspend: false,
          manualSelector: false,
          podReplacementPolicy: 'TerminatingOrFailed',
          selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } },
          ...spec,
          template: {
            ...template,
            metadata: {
              ...templateMeta,
              labels: { ...(templateMeta['labels'] as Json | undefined), ...jobLabels },
            },
            spec: defaultPodSpec((template['spec'] ?? {}) as Json),
          },
        },
      };
    }
    if (
      (key === 'apps/Deployment' || key === 'apps/StatefulSet' || key === 'apps/ReplicaSet') &&
      creating
    ) {
      const template = (spec['template'] ?? {}) as Json;
      const causes = validatePodSpec(template['spec'] as Json | undefined, 'spec.template.spec');
      if (!spec['selector'])
        causes.push({
          field: 'spec.selector',
          reason: 'FieldValueRequired',
          message: 'Required value',
        });
      if (causes.length > 0) throw invalid(type.kind, type.group, name, causes);
      return {
        ...object,
        spec: {
          replicas: 1,
          revisionHistoryLimit: 10,
          ...(key === 'apps/Deployment'
            ? {
                progressDeadlineSeconds: 600,
                strategy: {
                  type: 'RollingUpdate',
                  rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
                },
              }
            : {}),
          ...spec,
          template: { ...template, spec: defaultPodSpec((template['spec'] ?? {}) as Json) },
        },
      };
    }
    if (key === 'apiextensions.k8s.io/CustomResourceDefinition') {
      const crdSpec = spec as { group?: string; names?: { plural?: string } };
      const expected = `${crdSpec.names?.plural ?? ''}.${crdSpec.group ?? ''}`;
      if (name !== expected) {
        throw invalid(type.kind, type.group, name, [
          {
            field: 'metadata.name',
            reason: 'FieldValueInvalid',
            message: `Invalid value: "${name}": must be spec.names.plural+"."+spec.group`,
          },
        ]);
      }
    }
    return undefined;
  };
}

function defaultService(
  object: KubeObject,
  oldObject: KubeObject | undefined,
  allocator: ServiceAllocator,
  kind: string,
  name: string,
): KubeObject {
  const spec = { ...((object['spec'] ?? {}) as Json) };
  const oldSpec = (oldObject?.['spec'] ?? {}) as Json;
  const serviceType = (spec['type'] as string | undefined) ?? 'ClusterIP';
  const ports = ((spec['ports'] as Json[] | undefined) ?? []).map((port, index) => {
    const number = port['port'];
    if (typeof number !== 'number' || number < 1 || number > 65535) {
      throw invalid(kind, '', name, [
        {
          field: `spec.ports[${index}].port`,
          reason: 'FieldValueInvalid',
          message: `Invalid value: ${JSON.stringify(number ?? 0)}: must be between 1 and 65535, inclusive`,
        },
      ]);
    }
    const oldPort = ((oldSpec['ports'] as Json[] | undefined) ?? []).find(
      (candidate) => candidate['port'] === number,
    );
    const nodePort =
      serviceType === 'NodePort' || serviceType === 'LoadBalancer'
        ? ((port['nodePort'] as number | undefined) ??
          (oldPort?.['nodePort'] as number | undefined) ??
          allocator.nodePort())
        : undefined;
    if (typeof port['nodePort'] === 'number') allocator.claimPort(port['nodePort']);
    return {
      protocol: 'TCP',
      targetPort: number,
      ...port,
      ...(nodePort !== undefined ? { nodePort } : {}),
    };
  });
  const clusterIP =
    (oldSpec['clusterIP'] as string | undefined) ??
    (spec['clusterIP'] as string | undefined) ??
    (serviceType === 'ExternalName' ? undefined : allocator.clusterIp());
  return {
    ...object,
    spec: {
      type: serviceType,
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      ...(serviceType === 'NodePort' || serviceType === 'LoadBalancer'
        ? { externalTrafficPolicy: 'Cluster' }
        : {}),
      ...spec,
      ports,
      ...(clusterIP ? { clusterIP, clusterIPs: [clusterIP] } : {}),
    },
    status: object['status'] ?? { loadBalancer: {} },
  };
}
