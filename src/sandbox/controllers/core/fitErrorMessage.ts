/**
 * Why a node rejected a pod: the reasons of the first filter plugin that failed on it (several
 * for NodeResourcesFit, one per insufficient resource) and whether preemption could help there
 * (`UnschedulableAndUnresolvable` in the scheduler: taints, affinity, unschedulable nodes and
 * requests larger than the node's whole allocatable).
 */
export interface NodeRejection {
  reasons: readonly string[];
  unresolvable: boolean;
}

/** Message of the scheduler when a cluster has no nodes at all (`ErrNoNodesAvailable`). */
export const noNodesAvailableMessage = 'no nodes available to schedule pods';

/** PostFilter text of the DynamicResources plugin for a pod without resource claims (1.34+). */
const dynamicResourcesNote = 'no new claims to deallocate';

/** Reasons counted over the rejected nodes, as the scheduler's diagnosis keeps them. */
export interface FitDiagnosis {
  /** Filter reason → number of nodes that reported it. */
  reasons: Map<string, number>;
  /** Nodes where preemption cannot help (unresolvable rejections). */
  notHelpful: number;
  /** Nodes where preemption could help but finds no lower-priority victims. */
  noVictims: number;
}

/** Adds one node's rejection to a diagnosis. */
export function addRejection(diagnosis: FitDiagnosis, rejection: NodeRejection): void {
  for (const reason of rejection.reasons) {
    diagnosis.reasons.set(reason, (diagnosis.reasons.get(reason) ?? 0) + 1);
  }
  if (rejection.unresolvable) diagnosis.notHelpful++;
  else diagnosis.noVictims++;
}

function histogram(counts: Map<string, number>): string {
  // sort.Strings on "<count> <reason>", as FitError.Error() does: byte order, counts included.
  return [...counts]
    .map(([reason, count]) => `${count} ${reason}`)
    .sort()
    .join(', ');
}

/**
 * The scheduler's FailedScheduling message (`FitError.Error()` of Kubernetes 1.35), e.g.
 * `0/4 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had
 * untolerated taint(s), 2 Insufficient nvidia.com/gpu. no new claims to deallocate, preemption:
 * 0/4 nodes are available: 2 No preemption victims found for incoming pod, 2 Preemption is not
 * helpful for scheduling.`
 *
 * Reasons are counted per node and sorted as strings. The PostFilter part follows 1.35's
 * default plugins: DynamicResources (no claims) then DefaultPreemption, where nodes rejected
 * for unresolvable reasons are "not helpful" and the rest find no victims, because every pod in
 * the sandbox has the same priority (PriorityClasses are not served). Pass either the
 * per-node `rejections` or an accumulated `diagnosis`.
 * @see https://github.com/kubernetes/kubernetes/blob/master/pkg/scheduler/framework/types.go
 */
export function fitErrorMessage(input: {
  nodeCount: number;
  rejections?: Iterable<NodeRejection>;
  diagnosis?: FitDiagnosis;
  /** `spec.preemptionPolicy`; `Never` makes the pod ineligible to preempt. */
  preemptionPolicy?: string;
}): string {
  const { nodeCount } = input;
  if (nodeCount === 0) return noNodesAvailableMessage;
  const diagnosis = input.diagnosis ?? { reasons: new Map(), notHelpful: 0, noVictims: 0 };
  for (const rejection of input.rejections ?? []) addRejection(diagnosis, rejection);
  const head = `0/${nodeCount} nodes are available`;
  let message = `${head}:`;
  const filters = histogram(diagnosis.reasons);
  if (filters) message += ` ${filters}.`;
  const preemptionCounts = new Map<string, number>();
  if (diagnosis.noVictims > 0) {
    preemptionCounts.set('No preemption victims found for incoming pod', diagnosis.noVictims);
  }
  if (diagnosis.notHelpful > 0) {
    preemptionCounts.set('Preemption is not helpful for scheduling', diagnosis.notHelpful);
  }
  const preemption =
    input.preemptionPolicy === 'Never'
      ? 'not eligible due to preemptionPolicy=Never.'
      : `${head}: ${histogram(preemptionCounts)}.`;
  return `${message} ${dynamicResourcesNote}, preemption: ${preemption}`;
}
