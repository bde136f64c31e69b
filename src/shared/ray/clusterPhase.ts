/**
 * Raydeck's phases of a RayCluster, in lifecycle order: the one list from which the API schema
 * (`ClusterPhaseSchema`), the status chip's looks, the list's phase filter and the server's
 * phase sort are derived. `deriveClusterPhase` says which one a cluster is in.
 */
export const clusterPhases = [
  'Pending',
  'Queued',
  'Provisioning',
  'Scaling',
  'Ready',
  'Degraded',
  'Suspending',
  'Suspended',
  'Failed',
  'Deleting',
] as const;

/** One of {@link clusterPhases}. */
export type ClusterPhase = (typeof clusterPhases)[number];

/**
 * What a phase means to someone glancing at it, for colour and icon: `waiting` for capacity or
 * admission, `starting` on the way, `ok`, `partial` (something that ran is failing), `broken`
 * (needs a fix), `parked` (suspended on purpose) and `leaving`.
 */
export type ClusterPhaseTone =
  'waiting' | 'starting' | 'ok' | 'partial' | 'broken' | 'parked' | 'leaving';

/** Tone and a one-line description of a phase, for chips, filters and tooltips. */
export interface ClusterPhaseInfo {
  tone: ClusterPhaseTone;
  description: string;
}

/** Every phase's tone and description; a phase missing here is a type error. */
export const clusterPhaseInfo: { readonly [P in ClusterPhase]: ClusterPhaseInfo } = {
  Pending: { tone: 'waiting', description: 'Waiting for pods to be created or scheduled.' },
  Queued: {
    tone: 'waiting',
    description: 'Held suspended by Kueue until its queue admits it.',
  },
  Provisioning: { tone: 'starting', description: 'All pods exist and are starting.' },
  Scaling: {
    tone: 'starting',
    description: 'Head ready; new workers are being created or starting.',
  },
  Ready: { tone: 'ok', description: 'Head and every wanted worker ready.' },
  Degraded: {
    tone: 'partial',
    description: 'Was ready; the head or a worker that ran is now failing or lost.',
  },
  Suspending: { tone: 'parked', description: 'Suspend requested; pods are being deleted.' },
  Suspended: { tone: 'parked', description: 'Suspended: no pods, no GPUs held.' },
  Failed: { tone: 'broken', description: 'The head cannot start without a fix.' },
  Deleting: { tone: 'leaving', description: 'Deletion requested.' },
};

/** True for a phase name, e.g. from a query string. */
export function isClusterPhase(value: string): value is ClusterPhase {
  return (clusterPhases as readonly string[]).includes(value);
}

/** Phases in which the cluster has no head to talk to (no dashboard, no jobs). */
export const headlessPhases: ReadonlySet<ClusterPhase> = new Set<ClusterPhase>([
  'Queued',
  'Suspending',
  'Suspended',
  'Deleting',
]);

/** Label Kueue reads: the LocalQueue a workload (here a RayCluster) is submitted to. */
export const kueueQueueNameLabel = 'kueue.x-k8s.io/queue-name';

/**
 * Annotation Raydeck sets (to the acting user) when someone suspends a cluster through it, and
 * removes on resume. It tells an owner's suspension apart from Kueue's, which suspends a queued
 * RayCluster without asking anyone.
 */
export const suspendedByAnnotation = 'raydeck.dev/suspended-by';
