import type { ContainerStatus, PodResource } from '../k8s/kubeTypes.ts';

/** What kind of failure keeps a pod from ever becoming ready without someone fixing something. */
export type PodFailureKind = 'image' | 'crash' | 'config' | 'failed';

/** A pod's blocking failure, from its container statuses or its phase. */
export interface PodFailure {
  kind: PodFailureKind;
  /** Container name; undefined when the failure is the pod's (phase `Failed`). */
  container: string | undefined;
  /** Whether the container is an init container (KubeRay's `wait-gcs-ready`, for instance). */
  init: boolean;
  /** Kubelet reason, e.g. `ImagePullBackOff`, `CrashLoopBackOff`, `Evicted`. */
  reason: string;
  message: string;
  /** For image failures: the image reference that cannot be pulled. */
  image: string | undefined;
  restartCount: number;
  /** For crashes: exit code and reason (`Error`, `OOMKilled`) of the last termination. */
  lastExitCode: number | undefined;
  lastReason: string | undefined;
}

/** One pod, read for status and explanations. */
export interface PodState {
  name: string;
  /** `Pending`, `Running`, `Succeeded`, `Failed`, `Unknown` (`Pending` when absent). */
  phase: string;
  /** Running with condition Ready=True. */
  ready: boolean;
  /** Deletion requested (has `deletionTimestamp`). */
  terminating: boolean;
  /** Bound to a node. */
  nodeName: string | undefined;
  /** The scheduler's message when condition PodScheduled=False with reason Unschedulable. */
  unschedulableMessage: string | undefined;
  failure: PodFailure | undefined;
  /** What a pod that is neither ready nor failing is doing, as a short phrase. */
  progress: string;
}

/**
 * Container waiting reasons that need a fix (image, command, config) rather than time. Kubelet
 * reasons from `pkg/kubelet/images` and `pkg/kubelet/container` (k8s 1.35).
 */
const imageReasons = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'RegistryUnavailable',
  'SignatureValidationFailed',
]);
const configReasons = new Set([
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'PreStartHookError',
  'PostStartHookError',
]);

/** KubeRay's worker init container, which waits until the head's GCS answers. */
const waitGcsReadyContainer = 'wait-gcs-ready';

function quotedImage(message: string | undefined): string | undefined {
  return message ? /"([^"\s]+)"/.exec(message)?.[1] : undefined;
}

function failureOf(
  pod: PodResource,
  status: ContainerStatus,
  init: boolean,
): PodFailure | undefined {
  const waiting = status.state?.waiting;
  const reason = waiting?.reason ?? '';
  const last = status.lastState?.terminated;
  const base = {
    container: status.name,
    init,
    reason,
    message: waiting?.message ?? '',
    restartCount: status.restartCount,
    lastExitCode: last?.exitCode,
    lastReason: last?.reason,
    image: undefined,
  };
  if (imageReasons.has(reason)) {
    const specImage = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].find(
      (container) => container.name === status.name,
    )?.image;
    // The spec's reference as the user wrote it; the kubelet message may add `docker.io/`.
    return { ...base, kind: 'image', image: specImage ?? quotedImage(waiting?.message) };
  }
  if (reason === 'CrashLoopBackOff') return { ...base, kind: 'crash' };
  if (configReasons.has(reason)) return { ...base, kind: 'config' };
  return undefined;
}

function progressOf(pod: PodResource, state: Omit<PodState, 'progress'>): string {
  if (state.terminating) return 'terminating';
  if (state.phase === 'Succeeded') return 'completed';
  if (!state.nodeName) return 'waiting to be scheduled';
  const initRunning = (pod.status?.initContainerStatuses ?? []).find(
    (status) => !status.ready && status.state?.terminated?.exitCode !== 0,
  );
  if (initRunning) {
    if (initRunning.name === waitGcsReadyContainer && initRunning.state?.running) {
      return "waiting for the head's GCS";
    }
    return initRunning.state?.running
      ? `running init container ${initRunning.name}`
      : 'starting init containers';
  }
  const statuses = pod.status?.containerStatuses ?? [];
  if (statuses.length === 0 || statuses.some((status) => status.state?.waiting)) {
    return 'creating containers';
  }
  return 'waiting for the readiness probe';
}

/**
 * Reads one pod: readiness, scheduling, blocking failure and progress. Failures are taken from
 * init containers first (KubeRay workers pull the Ray image for `wait-gcs-ready` too), then
 * app containers, then the pod phase (`Failed`, e.g. evicted or `restartPolicy: Never`).
 * @see https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/
 */
export function podState(pod: PodResource): PodState {
  const status = pod.status ?? {};
  const phase = status.phase ?? 'Pending';
  const conditions = status.conditions ?? [];
  const readyCondition = conditions.find((condition) => condition.type === 'Ready');
  const scheduled = conditions.find((condition) => condition.type === 'PodScheduled');
  let failure: PodFailure | undefined;
  for (const container of status.initContainerStatuses ?? []) {
    failure ??= failureOf(pod, container, true);
  }
  for (const container of status.containerStatuses ?? []) {
    failure ??= failureOf(pod, container, false);
  }
  if (!failure && phase === 'Failed') {
    failure = {
      kind: 'failed',
      container: undefined,
      init: false,
      reason: status.reason ?? 'Failed',
      message: status.message ?? '',
      image: undefined,
      restartCount: 0,
      lastExitCode: status.containerStatuses?.find((c) => c.state?.terminated)?.state?.terminated
        ?.exitCode,
      lastReason: undefined,
    };
  }
  const partial = {
    name: pod.metadata.name ?? '',
    phase,
    ready: phase === 'Running' && readyCondition?.status === 'True',
    terminating: Boolean(pod.metadata.deletionTimestamp),
    nodeName: pod.spec.nodeName || undefined,
    unschedulableMessage:
      scheduled?.status === 'False' && scheduled.reason === 'Unschedulable'
        ? (scheduled.message ?? '')
        : undefined,
    failure,
  };
  return { ...partial, progress: progressOf(pod, partial) };
}
