import { ageOf, humanDuration } from './humanDuration.ts';
import type { KubeObject } from './resourceType.ts';

/** A `meta.k8s.io/v1` TableColumnDefinition. Priority 0 columns show by default, 1 with `-o wide`. */
export interface TableColumn {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

/**
 * How one built-in kind prints: its columns and the cells of one object at `now` (ms since the
 * epoch, the wall clock metadata and event times use). Status times (container finishes, job
 * starts) follow the world's simulated clock and may run ahead at `--speed` > 1: durations from
 * them are clamped at 0 rather than printed `<invalid>`.
 */
export interface TablePrinter {
  columns: readonly TableColumn[];
  cells: (object: KubeObject, now: number) => unknown[];
}

type Json = Record<string, unknown>;

function column(name: string, description: string, priority = 0, type = 'string'): TableColumn {
  return { name, type, format: name === 'Name' ? 'name' : '', description, priority };
}

const nameColumn = column('Name', 'Name must be unique within a namespace. Cannot be updated.', 0);
const ageColumn = column('Age', 'Time since the object was created (its creationTimestamp).');

function get(value: unknown, ...path: (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

function list(value: unknown): Json[] {
  return Array.isArray(value) ? (value as Json[]) : [];
}

function text(value: unknown, otherwise = ''): string {
  return typeof value === 'string' && value !== '' ? value : otherwise;
}

function count(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

function nameOf(object: KubeObject): string {
  return object.metadata?.name ?? '';
}

function age(object: KubeObject, now: number): string {
  return ageOf(object.metadata?.creationTimestamp, now);
}

/** `k=v,k2=v2` sorted by key, or `<none>` (labels.FormatLabels). */
function formatLabels(labels: unknown): string {
  const entries = Object.entries((labels ?? {}) as Record<string, string>).sort(([a], [b]) =>
    a < b ? -1 : 1,
  );
  return entries.length === 0 ? '<none>' : entries.map(([k, v]) => `${k}=${v}`).join(',');
}

/** A LabelSelector as `metav1.FormatLabelSelector` prints it. */
function formatSelector(selector: unknown): string {
  if (selector === undefined || selector === null) return '<none>';
  const parts: string[] = [];
  const labels = Object.entries((get(selector, 'matchLabels') ?? {}) as Record<string, string>);
  for (const [key, value] of labels.sort(([a], [b]) => (a < b ? -1 : 1)))
    parts.push(`${key}=${value}`);
  for (const expression of list(get(selector, 'matchExpressions'))) {
    const key = text(expression['key']);
    const values = (expression['values'] as string[] | undefined) ?? [];
    const operator = text(expression['operator']);
    if (operator === 'In') parts.push(`${key} in (${values.join(',')})`);
    else if (operator === 'NotIn') parts.push(`${key} notin (${values.join(',')})`);
    else if (operator === 'Exists') parts.push(key);
    else if (operator === 'DoesNotExist') parts.push(`!${key}`);
  }
  return parts.length === 0 ? '<none>' : parts.join(',');
}

function containerColumns(template: unknown): [string, string] {
  const containers = list(get(template, 'spec', 'containers'));
  return [
    containers.map((container) => text(container['name'])).join(','),
    containers.map((container) => text(container['image'])).join(','),
  ];
}

const containersColumn = column('Containers', 'Names of each container in the template.', 1);
const imagesColumn = column('Images', 'Images referenced by each container in the template.', 1);
const selectorColumn = column('Selector', 'Label selector of the pods.', 1);

/** The STATUS of a pod, as `kubectl get pods` prints it (printPod). */
function podStatus(pod: KubeObject): {
  reason: string;
  ready: number;
  restarts: number;
  last?: number;
} {
  const status = (pod['status'] ?? {}) as Json;
  let reason = text(status['reason'], text(status['phase']));
  let restarts = 0;
  let last: number | undefined;
  const noteRestart = (containerStatus: Json) => {
    restarts += count(containerStatus['restartCount']);
    const finished = get(containerStatus, 'lastState', 'terminated', 'finishedAt');
    if (typeof finished === 'string') last = Math.max(last ?? 0, Date.parse(finished));
  };
  const initStatuses = list(status['initContainerStatuses']);
  const initCount = list(get(pod, 'spec', 'initContainers')).length;
  let initializing = false;
  for (const [index, containerStatus] of initStatuses.entries()) {
    noteRestart(containerStatus);
    const terminated = get(containerStatus, 'state', 'terminated') as Json | undefined;
    const waiting = get(containerStatus, 'state', 'waiting') as Json | undefined;
    if (terminated && count(terminated['exitCode']) === 0) continue;
    if (get(containerStatus, 'started') === true && get(containerStatus, 'state', 'running'))
      continue; // a running sidecar (restartable init container)
    initializing = true;
    if (terminated) {
      reason = `Init:${text(terminated['reason']) || exitText(terminated)}`;
    } else if (waiting && text(waiting['reason']) && waiting['reason'] !== 'PodInitializing') {
      reason = `Init:${text(waiting['reason'])}`;
    } else {
      reason = `Init:${index}/${initCount}`;
    }
    break;
  }
  let ready = 0;
  if (!initializing) {
    let hasRunning = false;
    for (const containerStatus of [...list(status['containerStatuses'])].reverse()) {
      noteRestart(containerStatus);
      const waiting = get(containerStatus, 'state', 'waiting') as Json | undefined;
      const terminated = get(containerStatus, 'state', 'terminated') as Json | undefined;
      if (waiting && text(waiting['reason'])) reason = text(waiting['reason']);
      else if (terminated && text(terminated['reason'])) reason = text(terminated['reason']);
      else if (terminated) reason = exitText(terminated);
      else if (containerStatus['ready'] === true && get(containerStatus, 'state', 'running')) {
        hasRunning = true;
        ready += 1;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      const podReady = list(status['conditions']).some(
        (condition) => condition['type'] === 'Ready' && condition['status'] === 'True',
      );
      reason = podReady ? 'Running' : 'NotReady';
    }
  }
  if (pod.metadata?.deletionTimestamp)
    reason = status['reason'] === 'NodeLost' ? 'Unknown' : 'Terminating';
  return { reason, ready, restarts, ...(last !== undefined ? { last } : {}) };
}

function exitText(terminated: Json): string {
  const signal = count(terminated['signal']);
  return signal !== 0 ? `Signal:${signal}` : `ExitCode:${count(terminated['exitCode'])}`;
}

const pods: TablePrinter = {
  columns: [
    nameColumn,
    column('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
    column('Status', 'The aggregate status of the containers in this pod.'),
    column(
      'Restarts',
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    ),
    ageColumn,
    column('IP', 'IP address allocated to the pod.', 1),
    column('Node', 'Name of the node the pod is scheduled on.', 1),
    column('Nominated Node', 'Name of the node where the pod is nominated to run.', 1),
    column('Readiness Gates', 'Pod readiness gates that are true, of all.', 1),
  ],
  cells: (pod, now) => {
    const { reason, ready, restarts, last } = podStatus(pod);
    const total = list(get(pod, 'spec', 'containers')).length;
    const gates = list(get(pod, 'spec', 'readinessGates'));
    const conditions = list(get(pod, 'status', 'conditions'));
    const trueGates = gates.filter((gate) =>
      conditions.some(
        (condition) =>
          condition['type'] === gate['conditionType'] && condition['status'] === 'True',
      ),
    ).length;
    return [
      nameOf(pod),
      `${ready}/${total}`,
      reason,
      last !== undefined && restarts > 0
        ? `${restarts} (${humanDuration(Math.max(0, now - last))} ago)`
        : String(restarts),
      age(pod, now),
      text(get(pod, 'status', 'podIP'), '<none>'),
      text(get(pod, 'spec', 'nodeName'), '<none>'),
      text(get(pod, 'status', 'nominatedNodeName'), '<none>'),
      gates.length === 0 ? '<none>' : `${trueGates}/${gates.length}`,
    ];
  },
};

const nodes: TablePrinter = {
  columns: [
    nameColumn,
    column('Status', 'The status of the node.'),
    column('Roles', 'The roles of the node.'),
    ageColumn,
    column('Version', 'Kubelet Version reported by the node.'),
    column('Internal-IP', 'List of internal IPs of the node.', 1),
    column('External-IP', 'List of external IPs of the node.', 1),
    column('OS-Image', 'OS Image reported by the node from /etc/os-release.', 1),
    column('Kernel-Version', 'Kernel Version reported by the node.', 1),
    column('Container-Runtime', 'Container Runtime Version reported by the node.', 1),
  ],
  cells: (node, now) => {
    const ready = list(get(node, 'status', 'conditions')).find((c) => c['type'] === 'Ready');
    let status =
      ready?.['status'] === 'True'
        ? 'Ready'
        : ready?.['status'] === 'False'
          ? 'NotReady'
          : 'Unknown';
    if (get(node, 'spec', 'unschedulable') === true) status += ',SchedulingDisabled';
    const roles = new Set<string>();
    for (const [key, value] of Object.entries(node.metadata?.labels ?? {})) {
      if (key.startsWith('node-role.kubernetes.io/')) {
        const role = key.slice('node-role.kubernetes.io/'.length);
        if (role) roles.add(role);
      } else if (key === 'kubernetes.io/role' && value) roles.add(value);
    }
    const address = (type: string) =>
      text(
        list(get(node, 'status', 'addresses')).find((entry) => entry['type'] === type)?.['address'],
        '<none>',
      );
    const info = (field: string) => text(get(node, 'status', 'nodeInfo', field), '<unknown>');
    return [
      nameOf(node),
      status,
      roles.size === 0 ? '<none>' : [...roles].sort().join(','),
      age(node, now),
      text(get(node, 'status', 'nodeInfo', 'kubeletVersion')),
      address('InternalIP'),
      address('ExternalIP'),
      info('osImage'),
      info('kernelVersion'),
      info('containerRuntimeVersion'),
    ];
  },
};

const services: TablePrinter = {
  columns: [
    nameColumn,
    column('Type', 'The type of the service.'),
    column('Cluster-IP', 'The cluster IP of the service.'),
    column('External-IP', 'The external IPs of the service.'),
    column('Port(s)', 'The ports of the service.'),
    ageColumn,
    column('Selector', 'The label selector of the service.', 1),
  ],
  cells: (service, now) => {
    const spec = (service['spec'] ?? {}) as Json;
    const type = text(spec['type'], 'ClusterIP');
    const externalIPs = (spec['externalIPs'] as string[] | undefined) ?? [];
    let external = externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    if (type === 'ExternalName') external = text(spec['externalName'], '<none>');
    if (type === 'LoadBalancer') {
      const ingress = list(get(service, 'status', 'loadBalancer', 'ingress'))
        .map((entry) => text(entry['ip']) || text(entry['hostname']))
        .filter(Boolean);
      const all = [...ingress, ...externalIPs];
      external = all.length > 0 ? all.join(',') : '<pending>';
    }
    const ports = list(spec['ports']).map((port) => {
      const protocol = text(port['protocol'], 'TCP');
      const nodePort = count(port['nodePort']);
      return nodePort
        ? `${count(port['port'])}:${nodePort}/${protocol}`
        : `${count(port['port'])}/${protocol}`;
    });
    return [
      nameOf(service),
      type,
      text(spec['clusterIP'], '<none>'),
      external,
      ports.length > 0 ? ports.join(',') : '<none>',
      age(service, now),
      formatLabels(spec['selector']),
    ];
  },
};

const endpoints: TablePrinter = {
  columns: [nameColumn, column('Endpoints', 'Endpoints of the service.'), ageColumn],
  cells: (object, now) => {
    const all: string[] = [];
    for (const subset of list(object['subsets'])) {
      const ports = list(subset['ports']);
      for (const address of list(subset['addresses'])) {
        if (ports.length === 0) all.push(text(address['ip']));
        for (const port of ports) all.push(`${text(address['ip'])}:${count(port['port'])}`);
      }
    }
    const shown = all.slice(0, 3).join(',');
    const cell =
      all.length === 0 ? '<none>' : all.length > 3 ? `${shown} + ${all.length - 3} more...` : shown;
    return [nameOf(object), cell, age(object, now)];
  },
};

function dataCount(object: KubeObject): number {
  return (
    Object.keys((object['data'] ?? {}) as Json).length +
    Object.keys((object['binaryData'] ?? {}) as Json).length
  );
}

const byAge =
  (extra: (object: KubeObject) => unknown[], columns: TableColumn[], ageLast = true) =>
  (): TablePrinter => ({
    columns: ageLast ? [nameColumn, ...columns, ageColumn] : [nameColumn, ageColumn, ...columns],
    cells: (object, now) =>
      ageLast
        ? [nameOf(object), ...extra(object), age(object, now)]
        : [nameOf(object), age(object, now), ...extra(object)],
  });

const namespaces = byAge(
  (object) => [text(get(object, 'status', 'phase'))],
  [column('Status', 'The status of the namespace.')],
)();

const configMaps = byAge(
  (object) => [dataCount(object)],
  [column('Data', 'Number of data entries.', 0, 'integer')],
)();

const secrets = byAge(
  (object) => [text(object['type'], 'Opaque'), dataCount(object)],
  [
    column('Type', 'The type of the secret.'),
    column('Data', 'Number of data entries.', 0, 'integer'),
  ],
)();

const serviceAccounts = byAge(
  (object) => [list(object['secrets']).length],
  [column('Secrets', 'Number of secrets of the service account.', 0, 'integer')],
)();

/** `cpu: 1/2, memory: 1Gi/4Gi`: used/hard of quota resources, sorted. */
function quotaUsage(object: KubeObject, limits: boolean): string {
  const hard = (get(object, 'status', 'hard') ?? get(object, 'spec', 'hard') ?? {}) as Json;
  const used = (get(object, 'status', 'used') ?? {}) as Json;
  return Object.keys(hard)
    .filter((resource) => resource.startsWith('limits.') === limits)
    .sort()
    .map((resource) => `${resource}: ${String(used[resource] ?? '0')}/${String(hard[resource])}`)
    .join(', ');
}

const resourceQuotas = byAge(
  (object) => [quotaUsage(object, false), quotaUsage(object, true)],
  [
    column(
      'Request',
      'Request represents a minimum amount of cpu/memory that a container may consume.',
    ),
    column(
      'Limit',
      'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.',
    ),
  ],
  false,
)();

const accessModeShort: Record<string, string> = {
  ReadWriteOnce: 'RWO',
  ReadOnlyMany: 'ROX',
  ReadWriteMany: 'RWX',
  ReadWriteOncePod: 'RWOP',
};

const persistentVolumeClaims: TablePrinter = {
  columns: [
    nameColumn,
    column('Status', 'The phase of the claim.'),
    column('Volume', 'The bound volume.'),
    column('Capacity', 'The capacity of the bound volume.'),
    column('Access Modes', 'The access modes of the bound volume.'),
    column('StorageClass', 'The storage class of the claim.'),
    column('VolumeAttributesClass', 'The volume attributes class of the claim.'),
    ageColumn,
    column('VolumeMode', 'The volume mode of the claim.', 1),
  ],
  cells: (claim, now) => {
    const modes = ((get(claim, 'status', 'accessModes') as string[] | undefined) ?? []).map(
      (mode) => accessModeShort[mode] ?? mode,
    );
    return [
      nameOf(claim),
      claim.metadata?.deletionTimestamp ? 'Terminating' : text(get(claim, 'status', 'phase')),
      text(get(claim, 'spec', 'volumeName')),
      String(get(claim, 'status', 'capacity', 'storage') ?? ''),
      modes.join(','),
      text(get(claim, 'spec', 'storageClassName')),
      text(get(claim, 'spec', 'volumeAttributesClassName'), '<unset>'),
      age(claim, now),
      text(get(claim, 'spec', 'volumeMode'), '<unset>'),
    ];
  },
};

function conditionTrue(object: KubeObject, type: string): boolean {
  return list(get(object, 'status', 'conditions')).some(
    (condition) => condition['type'] === type && condition['status'] === 'True',
  );
}

const jobs: TablePrinter = {
  columns: [
    nameColumn,
    column('Status', 'Status of the job.'),
    column('Completions', 'The completed and desired number of successfully run pods.'),
    column('Duration', 'Time required to complete the job.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn,
  ],
  cells: (job, now) => {
    const spec = (job['spec'] ?? {}) as Json;
    const succeeded = count(get(job, 'status', 'succeeded'));
    const completions =
      typeof spec['completions'] === 'number'
        ? `${succeeded}/${spec['completions']}`
        : `${succeeded}/1 of ${count(spec['parallelism']) || 1}`;
    const status = job.metadata?.deletionTimestamp
      ? 'Terminating'
      : conditionTrue(job, 'Complete')
        ? 'Complete'
        : conditionTrue(job, 'Failed')
          ? 'Failed'
          : conditionTrue(job, 'Suspended')
            ? 'Suspended'
            : conditionTrue(job, 'FailureTarget')
              ? 'FailureTarget'
              : conditionTrue(job, 'SuccessCriteriaMet')
                ? 'SuccessCriteriaMet'
                : 'Running';
    const start = get(job, 'status', 'startTime');
    const end = get(job, 'status', 'completionTime');
    const duration =
      typeof start === 'string'
        ? humanDuration(
            Math.max(0, (typeof end === 'string' ? Date.parse(end) : now) - Date.parse(start)),
          )
        : '';
    const [containers, images] = containerColumns(spec['template']);
    return [
      nameOf(job),
      status,
      completions,
      duration,
      age(job, now),
      containers,
      images,
      formatSelector(spec['selector']),
    ];
  },
};

function workloadPrinter(
  columns: TableColumn[],
  counts: (object: KubeObject) => unknown[],
  withSelector: boolean,
): TablePrinter {
  return {
    columns: [
      nameColumn,
      ...columns,
      ageColumn,
      containersColumn,
      imagesColumn,
      ...(withSelector ? [selectorColumn] : []),
    ],
    cells: (object, now) => {
      const spec = (object['spec'] ?? {}) as Json;
      const [containers, images] = containerColumns(spec['template']);
      return [
        nameOf(object),
        ...counts(object),
        age(object, now),
        containers,
        images,
        ...(withSelector ? [formatSelector(spec['selector'])] : []),
      ];
    },
  };
}

const desired = (object: KubeObject) => {
  const replicas = get(object, 'spec', 'replicas');
  return typeof replicas === 'number' ? replicas : 1;
};
const statusCount = (object: KubeObject, field: string) => count(get(object, 'status', field));

const deployments = workloadPrinter(
  [
    column('Ready', 'Number of the pod with ready state.'),
    column(
      'Up-to-date',
      'Total number of non-terminated pods targeted by this deployment that have the desired template spec.',
      0,
      'integer',
    ),
    column(
      'Available',
      'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.',
      0,
      'integer',
    ),
  ],
  (object) => [
    `${statusCount(object, 'readyReplicas')}/${desired(object)}`,
    statusCount(object, 'updatedReplicas'),
    statusCount(object, 'availableReplicas'),
  ],
  true,
);

const replicaSets = workloadPrinter(
  [
    column('Desired', 'Number of desired pods.', 0, 'integer'),
    column('Current', 'Number of actual replicas.', 0, 'integer'),
    column('Ready', 'The number of ready replicas for this replica set.', 0, 'integer'),
  ],
  (object) => [
    desired(object),
    statusCount(object, 'replicas'),
    statusCount(object, 'readyReplicas'),
  ],
  true,
);

const statefulSets = workloadPrinter(
  [column('Ready', 'Number of the pod with ready state.')],
  (object) => [`${statusCount(object, 'readyReplicas')}/${desired(object)}`],
  false,
);

const ingresses: TablePrinter = {
  columns: [
    nameColumn,
    column('Class', 'The name of the IngressClass resource.'),
    column('Hosts', 'Hosts that incoming requests are matched against.'),
    column('Address', 'Address is a list containing ingress points for the load-balancer.'),
    column('Ports', 'Ports of TLS configurations that open.'),
    ageColumn,
  ],
  cells: (ingress, now) => {
    const spec = (ingress['spec'] ?? {}) as Json;
    const hosts = list(spec['rules'])
      .map((rule) => text(rule['host']))
      .filter(Boolean);
    const addresses = list(get(ingress, 'status', 'loadBalancer', 'ingress'))
      .map((entry) => text(entry['ip']) || text(entry['hostname']))
      .filter(Boolean);
    return [
      nameOf(ingress),
      text(spec['ingressClassName'], '<none>'),
      hosts.length > 0 ? hosts.join(',') : '*',
      addresses.join(','),
      list(spec['tls']).length > 0 ? '80, 443' : '80',
      age(ingress, now),
    ];
  },
};

const networkPolicies = byAge(
  (object) => [formatSelector(get(object, 'spec', 'podSelector'))],
  [column('Pod-Selector', 'Selects the pods to which this NetworkPolicy object applies.')],
)();

const leases = byAge(
  (object) => [text(get(object, 'spec', 'holderIdentity'))],
  [column('Holder', 'The holder of the lease.')],
)();

/** `Created At` printers (roles, CRDs) print the timestamp itself, as RFC 3339. */
const createdAt: TablePrinter = {
  columns: [nameColumn, column('Created At', 'Time the object was created.', 0, 'date')],
  cells: (object) => [nameOf(object), object.metadata?.creationTimestamp ?? ''],
};

const bindings: TablePrinter = {
  columns: [
    nameColumn,
    column('Role', 'The role this binding refers to.'),
    ageColumn,
    column('Users', 'Users in the binding.', 1),
    column('Groups', 'Groups in the binding.', 1),
    column('ServiceAccounts', 'ServiceAccounts in the binding.', 1),
  ],
  cells: (binding, now) => {
    const subjects = list(binding['subjects']);
    const of = (kind: string) =>
      subjects
        .filter((subject) => subject['kind'] === kind)
        .map((subject) =>
          kind === 'ServiceAccount'
            ? `${text(subject['namespace'])}/${text(subject['name'])}`
            : text(subject['name']),
        )
        .join(', ');
    return [
      nameOf(binding),
      `${text(get(binding, 'roleRef', 'kind'))}/${text(get(binding, 'roleRef', 'name'))}`,
      age(binding, now),
      of('User'),
      of('Group'),
      of('ServiceAccount'),
    ];
  },
};

/** A core or events.k8s.io Event, read in either spelling. */
const events: TablePrinter = {
  columns: [
    column('Last Seen', 'Time since the event was last observed.'),
    column('Type', 'Type of this event (Normal, Warning).'),
    column('Reason', 'Why the action was taken.'),
    column('Object', 'The object that this event is about.'),
    column('Subobject', 'The subobject (field path) this event is about.', 1),
    column('Source', 'The component reporting this event.', 1),
    column('Message', 'A human-readable description of the status of this operation.'),
    column('First Seen', 'Time since the event was first observed.', 1),
    column('Count', 'The number of times this event has occurred.', 1, 'integer'),
    column('Name', 'Name of the event.', 1),
  ],
  cells: (event, now) => {
    const involved = (event['involvedObject'] ?? event['regarding'] ?? {}) as Json;
    const lastSeen =
      text(get(event, 'series', 'lastObservedTime')) ||
      text(event['lastTimestamp']) ||
      text(event['deprecatedLastTimestamp']) ||
      text(event['eventTime']);
    const firstSeen =
      text(event['firstTimestamp']) ||
      text(event['deprecatedFirstTimestamp']) ||
      text(event['eventTime']);
    const source = (event['source'] ?? event['deprecatedSource'] ?? {}) as Json;
    const component = text(source['component']) || text(event['reportingController']);
    const host = text(source['host']);
    const eventCount =
      count(get(event, 'series', 'count')) ||
      count(event['count']) ||
      count(event['deprecatedCount']) ||
      1;
    return [
      ageOf(lastSeen, now),
      text(event['type']),
      text(event['reason']),
      `${text(involved['kind']).toLowerCase()}/${text(involved['name'])}`,
      text(involved['fieldPath']),
      host ? `${component}, ${host}` : component,
      text(event['message']) || text(event['note']),
      ageOf(firstSeen, now),
      eventCount,
      nameOf(event),
    ];
  },
};

/**
 * Printers of the built-in kinds the sandbox serves, by `group/Kind`, with the columns
 * `kubectl get` shows for them on a real cluster (Kubernetes' internal printers).
 */
export const builtinPrinterColumns: Readonly<Record<string, TablePrinter>> = {
  '/Pod': pods,
  '/Node': nodes,
  '/Service': services,
  '/Endpoints': endpoints,
  '/Namespace': namespaces,
  '/ConfigMap': configMaps,
  '/Secret': secrets,
  '/ServiceAccount': serviceAccounts,
  '/Event': events,
  'events.k8s.io/Event': events,
  '/ResourceQuota': resourceQuotas,
  '/PersistentVolumeClaim': persistentVolumeClaims,
  'batch/Job': jobs,
  'apps/Deployment': deployments,
  'apps/ReplicaSet': replicaSets,
  'apps/StatefulSet': statefulSets,
  'networking.k8s.io/Ingress': ingresses,
  'networking.k8s.io/NetworkPolicy': networkPolicies,
  'coordination.k8s.io/Lease': leases,
  'rbac.authorization.k8s.io/Role': createdAt,
  'rbac.authorization.k8s.io/ClusterRole': createdAt,
  'rbac.authorization.k8s.io/RoleBinding': bindings,
  'rbac.authorization.k8s.io/ClusterRoleBinding': bindings,
  'apiextensions.k8s.io/CustomResourceDefinition': createdAt,
};
