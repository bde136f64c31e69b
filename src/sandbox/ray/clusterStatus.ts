import type { PendingDemand } from './JobManager.ts';
import { gpuDeviceName, gpuMemoryMiB, nodeTypeName, stableHex } from './rayNodes.ts';
import type { RayNodeRecord, ResourceAmounts, ResourceLedger } from './ResourceLedger.ts';

/**
 * The dashboard's cluster views, built from the ledger: `GET /api/cluster_status` (the
 * autoscaler's load metrics and report, and `ray status` text) and `GET /nodes?view=summary`
 * (per-node raylet and machine stats). Key names are Ray's snake_case; the HTTP layer renames
 * them with `to_google_style`, as Ray's `rest_response` does.
 */

/** What the views are built from. */
export interface ClusterView {
  ledger: ResourceLedger;
  demands: readonly PendingDemand[];
  nowMs: number;
  /** The simulated `monitor.py` process id. */
  monitorPid: number;
}

/** Resource names `ray status` lists first, in this order. */
const leadingResources = ['CPU', 'GPU'];
const trailingResources = ['memory', 'object_store_memory'];

/** Ray's `format_memory`: `0B`, `512.00KiB`, `4.00GiB`. */
export function formatMemory(bytes: number): string {
  if (bytes > 2 ** 30) return `${(bytes / 2 ** 30).toFixed(2)}GiB`;
  if (bytes > 2 ** 20) return `${(bytes / 2 ** 20).toFixed(2)}MiB`;
  if (bytes > 2 ** 10) return `${(bytes / 2 ** 10).toFixed(2)}KiB`;
  return `${bytes}B`;
}

/** A Python float as `ray status` prints it (`1.0`, `0.5`). */
function pyNumber(value: number): string {
  return Number.isInteger(value) ? `${value}.0` : String(value);
}

/** `[used, total]` per resource over the alive nodes. */
export function clusterUsage(ledger: ResourceLedger): Record<string, [number, number]> {
  const usage: Record<string, [number, number]> = {};
  for (const node of ledger.aliveNodes()) addUsage(usage, ledger, node);
  return usage;
}

function addUsage(
  usage: Record<string, [number, number]>,
  ledger: ResourceLedger,
  node: RayNodeRecord,
): void {
  const used = ledger.used(node);
  for (const [name, total] of Object.entries(node.totals)) {
    const entry = usage[name] ?? [0, 0];
    entry[0] += used[name] ?? 0;
    entry[1] += total;
    usage[name] = entry;
  }
}

/** Usage lines as `ray status` prints them (`0.0/8.0 CPU`, `0B/4.00GiB memory`). */
export function usageLines(usage: Record<string, [number, number]>): string[] {
  const names = Object.keys(usage).filter((name) => !name.startsWith('node:'));
  const middle = names
    .filter((name) => !leadingResources.includes(name) && !trailingResources.includes(name))
    .sort();
  const ordered = [
    ...leadingResources.filter((name) => usage[name]),
    ...middle,
    ...trailingResources.filter((name) => usage[name]),
  ];
  return ordered.map((name) => {
    const [used, total] = usage[name] ?? [0, 0];
    return trailingResources.includes(name)
      ? `${formatMemory(used)}/${formatMemory(total)} ${name}`
      : `${pyNumber(used)}/${pyNumber(total)} ${name}`;
  });
}

/** Identical bundles counted, as the autoscaler's `resource_demand` list: `[[bundle, count]]`. */
export function aggregateDemand(demands: readonly PendingDemand[]): [ResourceAmounts, number][] {
  const out: [ResourceAmounts, number][] = [];
  for (const demand of demands) {
    const key = JSON.stringify(demand.resources);
    const existing = out.find(([bundle]) => JSON.stringify(bundle) === key);
    if (existing) existing[1]++;
    else out.push([demand.resources, 1]);
  }
  return out;
}

