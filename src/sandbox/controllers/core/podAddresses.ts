/**
 * Pod IPs out of each node's `spec.podCIDR`, as a host-local IPAM plugin hands them out: the
 * network and gateway (`.1`) addresses are skipped, addresses are reused only after release.
 */
export class PodAddresses {
  private readonly pools = new Map<
    string,
    { base: number; size: number; used: Set<number>; next: number }
  >();

  /** Reserves an address of `cidr` for a pod on `node`; `undefined` when the range is full. */
  allocate(node: string, cidr: string | undefined): string | undefined {
    const pool = this.poolOf(node, cidr);
    for (let tries = 0; tries < pool.size; tries++) {
      const offset = pool.next;
      pool.next = pool.next + 1 >= pool.size - 1 ? 2 : pool.next + 1;
      if (!pool.used.has(offset)) {
        pool.used.add(offset);
        return ipString(pool.base + offset);
      }
    }
    return undefined;
  }

  /** Marks an address as taken (a pod restored from a snapshot keeps its IP). */
  reserve(node: string, cidr: string | undefined, ip: string): void {
    const pool = this.poolOf(node, cidr);
    const offset = ipNumber(ip) - pool.base;
    if (offset >= 0 && offset < pool.size) pool.used.add(offset);
  }

  /** Returns an address to the node's pool. */
  release(node: string, ip: string | undefined): void {
    const pool = this.pools.get(node);
    if (!pool || !ip) return;
    pool.used.delete(ipNumber(ip) - pool.base);
  }

  private poolOf(node: string, cidr: string | undefined) {
    let pool = this.pools.get(node);
    if (!pool) {
      const match = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(cidr ?? '');
      const prefix = match ? Math.min(30, Math.max(8, Number(match[2]))) : 24;
      const size = 2 ** (32 - prefix);
      const base = match ? ipNumber(match[1] as string) & ~(size - 1) : ipNumber('10.244.0.0');
      pool = { base: base >>> 0, size, used: new Set(), next: 2 };
      this.pools.set(node, pool);
    }
    return pool;
  }
}

function ipNumber(ip: string): number {
  return ip.split('.').reduce((total, part) => total * 256 + Number(part), 0);
}

function ipString(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}
