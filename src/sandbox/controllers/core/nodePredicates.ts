/**
 * The node-side checks of the scheduler's filter plugins, as pure functions over plain JSON:
 * taints against tolerations (TaintToleration, NodeUnschedulable) and `nodeSelector` with
 * required node affinity (NodeAffinity), plus the preferred-affinity score.
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/
 */

/** `node.spec.taints[]`. */
export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

/** `pod.spec.tolerations[]`; an empty operator means `Equal`, an empty effect every effect. */
export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

/** One `matchExpressions`/`matchFields` entry of a node selector term. */
export interface NodeSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

/** A node selector term: all its expressions must hold. */
export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

/** `pod.spec.affinity.nodeAffinity`. */
export interface NodeAffinity {
  requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: NodeSelectorTerm[] };
  preferredDuringSchedulingIgnoredDuringExecution?: {
    weight: number;
    preference?: NodeSelectorTerm;
  }[];
}

/** The scheduling-relevant parts of a pod spec. */
export interface SchedulingSpec {
  nodeSelector?: Record<string, string>;
  affinity?: { nodeAffinity?: NodeAffinity };
  tolerations?: Toleration[];
}

/** Whether one toleration tolerates one taint (`Toleration.ToleratesTaint`). */
export function toleratesTaint(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  const operator = toleration.operator || 'Equal';
  if (operator === 'Exists') return true;
  if (operator === 'Equal') return (toleration.value ?? '') === (taint.value ?? '');
  return false;
}

/**
 * The first `NoSchedule`/`NoExecute` taint no toleration tolerates, in the node's order, or
 * `undefined` (`FindMatchingUntoleratedTaint` with the scheduler's filter). `PreferNoSchedule`
 * never blocks.
 */
export function findUntoleratedTaint(
  taints: readonly Taint[],
  tolerations: readonly Toleration[],
): Taint | undefined {
  for (const taint of taints) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    if (!tolerations.some((toleration) => toleratesTaint(toleration, taint))) return taint;
  }
  return undefined;
}

/** `PreferNoSchedule` taints no toleration (with an empty or that effect) tolerates. */
export function countIntolerablePreferNoSchedule(
  taints: readonly Taint[],
  tolerations: readonly Toleration[],
): number {
  const relevant = tolerations.filter(
    (toleration) => !toleration.effect || toleration.effect === 'PreferNoSchedule',
  );
  let count = 0;
  for (const taint of taints) {
    if (taint.effect !== 'PreferNoSchedule') continue;
    if (!relevant.some((toleration) => toleratesTaint(toleration, taint))) count++;
  }
  return count;
}

const integerPattern = /^[+-]?\d+$/;

function requirementHolds(
  requirement: NodeSelectorRequirement,
  value: string | undefined,
): boolean {
  const values = requirement.values ?? [];
  switch (requirement.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      const bound = values[0];
      if (value === undefined || values.length !== 1 || bound === undefined) return false;
      if (!integerPattern.test(value) || !integerPattern.test(bound)) return false;
      const left = BigInt(value);
      const right = BigInt(bound);
      return requirement.operator === 'Gt' ? left > right : left < right;
    }
    default:
      return false;
  }
}

/**
 * Whether a node selector term matches a node. A term without any requirement matches no node,
 * as Kubernetes' `nodeaffinity.NodeSelector` treats it; `matchFields` supports `metadata.name`.
 */
export function termMatches(
  term: NodeSelectorTerm,
  labels: Readonly<Record<string, string>>,
  nodeName: string,
): boolean {
  const expressions = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (expressions.length === 0 && fields.length === 0) return false;
  for (const expression of expressions) {
    const value = Object.hasOwn(labels, expression.key) ? labels[expression.key] : undefined;
    if (!requirementHolds(expression, value)) return false;
  }
  for (const field of fields) {
    const value = field.key === 'metadata.name' ? nodeName : undefined;
    if (!requirementHolds(field, value)) return false;
  }
  return true;
}

/**
 * The NodeAffinity filter: every `nodeSelector` label must match, and when required node
 * affinity is set, at least one of its terms must match (terms are ORed).
 */
export function matchesNodeSelectorAndAffinity(
  spec: SchedulingSpec,
  labels: Readonly<Record<string, string>>,
  nodeName: string,
): boolean {
  for (const [key, value] of Object.entries(spec.nodeSelector ?? {})) {
    if (labels[key] !== value) return false;
  }
  const required = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required) {
    const terms = required.nodeSelectorTerms ?? [];
    if (!terms.some((term) => termMatches(term, labels, nodeName))) return false;
  }
  return true;
}

/** Sum of the weights of the preferred node affinity terms a node matches (NodeAffinity score). */
export function preferredAffinityScore(
  spec: SchedulingSpec,
  labels: Readonly<Record<string, string>>,
  nodeName: string,
): number {
  let score = 0;
  for (const preferred of spec.affinity?.nodeAffinity
    ?.preferredDuringSchedulingIgnoredDuringExecution ?? []) {
    if (preferred.weight && preferred.preference) {
      if (termMatches(preferred.preference, labels, nodeName)) score += preferred.weight;
    }
  }
  return score;
}
