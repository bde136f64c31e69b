import {
  headNodeResource,
  nodeResourceTotals,
  type RayNodeDescription,
  stableHex,
} from './rayNodes.ts';

/** Amounts of Ray resources by name (`CPU`, `GPU`, `memory` in bytes, custom names). */
export type ResourceAmounts = Record<string, number>;

/** A Ray node as the simulated GCS knows it: one incarnation of a pod. */
export interface RayNodeRecord {
  /** 56 hex characters, stable for this incarnation of the pod. */
  nodeId: string;
  description: RayNodeDescription;
  /** What the node offers, from {@link nodeResourceTotals}. */
  totals: ResourceAmounts;
  /** Epoch ms when the node joined. */
  startTimeMs: number;
  /** Epoch ms when the node died or left; undefined while alive. */
  endTimeMs?: number;
  /** Epoch ms since when nothing has been placed on the node; undefined while busy. */
  idleSinceMs?: number;
}

/** Ray keeps resources in fixed point with four decimals; so does the ledger, to stay exact. */
const unitsPerResource = 10_000;
/** Ray's `maximum_gcs_dead_node_cached_count`: dead nodes remembered for the dashboard. */
const maxDeadNodes = 1000;

const toUnits = (amount: number): number => Math.round(amount * unitsPerResource);
const fromUnits = (units: number): number => units / unitsPerResource;

interface Allocation {
  nodeName: string;
  units: Map<string, number>;
}

/**
 * Which node holds which resources: the simulated Ray scheduler. Jobs' entrypoints and Serve
 * replicas are placed here; what cannot be placed is pending demand for an autoscaler. Placement
 * is first fit, trying the head first, then the other nodes in order, and keeping demands
 * without GPUs off GPU nodes while another node fits (Ray's `scheduler_avoid_gpu_nodes`).
 */
export class ResourceLedger {
  private readonly clusterName: string;
  private readonly alive = new Map<string, RayNodeRecord>();
  private readonly dead: RayNodeRecord[] = [];
  private readonly allocations = new Map<string, Allocation>();

  constructor(clusterName: string) {
    this.clusterName = clusterName;
  }

  /**
   * Replaces the node set. Nodes that left or stopped being alive become dead; a pod that comes
   * back gets a new node id, as a restarted raylet does. Returns the owners whose allocations
   * were on nodes that died (their resources are released).
   */
  setNodes(nodes: readonly RayNodeDescription[], nowMs: number): string[] {
    const wanted = new Map(nodes.filter((node) => node.alive).map((node) => [node.name, node]));
    const lostNodes = new Set<string>();
    for (const [name, record] of this.alive) {
      if (wanted.has(name)) continue;
      this.alive.delete(name);
      record.endTimeMs = nowMs;
      this.dead.push(record);
      lostNodes.add(name);
    }
    if (this.dead.length > maxDeadNodes) this.dead.splice(0, this.dead.length - maxDeadNodes);
    for (const [name, description] of wanted) {
      const existing = this.alive.get(name);
      if (existing) {
        existing.description = description;
        existing.totals = nodeResourceTotals(description);
        continue;
      }
      this.alive.set(name, {
        nodeId: stableHex(`${this.clusterName}/${name}/${nowMs}/${this.dead.length}`, 28),
        description,
        totals: nodeResourceTotals(description),
        startTimeMs: nowMs,
        idleSinceMs: nowMs,
      });
    }
    const lostOwners: string[] = [];
    for (const [owner, allocation] of this.allocations) {
      if (lostNodes.has(allocation.nodeName)) {
        lostOwners.push(owner);
        this.allocations.delete(owner);
      }
    }
    return lostOwners;
  }

  /** Alive nodes in the order the operator listed them. */
  aliveNodes(): RayNodeRecord[] {
    return [...this.alive.values()];
  }

  /** Nodes that died or left, oldest first (at most 1000, as Ray's GCS keeps). */
  deadNodes(): RayNodeRecord[] {
    return [...this.dead];
  }

  /** The alive head node, if any. */
  head(): RayNodeRecord | undefined {
    return this.aliveNodes().find((record) => record.description.isHead);
  }

  /** The alive node with this Ray node id. */
  nodeById(nodeId: string): RayNodeRecord | undefined {
    return this.aliveNodes().find((record) => record.nodeId === nodeId);
  }

