import { createHash } from 'node:crypto';

import type { RayClusterSpec } from './RayCluster.ts';

const base32HexAlphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUV';

/** RFC 4648 base32 with the extended-hex alphabet and padding (Go's `base32.HexEncoding`). */
function base32Hex(bytes: Uint8Array): string {
  let output = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      output += base32HexAlphabet[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) output += base32HexAlphabet[(buffer << (5 - bits)) & 31];
  while (output.length % 8 !== 0) output += '=';
  return output;
}

/** JSON with object keys sorted, so equal specs hash equally whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * KubeRay `GenerateHashWithoutReplicasAndWorkersToDelete`: SHA-1 (base32hex) of the cluster spec
 * without what the autoscaler or Kueue change (replicas, min/max, workersToDelete, tolerations,
 * scheduling gates, upgradeStrategy). Used for `ray.io/hash-without-replicas-and-workers-to-delete`
 * and the Recreate upgrade strategy. Hash values differ from Go's (key order), only equality matters.
 */
export function hashClusterSpec(spec: RayClusterSpec): string {
  const copy = structuredClone(spec);
  delete copy.headGroupSpec.template.spec['tolerations'];
  delete copy.headGroupSpec.template.spec['schedulingGates'];
  for (const group of copy.workerGroupSpecs ?? []) {
    delete group.replicas;
    delete group.maxReplicas;
    delete group.minReplicas;
    delete group.scaleStrategy;
    delete group.template.spec['tolerations'];
    delete group.template.spec['schedulingGates'];
  }
  delete copy.upgradeStrategy;
  return base32Hex(createHash('sha1').update(canonicalJson(copy)).digest());
}
