/** What kind of filter rejected some nodes, from the scheduler's reason text. */
export type SchedulingReasonKind =
  | 'insufficient'
  | 'tooManyPods'
  | 'taint'
  | 'selector'
  | 'unschedulable'
  | 'ports'
  | 'podAffinity'
  | 'volume'
  | 'topologySpread'
  | 'other';

/** One `<count> <reason>` entry of the scheduler's per-node histogram. */
export interface SchedulingReason {
  /** Nodes that failed for this reason. */
  count: number;
  /** The reason as the scheduler wrote it, e.g. `Insufficient nvidia.com/gpu`. */
  text: string;
  kind: SchedulingReasonKind;
  /** For `insufficient`: the resource name, e.g. `nvidia.com/gpu`, `cpu`. */
  resource?: string;
  /** For `taint`: the taint, when the message names it (`{key: value}`). */
  taint?: { key: string; value: string };
}

/** A parsed FailedScheduling message. */
export interface SchedulingFailure {
  /** `N` of `0/N nodes are available`; 0 for `no nodes available to schedule pods`. */
  totalNodes: number;
  /** The per-node histogram, in the scheduler's (alphabetical) order. */
  reasons: SchedulingReason[];
  /** A PreFilter plugin's message, e.g. `pod has unbound immediate PersistentVolumeClaims`. */
  preFilter: string | undefined;
  /** The PostFilter (preemption) part, e.g. `preemption: 0/4 nodes are available: …`. */
  postFilter: string | undefined;
  /** The message without the `(combined from similar events): ` prefix. */
  raw: string;
}

const combinedPrefix = '(combined from similar events): ';
const noNodes = /^no nodes available to schedule pods/;
const header = /^0\/(\d+) nodes are available:?\s*/;
/** PostFilter messages start at `preemption:` (possibly after DRA's `no new claims…, `). */
const postFilterStart = /(?:^|\s)((?:no new claims to deallocate, )?preemption: [\s\S]*)$/;

function classify(text: string): Omit<SchedulingReason, 'count' | 'text'> {
  const insufficient = /^Insufficient (\S+)$/.exec(text);
  if (insufficient?.[1]) return { kind: 'insufficient', resource: insufficient[1] };
  if (text === 'Too many pods') return { kind: 'tooManyPods' };
  // k8s ≥ 1.26: `had untolerated taint {k: v}`; ≥ 1.34: `had untolerated taint(s)`;
  // older: `had taint {k: v}, that the pod didn't tolerate`.
  const taint =
    /^node\(s\) had (?:untolerated )?taint(?:\(s\)|s)?(?: \{([^:}]*):\s?([^}]*)\})?/.exec(text);
  if (taint) {
    return taint[1] === undefined
      ? { kind: 'taint' }
      : { kind: 'taint', taint: { key: taint[1], value: (taint[2] ?? '').trim() } };
  }
  if (/node affinity\/selector|didn't match node selector/.test(text)) return { kind: 'selector' };
  if (/were unschedulable/.test(text)) return { kind: 'unschedulable' };
  if (/free ports/.test(text)) return { kind: 'ports' };
  if (/pod affinity|anti-affinity/.test(text)) return { kind: 'podAffinity' };
  if (/[Vv]olume|PersistentVolume|storage/.test(text)) return { kind: 'volume' };
  if (/topology spread/.test(text)) return { kind: 'topologySpread' };
  return { kind: 'other' };
}

/**
 * Parses the scheduler's FailedScheduling message (pod condition PodScheduled=False or the
 * event note) into node counts per reason. The format is `FitError.Error()` of
 * kube-scheduler (`pkg/scheduler/framework/types.go`): `0/N nodes are available:
 * [<PreFilterMsg>.] [<count> <reason>, …]. [<PostFilterMsg>]`, with reasons sorted as strings.
 * Reason texts are those of the in-tree plugins (NodeResourcesFit `Insufficient cpu`,
 * TaintToleration `node(s) had untolerated taint {k: v}`, NodeAffinity `node(s) didn't match
 * Pod's node affinity/selector`, …), old and new spellings alike. Returns undefined for any
 * other text.
 * @see https://github.com/kubernetes/kubernetes/blob/master/pkg/scheduler/framework/types.go
 */
export function parseFailedScheduling(message: string): SchedulingFailure | undefined {
  const raw = (
    message.startsWith(combinedPrefix) ? message.slice(combinedPrefix.length) : message
  ).trim();
  if (noNodes.test(raw)) {
    return { totalNodes: 0, reasons: [], preFilter: undefined, postFilter: undefined, raw };
  }
  const head = header.exec(raw);
  if (!head) return undefined;
  let body = raw.slice(head[0].length);
  let postFilter: string | undefined;
  const post = postFilterStart.exec(body);
  if (post?.[1] !== undefined) {
    postFilter = post[1].trim();
    body = body.slice(0, post.index);
  }
  const reasons: SchedulingReason[] = [];
  const preFilter: string[] = [];
  // Sections are separated by ". "; dots inside names (nvidia.com/gpu) are not followed by a space.
  for (const section of body.trim().replace(/\.$/, '').split(/\.\s+/)) {
    if (!section) continue;
    if (!/^\d+ /.test(section)) {
      preFilter.push(section);
      continue;
    }
    for (const entry of section.split(/, (?=\d+ )/)) {
      const match = /^(\d+) ([\s\S]+)$/.exec(entry.trim());
      if (!match?.[2]) continue;
      const text = match[2].trim();
      reasons.push({ count: Number(match[1]), text, ...classify(text) });
    }
  }
  return {
    totalNodes: Number(head[1]),
    reasons,
    preFilter: preFilter.length > 0 ? preFilter.join('. ') : undefined,
    postFilter,
    raw,
  };
}

/** The scheduler message without its preemption part, for one-line reasons. */
export function schedulingHeadline(message: string): string {
  const parsed = parseFailedScheduling(message);
  if (!parsed) return message.trim();
  return parsed.postFilter
    ? parsed.raw.slice(0, parsed.raw.lastIndexOf(parsed.postFilter)).trim().replace(/\.$/, '')
    : parsed.raw.replace(/\.$/, '');
}