  /**
   * Places `demand` for `owner` on a node with enough free resources, or on the head only when
   * `pinToHead` (Ray pins job drivers that request no resources to the head node). Returns the
   * node, or undefined when nothing fits now. An owner holds at most one allocation.
   */
  place(
    owner: string,
    demand: ResourceAmounts,
    options: { pinToHead?: boolean } = {},
  ): RayNodeRecord | undefined {
    if (this.allocations.has(owner)) throw new Error(`${owner} already holds resources`);
    const wanted = new Map(
      Object.entries(demand)
        .filter(([, amount]) => amount > 0)
        .map(([name, amount]) => [name, toUnits(amount)]),
    );
    if (options.pinToHead) wanted.set(headNodeResource, 0);
    const node = this.candidates(wanted).find((record) => this.fitsOn(record, wanted));
    if (!node) return undefined;
    this.allocations.set(owner, { nodeName: node.description.name, units: wanted });
    node.idleSinceMs = undefined;
    return node;
  }

  /** Frees what `owner` holds; the node becomes idle when nothing else is placed on it. */
  release(owner: string, nowMs: number): void {
    const allocation = this.allocations.get(owner);
    if (!allocation) return;
    this.allocations.delete(owner);
    const node = this.alive.get(allocation.nodeName);
    if (node && !this.isBusy(node.description.name)) node.idleSinceMs = nowMs;
  }

  /** The node `owner` is placed on. */
  nodeOf(owner: string): RayNodeRecord | undefined {
    const allocation = this.allocations.get(owner);
    return allocation ? this.alive.get(allocation.nodeName) : undefined;
  }

  /**
   * Whether every bundle could be placed at once on free resources (greedy first fit), without
   * placing anything: how a workload's tasks or actors wait for the cluster to have room.
   */
  canPlaceAll(bundles: readonly ResourceAmounts[]): boolean {
    const free = new Map(
      this.aliveNodes().map((node) => [node.description.name, this.freeUnits(node)]),
    );
    for (const bundle of bundles) {
      const wanted = new Map(
        Object.entries(bundle).map(([name, amount]) => [name, toUnits(amount)]),
      );
      const node = this.candidates(wanted).find((record) => {
        const left = free.get(record.description.name);
        return (
          left !== undefined && [...wanted].every(([name, units]) => (left.get(name) ?? 0) >= units)
        );
      });
      if (!node) return false;
      const left = free.get(node.description.name);
      for (const [name, units] of wanted) left?.set(name, (left.get(name) ?? 0) - units);
    }
    return true;
  }

  /** Free resources of a node. */
  available(record: RayNodeRecord): ResourceAmounts {
    return Object.fromEntries(
      [...this.freeUnits(record)].map(([name, units]) => [name, fromUnits(units)]),
    );
  }

  /** Resources in use on a node (totals minus free). */
  used(record: RayNodeRecord): ResourceAmounts {
    const free = this.freeUnits(record);
    return Object.fromEntries(
      Object.entries(record.totals).map(([name, total]) => [
        name,
        fromUnits(toUnits(total) - (free.get(name) ?? 0)),
      ]),
    );
  }

  private isBusy(nodeName: string): boolean {
    return [...this.allocations.values()].some((allocation) => allocation.nodeName === nodeName);
  }

  private freeUnits(record: RayNodeRecord): Map<string, number> {
    const free = new Map(
      Object.entries(record.totals).map(([name, total]) => [name, toUnits(total)]),
    );
    for (const allocation of this.allocations.values()) {
      if (allocation.nodeName !== record.description.name) continue;
      for (const [name, units] of allocation.units) free.set(name, (free.get(name) ?? 0) - units);
    }
    return free;
  }

  private fitsOn(record: RayNodeRecord, wanted: Map<string, number>): boolean {
    const free = this.freeUnits(record);
    return [...wanted].every(([name, units]) => free.has(name) && (free.get(name) ?? 0) >= units);
  }

  private candidates(wanted: Map<string, number>): RayNodeRecord[] {
    const nodes = this.aliveNodes();
    const ordered = [
      ...nodes.filter((node) => node.description.isHead),
      ...nodes.filter((node) => !node.description.isHead),
    ];
    if ((wanted.get('GPU') ?? 0) > 0) return ordered;
    return [
      ...ordered.filter((node) => !node.totals.GPU),
      ...ordered.filter((node) => node.totals.GPU),
    ];
  }
}