function bundleRepr(bundle: ResourceAmounts): string {
  return `{${Object.entries(bundle)
    .map(([name, amount]) => `'${name}': ${pyNumber(amount)}`)
    .join(', ')}}`;
}

function isIdle(node: RayNodeRecord): boolean {
  return node.idleSinceMs !== undefined;
}

function countByType(nodes: readonly RayNodeRecord[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const node of nodes)
    counts[nodeTypeName(node.description)] = (counts[nodeTypeName(node.description)] ?? 0) + 1;
  return counts;
}

/** The `ray status` text (`GET /api/cluster_status?format=1`). */
export function rayStatusText(view: ClusterView): string {
  const nodes = view.ledger.aliveNodes();
  const stamp = new Date(view.nowMs).toISOString().replace('T', ' ').replace('Z', '000');
  const list = (counts: Record<string, number>, none: string): string[] =>
    Object.keys(counts).length === 0
      ? [` ${none}`]
      : Object.entries(counts).map(([type, count]) => ` ${count} ${type}`);
  const demand = aggregateDemand(view.demands);
  const lines = [
    `======== Autoscaler status: ${stamp} ========`,
    'Node status',
    '---------------------------------------------------------------',
    'Active:',
    ...list(countByType(nodes.filter((node) => !isIdle(node))), '(no active nodes)'),
    'Idle:',
    ...list(countByType(nodes.filter(isIdle)), '(no idle nodes)'),
    'Pending:',
    ' (no pending nodes)',
    'Recent failures:',
    ' (no failures)',
    '',
    'Resources',
    '---------------------------------------------------------------',
    'Usage:',
    ...usageLines(clusterUsage(view.ledger)).map((line) => ` ${line}`),
    '',
    'Demands:',
    ...(demand.length === 0
      ? [' (no resource demands)']
      : demand.map(([bundle, count]) => ` ${bundleRepr(bundle)}: ${count}+ pending tasks/actors`)),
  ];
  return `${lines.join('\n')}\n`;
}

/** `data` of `GET /api/cluster_status` (before camelCasing). */
export function clusterStatusData(view: ClusterView): Record<string, unknown> {
  const nodes = view.ledger.aliveNodes();
  const typeMapping = Object.fromEntries(
    nodes.map((node) => [node.nodeId, nodeTypeName(node.description)]),
  );
  const staticTypes: [ResourceAmounts, number][] = [];
  for (const node of nodes) {
    const existing = staticTypes.find(
      ([bundle]) => JSON.stringify(bundle) === JSON.stringify(node.totals),
    );
    if (existing) existing[1]++;
    else staticTypes.push([node.totals, 1]);
  }
  return {
    autoscaling_status: rayStatusText(view),
    autoscaling_error: null,
    cluster_status: {
      load_metrics_report: {
        usage: clusterUsage(view.ledger),
        resource_demand: aggregateDemand(view.demands),
        pg_demand: [],
        request_demand: [],
        node_types: staticTypes,
        head_ip: null,
        usage_by_node: Object.fromEntries(
          nodes.map((node) => {
            const usage: Record<string, [number, number]> = {};
            addUsage(usage, view.ledger, node);
            return [node.nodeId, usage];
          }),
        ),
        node_type_mapping: typeMapping,
        idle_time_map: Object.fromEntries(
          nodes
            .filter(isIdle)
            .map((node) => [node.nodeId, view.nowMs - (node.idleSinceMs ?? view.nowMs)]),
        ),
      },
      time: view.nowMs / 1000,
      monitor_pid: view.monitorPid,
      autoscaler_report: {
        active_nodes: countByType(nodes.filter((node) => !isIdle(node))),
        idle_nodes: countByType(nodes.filter(isIdle)),
        pending_nodes: [],
        pending_launches: {},
        failed_nodes: [],
        node_availability_summary: { node_availabilities: {} },
        pending_resources: {},
        node_type_mapping: Object.fromEntries(
          nodes.map((node) => [node.description.ip, nodeTypeName(node.description)]),
        ),
        legacy: false,
      },
    },
  };
}

