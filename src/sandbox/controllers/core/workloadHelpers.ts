import type { KubeObject, OwnerReference } from '../../apiserver/resourceType.ts';

/** `metadata` + `spec` of a pod template (`spec.template` of workloads). */
export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
}

/** The owner reference a controller puts on what it creates (`metav1.NewControllerRef`). */
export function controllerRef(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion ?? '',
    kind: owner.kind ?? '',
    name: owner.metadata?.name ?? '',
    uid: owner.metadata?.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** A pod for a template, as `controller.GetPodFromTemplate` builds it. */
export function podFromTemplate(input: {
  template: PodTemplate;
  owner: KubeObject;
  name?: string;
  generateName?: string;
  extraLabels?: Record<string, string>;
  specPatch?: Record<string, unknown>;
}): KubeObject {
  const { template, owner } = input;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...(input.name ? { name: input.name } : {}),
      ...(input.generateName ? { generateName: input.generateName } : {}),
      namespace: owner.metadata?.namespace,
      labels: { ...template.metadata?.labels, ...input.extraLabels },
      ...(template.metadata?.annotations
        ? { annotations: { ...template.metadata.annotations } }
        : {}),
      ownerReferences: [controllerRef(owner)],
    },
    spec: { ...template.spec, ...input.specPatch },
  };
}

const safeAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** `rand.SafeEncodeString`: maps each character into an alphabet without vowels. */
export function safeEncodeString(text: string): string {
  let result = '';
  for (let index = 0; index < text.length; index++) {
    result += safeAlphabet[text.charCodeAt(index) % safeAlphabet.length];
  }
  return result;
}

/** FNV-1a 32-bit over the UTF-16 code units of `text` (ASCII JSON in practice). */
function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index) & 0xff;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/**
 * A template hash in the shape of `controller.ComputeHash` (FNV-32a of the template and the
 * collision count, printed in decimal and safe-encoded, e.g. `7c5ddbdf54`). Kubernetes hashes
 * Go's printed struct, so values differ from a real cluster's; they are stable per template.
 */
export function computeTemplateHash(template: unknown, collisionCount = 0): string {
  return safeEncodeString(String(fnv1a32(`${stableJson(template)}#${collisionCount}`)));
}

/** JSON with object keys sorted, so equal templates hash equally whatever their key order. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, entry]) => entry !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${stableJson(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * `intstr.GetScaledValueFromIntOrPercent`: an absolute number, or a percentage of `total`
 * rounded up or down.
 */
export function scaledValue(
  value: number | string | undefined,
  total: number,
  roundUp: boolean,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number') return value;
  const match = /^(\d+)%$/.exec(value);
  if (!match) return Number.parseInt(value, 10) || 0;
  const exact = (Number(match[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}
