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

function histogram(reasons: Iterable<string>): string {
  const counts = new Map<string, number>();
  for (const reason of reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
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
 * the sandbox has the same priority (PriorityClasses are not served).
 * @see https://github.com/kubernetes/kubernetes/blob/master/pkg/scheduler/framework/types.go
 */
export function fitErrorMessage(input: {
  nodeCount: number;
  rejections: Iterable<NodeRejection>;
  /** `spec.preemptionPolicy`; `Never` makes the pod ineligible to preempt. */
  preemptionPolicy?: string;
}): string {
  const { nodeCount } = input;
  if (nodeCount === 0) return noNodesAvailableMessage;
  const head = `0/${nodeCount} nodes are available`;
  const filterReasons: string[] = [];
  const preemptionReasons: string[] = [];
  for (const rejection of input.rejections) {
    filterReasons.push(...rejection.reasons);
    preemptionReasons.push(
      rejection.unresolvable
        ? 'Preemption is not helpful for scheduling'
        : 'No preemption victims found for incoming pod',
    );
  }
  let message = `${head}:`;
  const filters = histogram(filterReasons);
  if (filters) message += ` ${filters}.`;
  const preemption =
    input.preemptionPolicy === 'Never'
      ? 'not eligible due to preemptionPolicy=Never.'
      : `${head}: ${histogram(preemptionReasons)}.`;
  return `${message} ${dynamicResourcesNote}, preemption: ${preemption}`;
}