/** `data` of `GET /nodes?view=summary` (before camelCasing). */
export function nodeSummaryData(view: ClusterView): Record<string, unknown> {
  const alive = view.ledger.aliveNodes();
  return {
    summary: [...alive, ...view.ledger.deadNodes()].map((node) => nodeSummary(view, node)),
    node_logical_resources: Object.fromEntries(
      alive.map((node) => {
        const usage: Record<string, [number, number]> = {};
        addUsage(usage, view.ledger, node);
        return [node.nodeId, usageLines(usage).join('\n')];
      }),
    ),
  };
}

function nodeSummary(view: ClusterView, node: RayNodeRecord): Record<string, unknown> {
  const description = node.description;
  const alive = node.endTimeMs === undefined;
  const used = alive ? view.ledger.used(node) : {};
  const memory = description.memoryBytes;
  const usedMemory = Math.min(memory, Math.round(memory * 0.08 + (used.memory ?? 0)));
  const objectStore = node.totals.object_store_memory ?? 0;
  const cpuPercent =
    description.cpus > 0 ? Math.min(100, (100 * (used.CPU ?? 0)) / description.cpus + 1.5) : 1.5;
  const deviceName = description.gpuProduct ? gpuDeviceName(description.gpuProduct) : 'NVIDIA GPU';
  const gpuMemory = gpuMemoryMiB(description.gpuProduct);
  const busyGpus = used.GPU ?? 0;
  return {
    now: view.nowMs / 1000,
    hostname: description.name,
    ip: description.ip,
    cpu: Number(cpuPercent.toFixed(1)),
    cpus: [description.cpus, description.cpus],
    mem: [
      memory,
      memory - usedMemory,
      Number(((100 * usedMemory) / Math.max(1, memory)).toFixed(1)),
      usedMemory,
    ],
    shm: Math.round(memory * 0.001),
    boot_time: node.startTimeMs / 1000,
    load_avg: [
      [0.25, 0.2, 0.15],
      [
        0.25 / Math.max(1, description.cpus),
        0.2 / Math.max(1, description.cpus),
        0.15 / Math.max(1, description.cpus),
      ],
    ],
    disk: { '/': { total: 100 * 2 ** 30, used: 12 * 2 ** 30, free: 88 * 2 ** 30, percent: 12.0 } },
    network_speed: [0, 0],
    gpus: Array.from({ length: description.gpus }, (_, index) => ({
      index,
      name: deviceName,
      uuid: `GPU-${formatUuid(`${node.nodeId}/${index}`)}`,
      utilization_gpu: index < busyGpus ? 87 : 0,
      memory_used: index < busyGpus ? Math.round(gpuMemory * 0.6) : 0,
      memory_total: gpuMemory,
      processes_pids: [],
    })),
    tpus: [],
    raylet: {
      node_id: node.nodeId,
      node_manager_address: description.ip,
      node_manager_hostname: description.name,
      node_manager_port: 37_111,
      object_manager_port: 37_113,
      object_store_socket_name: '/tmp/ray/session_latest/sockets/plasma_store',
      raylet_socket_name: '/tmp/ray/session_latest/sockets/raylet',
      metrics_export_port: 8080,
      node_name: description.name,
      runtime_env_agent_port: 37_115,
      state: alive ? 'ALIVE' : 'DEAD',
      ...(alive ? {} : { state_message: 'The node was removed (its pod is gone).' }),
      resources_total: node.totals,
      labels: {
        'ray.io/node-id': node.nodeId,
        'ray.io/node-group': nodeTypeName(description),
        ...description.labels,
      },
      start_time_ms: node.startTimeMs,
      end_time_ms: node.endTimeMs ?? 0,
      is_head_node: description.isHead,
      object_store_used_memory: 0,
      object_store_available_memory: objectStore,
    },
  };
}

function formatUuid(seed: string): string {
  const hex = stableHex(seed, 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
