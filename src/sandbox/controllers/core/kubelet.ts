import type { ObjectApi } from '../../apiserver/objectApi.ts';
import type { KubeObject, ResourceType } from '../../apiserver/resourceType.ts';
import { StatusError } from '../../apiserver/statusError.ts';
import type { RunningController, WorldContext } from '../../world/worldContext.ts';
import { type ImageReference, newContainerId, parseImageReference } from './containerImages.ts';
import {
  type CoreTypes,
  isNotFound,
  isPodTerminal,
  type PodCondition,
  podStatusOf,
  timeString,
  writeStatus,
} from './coreApi.ts';
import { goDuration } from './goDuration.ts';
import { PodAddresses } from './podAddresses.ts';
import { keyOf, type PodChange, type PodIndex } from './PodIndex.ts';
import { TimerHeap } from './TimerHeap.ts';

/** Environment variable that makes a simulated container crash (exit 1) after it started. */
export const crashEnvVar = 'RAYDECK_SIM_CRASH';

/** Simulated seconds a deleted pod's containers take to stop (capped by its grace period). */
export const podStopSeconds = 2;

/** Seconds PodGC waits before deleting a pod bound to a node that does not exist (40 s). */
export const orphanQuarantineSeconds = 40;

const initialCrashBackoffMs = 10_000;
const maxCrashBackoffMs = 300_000;
const initialImageBackoffMs = 10_000;
const maxImageBackoffMs = 300_000;
/** How often a container blocked on a missing ConfigMap or Secret is retried. */
const configRetryMs = 10_000;
const maxMountRetryMs = 120_000;

/** The container spec fields the kubelet reads. */
export interface ContainerSpec {
  name: string;
  image?: string;
  imagePullPolicy?: string;
  command?: string[];
  args?: string[];
  env?: {
    name: string;
    value?: string;
    valueFrom?: {
      configMapKeyRef?: { name: string; key: string; optional?: boolean };
      secretKeyRef?: { name: string; key: string; optional?: boolean };
    };
  }[];
  envFrom?: {
    configMapRef?: { name: string; optional?: boolean };
    secretRef?: { name: string; optional?: boolean };
  }[];
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  readinessProbe?: unknown;
  restartPolicy?: string;
}

interface VolumeSpec {
  name: string;
  configMap?: { name: string; optional?: boolean };
  secret?: { secretName: string; optional?: boolean };
  projected?: {
    sources?: {
      configMap?: { name: string; optional?: boolean };
      secret?: { name: string; optional?: boolean };
    }[];
  };
}

interface PodSpec {
  nodeName?: string;
  restartPolicy?: string;
  containers?: ContainerSpec[];
  initContainers?: ContainerSpec[];
  volumes?: VolumeSpec[];
  readinessGates?: { conditionType: string }[];
  terminationGracePeriodSeconds?: number;
}

/** Where a container sits in the pod: an init container, a sidecar (restartable init) or an app container. */
export type ContainerRole = 'init' | 'sidecar' | 'app';

/**
 * What a simulated container does once started: run until stopped, or exit with a code after a
 * number of simulated seconds. Planners registered with {@link registerContainerPlanner} decide
 * first; otherwise the defaults in `docs/sandbox-world.md` apply.
 */
export type ContainerPlan =
  { kind: 'runs' } | { kind: 'exits'; afterSeconds: number; exitCode: number; crash?: boolean };

/** Chooses a plan for a container, or `undefined` to leave it to the next planner/defaults. */
export type ContainerPlanner = (input: {
  pod: KubeObject;
  container: ContainerSpec;
  role: ContainerRole;
}) => ContainerPlan | undefined;

/** A terminated container instance, in simulated epoch milliseconds. */
export interface TerminatedInstance {
  exitCode: number;
  reason: string;
  startedAt: number;
  finishedAt: number;
  containerId: string;
  crash: boolean;
}

/** The kubelet's state of one container, read by the log source. */
export interface ContainerRuntime {
  spec: ContainerSpec;
  role: ContainerRole;
  image: ImageReference;
  state: 'waiting' | 'running' | 'terminated';
  waitingReason: string;
  waitingMessage: string | undefined;
  startedAt: number | undefined;
  containerId: string | undefined;
  terminated: TerminatedInstance | undefined;
  lastTerminated: TerminatedInstance | undefined;
  ready: boolean;
  started: boolean;
  everStarted: boolean;
  /** Its first start was requested (app containers start once the init containers are done). */
  launched: boolean;
  restartCount: number;
  crashBackoffMs: number;
  crashBackoffUpdatedAt: number;
  imageBackoffMs: number;
  plan: ContainerPlan;
}

/** The kubelet's state of one pod, read by the log source. */
export interface PodRuntime {
  key: string;
  uid: string;
  namespace: string;
  name: string;
  node: string;
  pod: KubeObject;
  hostIp: string;
  podIp: string | undefined;
  startTime: number;
  sandboxReady: boolean;
  initContainers: ContainerRuntime[];
  appContainers: ContainerRuntime[];
  nextInit: number;
  restartPolicy: string;
  finalPhase: 'Succeeded' | 'Failed' | undefined;
  terminating: boolean;
  stopped: boolean;
  mountRetryMs: number;
  waitingForConfig: boolean;
  timers: Set<() => void>;
}

const planners = new WeakMap<ObjectApi, Set<ContainerPlanner>>();
const kubelets = new WeakMap<ObjectApi, SimulatedKubelet>();

/**
 * Lets another simulated component decide what containers do (the KubeRay simulation makes a
 * submitter run until its Ray job ends). Returns the function that removes the planner.
 */
export function registerContainerPlanner(api: ObjectApi, planner: ContainerPlanner): () => void {
  let set = planners.get(api);
  if (!set) {
    set = new Set();
    planners.set(api, set);
  }
  set.add(planner);
  return () => set.delete(planner);
}

/**
 * Ends a running simulated container now with `exitCode`, as if its process exited; the
 * kubelet then restarts it or completes the pod by its restart policy. Returns false when the
 * kubelet does not run that container (not started, or no kubelet for this API).
 */
export function exitContainer(
  api: ObjectApi,
  target: { namespace: string; pod: string; container: string; exitCode: number },
): boolean {
  return kubelets.get(api)?.exitContainer(target) ?? false;
}

/**
 * The `gracefulDeletion` option of the sandbox's ObjectApi: a pod bound to a node, not yet
 * terminal, deleted with a grace period above zero is only marked (deletionTimestamp) and the
 * kubelet finishes the deletion once its containers stopped, as on a real cluster. Unbound and
 * terminal pods, and `--grace-period=0`, are removed at once (pod strategy `CheckGracefulDelete`).
 */
export function podGracefulDeletion(
  type: ResourceType,
  object: KubeObject,
  gracePeriodSeconds?: number,
): boolean {
  if (type.group !== '' || type.kind !== 'Pod') return false;
  const spec = (object['spec'] ?? {}) as PodSpec;
  if (!spec.nodeName || isPodTerminal(object)) return false;
  const grace = gracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30;
  return grace > 0;
}

function specOf(pod: KubeObject): PodSpec {
  return (pod['spec'] ?? {}) as PodSpec;
}

function commandLine(container: ContainerSpec): string {
  return [...(container.command ?? []), ...(container.args ?? [])].join(' ');
}

function isOwnedByJob(pod: KubeObject): boolean {
  return (pod.metadata?.ownerReferences ?? []).some(
    (owner) => owner.kind === 'Job' && owner.apiVersion.startsWith('batch/'),
  );
}

/** The built-in behaviour of a simulated container (see docs/sandbox-world.md). */
export function defaultContainerPlan(
  pod: KubeObject,
  container: ContainerSpec,
  role: ContainerRole,
  timings: WorldContext['world']['timings'],
): ContainerPlan {
  if ((container.env ?? []).some((env) => env.name === crashEnvVar && env.value === '1')) {
    return { kind: 'exits', afterSeconds: timings.crashSeconds, exitCode: 1, crash: true };
  }
  const exit = /\bexit\s+(\d+)\b/.exec(commandLine(container));
  const exitCode = exit ? Number(exit[1]) % 256 : 0;
  if (role === 'init') {
    return { kind: 'exits', afterSeconds: timings.containerStartSeconds, exitCode };
  }
  if (exit || (role === 'app' && isOwnedByJob(pod))) {
    return { kind: 'exits', afterSeconds: timings.jobPodSeconds, exitCode };
  }
  return { kind: 'runs' };
}

function quoteList(names: readonly string[]): string {
  return `[${names.join(' ')}]`;
}

/** `name_namespace(uid)`, the kubelet's `format.Pod`. */
function podDescription(runtime: PodRuntime): string {
  return `${runtime.name}_${runtime.namespace}(${runtime.uid})`;
}

/**
 * The simulated kubelets of every node: pods bound to a node go through sandbox creation (pod
 * IP from the node's podCIDR), image pulls (cached per node), init containers, container start,
 * readiness, and the failure modes of a real node (ErrImagePull/ImagePullBackOff,
 * CrashLoopBackOff with 10 s–5 min backoff, missing ConfigMaps/Secrets), then completion or
 * graceful termination. Time comes from the world clock, durations from the world timings.
 */
export class SimulatedKubelet {
  private readonly context: WorldContext;
  private readonly types: CoreTypes;
  private readonly pods: PodIndex;
  private readonly timers: TimerHeap;
  private readonly runtimes = new Map<string, PodRuntime>();
  private readonly images = new Map<string, Set<string>>();
  private readonly addresses = new PodAddresses();
  private readonly orphans = new Map<string, () => void>();
  private readonly pending = new Set<string>();
  private scheduled = false;
  private stopped = false;
  private readonly cleanups: (() => void)[] = [];

  constructor(context: WorldContext, types: CoreTypes, pods: PodIndex) {
    this.context = context;
    this.types = types;
    this.pods = pods;
    this.timers = new TimerHeap(context.clock);
    kubelets.set(context.api, this);
    for (const pod of pods.all()) this.adoptExisting(pod);
    this.cleanups.push(
      pods.onChange((change) => this.observePod(change)),
      context.api.store.subscribe('/nodes', (event) => {
        if (event.type === 'DELETED') {
          for (const pod of this.pods.onNode(event.record.object.metadata?.name ?? '')) {
            this.enqueue(keyOf(pod));
          }
        }
      }),
      context.api.store.subscribe('/configmaps', (event) => {
        if (event.type === 'ADDED') this.retryConfigWaiters(event.record.object);
      }),
      context.api.store.subscribe('/secrets', (event) => {
        if (event.type === 'ADDED') this.retryConfigWaiters(event.record.object);
      }),
    );
    for (const pod of pods.all()) this.enqueue(keyOf(pod));
  }

  stop(): void {
    this.stopped = true;
    this.timers.stop();
    for (const cleanup of this.cleanups) cleanup();
    if (kubelets.get(this.context.api) === this) kubelets.delete(this.context.api);
  }

  /** The kubelet's state of a pod (for logs), if a node runs it. */
  runtimeOf(pod: KubeObject): PodRuntime | undefined {
    const runtime = this.runtimes.get(keyOf(pod));
    return runtime && runtime.uid === pod.metadata?.uid ? runtime : undefined;
  }

  exitContainer(target: {
    namespace: string;
    pod: string;
    container: string;
    exitCode: number;
  }): boolean {
    const runtime = this.runtimes.get(`${target.namespace}/${target.pod}`);
    if (!runtime || runtime.terminating || runtime.stopped) return false;
    const container = [...runtime.initContainers, ...runtime.appContainers].find(
      (candidate) => candidate.spec.name === target.container,
    );
    if (!container || container.state !== 'running') return false;
    this.exit(runtime, container, target.exitCode);
    return true;
  }

  // ---- event intake ----------------------------------------------------------------------

  private observePod(change: PodChange): void {
    const spec = specOf(change.pod);
    const previousNode = change.previous ? specOf(change.previous).nodeName : undefined;
    if (!spec.nodeName && !previousNode) return;
    // Status-only writes (ours included) change nothing the kubelet acts on.
    if (
      change.type === 'MODIFIED' &&
      change.previous &&
      change.previous['spec'] === change.pod['spec'] &&
      change.previous.metadata?.deletionTimestamp === change.pod.metadata?.deletionTimestamp &&
      change.previous.metadata?.finalizers === change.pod.metadata?.finalizers
    ) {
      return;
    }
    this.enqueue(keyOf(change.pod));
  }

  private enqueue(key: string): void {
    if (this.stopped) return;
    this.pending.add(key);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.drain());
  }

  private drain(): void {
    this.scheduled = false;
    const keys = [...this.pending];
    this.pending.clear();
    for (const key of keys) {
      if (this.stopped) return;
      try {
        this.sync(key);
      } catch (error) {
        // A conflict or a vanished object is retried on the next change; a bug is reported,
        // not allowed to stop every other pod's kubelet.
        if (!(error instanceof StatusError)) {
          process.emitWarning(
            `simulated kubelet failed on ${key}: ${String((error as Error).stack ?? error)}`,
          );
        }
      }
    }
  }

  private retryConfigWaiters(object: KubeObject): void {
    const namespace = object.metadata?.namespace;
    for (const runtime of this.runtimes.values()) {
      if (runtime.namespace === namespace && runtime.waitingForConfig && !runtime.stopped) {
        this.enqueue(runtime.key);
      }
    }
  }

  private sync(key: string): void {
    const pod = this.pods.get(key);
    let runtime = this.runtimes.get(key);
    if (runtime && (!pod || pod.metadata?.uid !== runtime.uid)) {
      this.discard(runtime);
      runtime = undefined;
    }
    if (!pod) return;
    const spec = specOf(pod);
    if (!spec.nodeName) return;
    const node = this.context.api.store.get('/nodes', spec.nodeName)?.object;
    if (!node) {
      this.handleOrphan(pod);
      return;
    }
    this.orphans.get(key)?.();
    this.orphans.delete(key);
    if (runtime) {
      runtime.pod = pod;
      if (pod.metadata?.deletionTimestamp) {
        if (!runtime.terminating) this.terminate(runtime);
        else if (runtime.stopped) this.finishIfReleased(runtime);
        return;
      }
      if (runtime.waitingForConfig) this.resume(runtime);
      return;
    }
    if (isPodTerminal(pod)) return;
    runtime = this.admit(pod, node);
    if (pod.metadata?.deletionTimestamp) this.terminate(runtime);
    else this.startPod(runtime);
  }

  // ---- pod lifecycle ---------------------------------------------------------------------

  private newContainer(
    pod: KubeObject,
    spec: ContainerSpec,
    role: ContainerRole,
  ): ContainerRuntime {
    const plan =
      [...(planners.get(this.context.api) ?? [])]
        .map((planner) => planner({ pod, container: spec, role }))
        .find((candidate) => candidate !== undefined) ??
      defaultContainerPlan(pod, spec, role, this.context.world.timings);
    return {
      spec,
      role,
      image: parseImageReference(spec.image ?? ''),
      state: 'waiting',
      waitingReason:
        role === 'app' && (specOf(pod).initContainers ?? []).length > 0
          ? 'PodInitializing'
          : role === 'app'
            ? 'ContainerCreating'
            : 'PodInitializing',
      waitingMessage: undefined,
      startedAt: undefined,
      containerId: undefined,
      terminated: undefined,
      lastTerminated: undefined,
      ready: false,
      started: false,
      everStarted: false,
      launched: false,
      restartCount: 0,
      crashBackoffMs: 0,
      crashBackoffUpdatedAt: 0,
      imageBackoffMs: 0,
      plan,
    };
  }

  private admit(pod: KubeObject, node: KubeObject): PodRuntime {
    const spec = specOf(pod);
    const nodeName = spec.nodeName ?? '';
    const addresses =
      (node['status'] as { addresses?: { type: string; address: string }[] } | undefined)
        ?.addresses ?? [];
    const runtime: PodRuntime = {
      key: keyOf(pod),
      uid: pod.metadata?.uid ?? '',
      namespace: pod.metadata?.namespace ?? '',
      name: pod.metadata?.name ?? '',
      node: nodeName,
      pod,
      hostIp: addresses.find((address) => address.type === 'InternalIP')?.address ?? '',
      podIp: undefined,
      startTime: this.context.clock.now(),
      sandboxReady: false,
      initContainers: (spec.initContainers ?? []).map((container) =>
        this.newContainer(
          pod,
          container,
          container.restartPolicy === 'Always' ? 'sidecar' : 'init',
        ),
      ),
      appContainers: (spec.containers ?? []).map((container) =>
        this.newContainer(pod, container, 'app'),
      ),
      nextInit: 0,
      restartPolicy: spec.restartPolicy ?? 'Always',
      finalPhase: undefined,
      terminating: false,
      stopped: false,
      mountRetryMs: 0,
      waitingForConfig: false,
      timers: new Set(),
    };
    this.runtimes.set(runtime.key, runtime);
    return runtime;
  }

  /** A pod restored from a snapshot: running containers keep running, the rest start over. */
  private adoptExisting(pod: KubeObject): void {
    const spec = specOf(pod);
    const status = podStatusOf(pod);
    if (!spec.nodeName || status.phase !== 'Running' || pod.metadata?.deletionTimestamp) return;
    const node = this.context.api.store.get('/nodes', spec.nodeName)?.object;
    if (!node) return;
    const runtime = this.admit(pod, node);
    runtime.podIp = status.podIP;
    runtime.sandboxReady = Boolean(status.podIP);
    if (status.podIP) {
      const cidr = (node['spec'] as { podCIDR?: string } | undefined)?.podCIDR;
      this.addresses.reserve(runtime.node, cidr, status.podIP);
    }
    runtime.startTime =
      Date.parse((status['startTime'] as string | undefined) ?? '') || runtime.startTime;
    runtime.nextInit = runtime.initContainers.length;
    const statuses =
      (status['containerStatuses'] as
        | {
            name: string;
            state?: { running?: { startedAt?: string } };
            ready?: boolean;
            restartCount?: number;
            containerID?: string;
          }[]
        | undefined) ?? [];
    for (const container of runtime.appContainers) {
      const previous = statuses.find((candidate) => candidate.name === container.spec.name);
      const startedAt = previous?.state?.running?.startedAt;
      if (!startedAt) continue;
      container.state = 'running';
      container.started = true;
      container.everStarted = true;
      container.ready = previous.ready ?? false;
      container.startedAt = Date.parse(startedAt);
      container.containerId = previous.containerID;
      container.restartCount = previous.restartCount ?? 0;
      container.launched = true;
      this.resumeRunning(runtime, container);
    }
    this.addImage(runtime.node, ...runtime.appContainers.map((container) => container.image));
  }

  /** Re-arms the timers of a container that was running when the sandbox state was saved. */
  private resumeRunning(runtime: PodRuntime, container: ContainerRuntime): void {
    const startedAt = container.startedAt ?? this.context.clock.now();
    const elapsed = this.context.clock.now() - startedAt;
    if (!container.ready && container.spec.readinessProbe) {
      this.later(runtime, this.context.world.timings.readinessSeconds * 1000 - elapsed, () => {
        container.ready = true;
        this.writePodStatus(runtime);
      });
    }
    const plan = container.plan;
    if (plan.kind === 'exits') {
      this.later(runtime, plan.afterSeconds * 1000 - elapsed, () => {
        if (container.state === 'running') this.exit(runtime, container, plan.exitCode);
      });
    }
  }

  private startPod(runtime: PodRuntime): void {
    const missing = this.missingVolume(runtime);
    if (missing) {
      this.event(
        runtime,
        'Warning',
        'FailedMount',
        `MountVolume.SetUp failed for volume "${missing.volume}" : ${missing.message}`,
      );
      runtime.waitingForConfig = true;
      runtime.mountRetryMs = Math.min(
        maxMountRetryMs,
        runtime.mountRetryMs ? runtime.mountRetryMs * 2 : 2_000,
      );
      this.later(runtime, runtime.mountRetryMs, () => this.resume(runtime));
      this.writePodStatus(runtime);
      return;
    }
    runtime.waitingForConfig = false;
    const node = this.context.api.store.get('/nodes', runtime.node)?.object;
    const cidr = (node?.['spec'] as { podCIDR?: string } | undefined)?.podCIDR;
    runtime.podIp = this.addresses.allocate(runtime.node, cidr);
    runtime.sandboxReady = true;
    this.startNext(runtime);
    this.writePodStatus(runtime);
  }

  /** Retries whatever waits for a ConfigMap or Secret (volume mount or container config). */
  private resume(runtime: PodRuntime): void {
    if (runtime.stopped || runtime.terminating) return;
    if (!runtime.sandboxReady) {
      this.startPod(runtime);
      return;
    }
    runtime.waitingForConfig = false;
    for (const container of [...runtime.initContainers, ...runtime.appContainers]) {
      if (
        container.state === 'waiting' &&
        container.waitingReason === 'CreateContainerConfigError'
      ) {
        this.startContainer(runtime, container);
      }
    }
  }

  private startNext(runtime: PodRuntime): void {
    if (runtime.stopped || runtime.terminating) return;
    const next = runtime.initContainers[runtime.nextInit];
    if (next) {
      if (next.launched) return;
      next.launched = true;
      next.waitingReason = 'PodInitializing';
      this.startContainer(runtime, next);
      return;
    }
    for (const container of runtime.appContainers) {
      if (container.launched) continue;
      container.launched = true;
      container.waitingReason = 'ContainerCreating';
      this.startContainer(runtime, container);
    }
  }

  private missingVolume(runtime: PodRuntime): { volume: string; message: string } | undefined {
    for (const volume of specOf(runtime.pod).volumes ?? []) {
      const sources = [
        ...(volume.configMap
          ? [
              {
                kind: 'configmap',
                name: volume.configMap.name,
                optional: volume.configMap.optional,
              },
            ]
          : []),
        ...(volume.secret
          ? [{ kind: 'secret', name: volume.secret.secretName, optional: volume.secret.optional }]
          : []),
        ...(volume.projected?.sources ?? []).flatMap((source) => [
          ...(source.configMap
            ? [
                {
                  kind: 'configmap',
                  name: source.configMap.name,
                  optional: source.configMap.optional,
                },
              ]
            : []),
          ...(source.secret
            ? [{ kind: 'secret', name: source.secret.name, optional: source.secret.optional }]
            : []),
        ]),
      ];
      for (const source of sources) {
        if (source.optional) continue;
        const type = source.kind === 'configmap' ? this.types.configMaps : this.types.secrets;
        if (!this.context.api.find(type, runtime.namespace, source.name)) {
          return { volume: volume.name, message: `${source.kind} "${source.name}" not found` };
        }
      }
    }
    return undefined;
  }

  /** `CreateContainerConfigError` message for a missing env source, as the kubelet words it. */
  private configError(runtime: PodRuntime, container: ContainerSpec): string | undefined {
    const find = (kind: 'ConfigMap' | 'Secret', name: string) =>
      this.context.api.find(
        kind === 'ConfigMap' ? this.types.configMaps : this.types.secrets,
        runtime.namespace,
        name,
      );
    for (const source of container.envFrom ?? []) {
      const ref = source.configMapRef ?? source.secretRef;
      const kind = source.configMapRef ? 'ConfigMap' : 'Secret';
      if (ref && !ref.optional && !find(kind, ref.name))
        return `${kind.toLowerCase()} "${ref.name}" not found`;
    }
    for (const env of container.env ?? []) {
      const ref = env.valueFrom?.configMapKeyRef ?? env.valueFrom?.secretKeyRef;
      if (!ref || ref.optional) continue;
      const kind = env.valueFrom?.configMapKeyRef ? 'ConfigMap' : 'Secret';
      const object = find(kind, ref.name);
      if (!object) return `${kind.toLowerCase()} "${ref.name}" not found`;
      const data = {
        ...(object['data'] as Record<string, string> | undefined),
        ...(object['binaryData'] as Record<string, string> | undefined),
        ...(object['stringData'] as Record<string, string> | undefined),
      };
      if (!(ref.key in data))
        return `couldn't find key ${ref.key} in ${kind} ${runtime.namespace}/${ref.name}`;
    }
    return undefined;
  }

  // ---- containers ------------------------------------------------------------------------

  private fieldPath(container: ContainerRuntime): string {
    return `spec.${container.role === 'app' ? 'containers' : 'initContainers'}{${container.spec.name}}`;
  }

  private startContainer(runtime: PodRuntime, container: ContainerRuntime): void {
    if (runtime.stopped || runtime.terminating) return;
    const error = this.configError(runtime, container.spec);
    if (error) {
      container.state = 'waiting';
      container.waitingReason = 'CreateContainerConfigError';
      container.waitingMessage = error;
      runtime.waitingForConfig = true;
      this.event(runtime, 'Warning', 'Failed', `Error: ${error}`, container);
      this.later(runtime, configRetryMs, () => this.resume(runtime));
      this.writePodStatus(runtime);
      return;
    }
    const { timings } = this.context.world;
    const image = container.image;
    const present = this.images.get(runtime.node)?.has(image.normalized) ?? false;
    const policy =
      container.spec.imagePullPolicy ?? (image.tag === 'latest' ? 'Always' : 'IfNotPresent');
    if (image.tag === 'bad') {
      this.event(runtime, 'Normal', 'Pulling', `Pulling image "${image.spec}"`, container);
      this.later(runtime, timings.imagePullSeconds * 1000, () =>
        this.imagePullFailed(runtime, container),
      );
      return;
    }
    if (policy === 'Never' && !present) {
      const message = `Container image "${image.spec}" is not present with pull policy of Never`;
      container.state = 'waiting';
      container.waitingReason = 'ErrImageNeverPull';
      container.waitingMessage = message;
      this.event(runtime, 'Warning', 'ErrImageNeverPull', message, container);
      this.event(runtime, 'Warning', 'Failed', 'Error: ErrImageNeverPull', container);
      this.writePodStatus(runtime);
      return;
    }
    if (policy === 'Always' || !present) {
      const pullMs = present ? 0 : timings.imagePullSeconds * 1000;
      this.event(runtime, 'Normal', 'Pulling', `Pulling image "${image.spec}"`, container);
      this.later(runtime, pullMs, () => {
        this.addImage(runtime.node, image);
        const took = goDuration(present ? 312 : pullMs);
        this.event(
          runtime,
          'Normal',
          'Pulled',
          `Successfully pulled image "${image.spec}" in ${took} (${took} including waiting). Image size: ${image.sizeBytes} bytes.`,
          container,
        );
        this.createContainer(runtime, container);
      });
      return;
    }
    this.event(
      runtime,
      'Normal',
      'Pulled',
      `Container image "${image.spec}" already present on machine and can be accessed by the pod`,
      container,
    );
    this.createContainer(runtime, container);
  }

  private imagePullFailed(runtime: PodRuntime, container: ContainerRuntime): void {
    const { timings } = this.context.world;
    const ref = container.image.normalized;
    const error = `rpc error: code = NotFound desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`;
    container.state = 'waiting';
    container.waitingReason = 'ErrImagePull';
    container.waitingMessage = error;
    this.event(
      runtime,
      'Warning',
      'Failed',
      `Failed to pull image "${container.image.spec}": ${error}`,
      container,
    );
    this.event(runtime, 'Warning', 'Failed', 'Error: ErrImagePull', container);
    container.imageBackoffMs = container.imageBackoffMs
      ? Math.min(maxImageBackoffMs, container.imageBackoffMs * 2)
      : initialImageBackoffMs;
    const backoff = container.imageBackoffMs;
    this.writePodStatus(runtime);
    this.later(runtime, Math.min(timings.imagePullBackOffSeconds * 1000, backoff), () => {
      if (container.waitingReason !== 'ErrImagePull') return;
      container.waitingReason = 'ImagePullBackOff';
      container.waitingMessage = `Back-off pulling image "${container.image.spec}": ErrImagePull: ${error}`;
      this.event(
        runtime,
        'Normal',
        'BackOff',
        `Back-off pulling image "${container.image.spec}"`,
        container,
      );
      this.event(runtime, 'Warning', 'Failed', 'Error: ImagePullBackOff', container);
      this.writePodStatus(runtime);
    });
    this.later(runtime, backoff, () => this.startContainer(runtime, container));
  }

  private createContainer(runtime: PodRuntime, container: ContainerRuntime): void {
    if (runtime.stopped || runtime.terminating) return;
    this.event(runtime, 'Normal', 'Created', 'Container created', container);
    this.later(runtime, this.context.world.timings.containerStartSeconds * 1000, () =>
      this.runContainer(runtime, container),
    );
  }

  private runContainer(runtime: PodRuntime, container: ContainerRuntime): void {
    if (runtime.stopped || runtime.terminating) return;
    const now = this.context.clock.now();
    if (container.terminated) container.lastTerminated = container.terminated;
    if (container.everStarted) container.restartCount++;
    container.terminated = undefined;
    container.everStarted = true;
    container.state = 'running';
    container.waitingReason = '';
    container.waitingMessage = undefined;
    container.startedAt = now;
    container.containerId = newContainerId();
    container.started = container.role !== 'init';
    container.ready = false;
    this.event(runtime, 'Normal', 'Started', 'Container started', container);
    if (container.role !== 'init') {
      if (container.spec.readinessProbe) {
        this.later(runtime, this.context.world.timings.readinessSeconds * 1000, () => {
          if (container.state !== 'running' || container.startedAt !== now) return;
          container.ready = true;
          this.writePodStatus(runtime);
        });
      } else {
        container.ready = true;
      }
    }
    const plan = container.plan;
    if (plan.kind === 'exits') {
      this.later(runtime, plan.afterSeconds * 1000, () => {
        if (container.state === 'running' && container.startedAt === now) {
          this.exit(runtime, container, plan.exitCode);
        }
      });
    }
    if (container.role === 'sidecar' && runtime.initContainers[runtime.nextInit] === container) {
      runtime.nextInit++;
      this.startNext(runtime);
    }
    this.writePodStatus(runtime);
  }

  private exit(runtime: PodRuntime, container: ContainerRuntime, exitCode: number): void {
    const now = this.context.clock.now();
    container.terminated = {
      exitCode,
      reason: exitCode === 0 ? 'Completed' : 'Error',
      startedAt: container.startedAt ?? now,
      finishedAt: now,
      containerId: container.containerId ?? newContainerId(),
      crash: container.plan.kind === 'exits' && Boolean(container.plan.crash),
    };
    container.state = 'terminated';
    container.ready = false;
    container.started = false;
    if (container.role === 'init') {
      if (exitCode === 0) {
        container.ready = true;
        runtime.nextInit++;
        this.startNext(runtime);
        this.afterChange(runtime);
        return;
      }
      if (runtime.restartPolicy === 'Never') {
        this.finishPod(runtime, 'Failed');
        return;
      }
      this.restartWithBackoff(runtime, container);
      return;
    }
    const restart =
      container.role === 'sidecar' ||
      runtime.restartPolicy === 'Always' ||
      (runtime.restartPolicy === 'OnFailure' && exitCode !== 0);
    if (restart) this.restartWithBackoff(runtime, container);
    else this.afterChange(runtime);
  }

  /** The kubelet's crash-loop backoff: immediate first restart, then 10 s doubling to 5 min. */
  private restartWithBackoff(runtime: PodRuntime, container: ContainerRuntime): void {
    const now = this.context.clock.now();
    const expired = now - container.crashBackoffUpdatedAt > 2 * maxCrashBackoffMs;
    if (container.crashBackoffMs === 0 || expired) {
      container.crashBackoffMs = initialCrashBackoffMs;
      container.crashBackoffUpdatedAt = now;
      this.writePodStatus(runtime);
      this.startContainer(runtime, container);
      return;
    }
    const backoff = container.crashBackoffMs;
    container.lastTerminated = container.terminated;
    container.terminated = undefined;
    container.state = 'waiting';
    container.waitingReason = 'CrashLoopBackOff';
    container.waitingMessage = `back-off ${goDuration(backoff)} restarting failed container=${container.spec.name} pod=${podDescription(runtime)}`;
    this.event(
      runtime,
      'Warning',
      'BackOff',
      `Back-off restarting failed container ${container.spec.name} in pod ${podDescription(runtime)}`,
      container,
    );
    this.writePodStatus(runtime);
    this.later(runtime, backoff, () => {
      container.crashBackoffMs = Math.min(maxCrashBackoffMs, backoff * 2);
      container.crashBackoffUpdatedAt = this.context.clock.now();
      this.startContainer(runtime, container);
    });
  }

  /** After a container stopped for good: completes the pod when nothing will run again. */
  private afterChange(runtime: PodRuntime): void {
    const phase = phaseOf(runtime);
    if (phase === 'Succeeded' || phase === 'Failed') this.finishPod(runtime, phase);
    else this.writePodStatus(runtime);
  }

  private finishPod(runtime: PodRuntime, phase: 'Succeeded' | 'Failed'): void {
    runtime.finalPhase = phase;
    runtime.sandboxReady = false;
    runtime.stopped = true;
    this.cancelTimers(runtime);
    this.addresses.release(runtime.node, runtime.podIp);
    this.writePodStatus(runtime);
  }

  // ---- deletion --------------------------------------------------------------------------

  private terminate(runtime: PodRuntime): void {
    runtime.terminating = true;
    this.cancelTimers(runtime);
    if (runtime.stopped) {
      this.finishIfReleased(runtime);
      return;
    }
    for (const container of [...runtime.appContainers, ...runtime.initContainers]) {
      if (container.state === 'running') {
        this.event(
          runtime,
          'Normal',
          'Killing',
          `Stopping container ${container.spec.name}`,
          container,
        );
      }
    }
    const grace = runtime.pod.metadata?.deletionGracePeriodSeconds ?? 30;
    const delayMs = Math.min(grace, podStopSeconds) * 1000;
    const stop = () => {
      const now = this.context.clock.now();
      for (const container of [...runtime.initContainers, ...runtime.appContainers]) {
        if (container.state !== 'running') continue;
        container.terminated = {
          exitCode: 0,
          reason: 'Completed',
          startedAt: container.startedAt ?? now,
          finishedAt: now,
          containerId: container.containerId ?? newContainerId(),
          crash: false,
        };
        container.state = 'terminated';
        container.ready = false;
        container.started = false;
      }
      const allSucceeded = runtime.appContainers.every(
        (container) => container.state === 'terminated' && container.terminated?.exitCode === 0,
      );
      runtime.finalPhase = runtime.finalPhase ?? (allSucceeded ? 'Succeeded' : 'Failed');
      runtime.sandboxReady = false;
      runtime.stopped = true;
      this.addresses.release(runtime.node, runtime.podIp);
      this.writePodStatus(runtime);
      this.finishIfReleased(runtime);
    };
    if (delayMs === 0) stop();
    else this.timers.after(delayMs, stop);
  }

  /** Removes the pod from the API once it is stopped and no finalizer holds it. */
  private finishIfReleased(runtime: PodRuntime): void {
    const current = this.pods.get(runtime.key);
    if (!current || current.metadata?.uid !== runtime.uid) {
      this.discard(runtime);
      return;
    }
    if ((current.metadata?.finalizers ?? []).length > 0) return;
    this.context.api.finishDeletion(this.types.pods, runtime.namespace, runtime.name);
    this.discard(runtime);
  }

  private discard(runtime: PodRuntime): void {
    this.cancelTimers(runtime);
    runtime.stopped = true;
    this.addresses.release(runtime.node, runtime.podIp);
    if (this.runtimes.get(runtime.key) === runtime) this.runtimes.delete(runtime.key);
  }

  /** PodGC: a pod bound to a node that is gone fails and is force-deleted after a quarantine. */
  private handleOrphan(pod: KubeObject): void {
    const key = keyOf(pod);
    const runtime = this.runtimes.get(key);
    const nodeWasKnown = runtime !== undefined;
    if (runtime) this.discard(runtime);
    if (this.orphans.has(key)) return;
    const collect = () => {
      this.orphans.delete(key);
      const current = this.pods.get(key);
      if (!current || current.metadata?.uid !== pod.metadata?.uid) return;
      const nodeName = specOf(current).nodeName ?? '';
      if (this.context.api.store.get('/nodes', nodeName)) return;
      this.podGc(current);
    };
    if (nodeWasKnown) {
      collect();
      return;
    }
    this.orphans.set(key, this.timers.after(orphanQuarantineSeconds * 1000, collect));
  }

  private podGc(pod: KubeObject): void {
    const { api } = this.context;
    const namespace = pod.metadata?.namespace ?? '';
    const name = pod.metadata?.name ?? '';
    const now = timeString(this.context.clock.now());
    if (!isPodTerminal(pod)) {
      const status = podStatusOf(pod);
      const conditions = (status.conditions ?? []).filter(
        (condition) => condition.type !== 'DisruptionTarget',
      );
      conditions.push({
        type: 'DisruptionTarget',
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: now,
        reason: 'DeletionByPodGC',
        message: 'PodGC: node no longer exists',
      });
      writeStatus(
        api,
        this.types.pods,
        namespace,
        name,
        { ...status, phase: 'Failed', conditions },
        pod.metadata?.uid,
      );
    }
    try {
      api.delete(this.types.pods, namespace, name, { gracePeriodSeconds: 0 });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  // ---- helpers ---------------------------------------------------------------------------

  private later(runtime: PodRuntime, delayMs: number, callback: () => void): void {
    const cancel = this.timers.after(delayMs, () => {
      runtime.timers.delete(cancel);
      if (!runtime.stopped && !runtime.terminating) callback();
    });
    runtime.timers.add(cancel);
  }

  private cancelTimers(runtime: PodRuntime): void {
    for (const cancel of runtime.timers) cancel();
    runtime.timers.clear();
  }

  private addImage(node: string, ...images: ImageReference[]): void {
    let set = this.images.get(node);
    if (!set) {
      set = new Set();
      this.images.set(node, set);
    }
    for (const image of images) set.add(image.normalized);
  }

  private event(
    runtime: PodRuntime,
    type: 'Normal' | 'Warning',
    reason: string,
    note: string,
    container?: ContainerRuntime,
  ): void {
    const pod = this.pods.get(runtime.key) ?? runtime.pod;
    const nodeName = (pod['spec'] as { nodeName?: string } | undefined)?.nodeName;
    this.context.events.record({
      regarding: pod,
      type,
      reason,
      note,
      reportingController: 'kubelet',
      ...(nodeName ? { reportingInstance: nodeName } : {}),
      ...(container ? { fieldPath: this.fieldPath(container) } : {}),
    });
  }

  private writePodStatus(runtime: PodRuntime): void {
    const pod = this.pods.get(runtime.key);
    if (!pod || pod.metadata?.uid !== runtime.uid) return;
    const status = buildPodStatus(runtime, pod, this.context.clock.now());
    writeStatus(
      this.context.api,
      this.types.pods,
      runtime.namespace,
      runtime.name,
      status,
      runtime.uid,
    );
  }
}

/** The pod phase from its containers, as the kubelet's `getPhase` decides it. */
export function phaseOf(runtime: PodRuntime): string {
  if (runtime.finalPhase) return runtime.finalPhase;
  if (runtime.nextInit < runtime.initContainers.length) return 'Pending';
  let waiting = 0;
  let running = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const container of runtime.appContainers) {
    if (container.state === 'running') running++;
    else if (container.state === 'terminated') {
      stopped++;
      if (container.terminated?.exitCode === 0) succeeded++;
    } else if (container.lastTerminated) stopped++;
    else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (runtime.restartPolicy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (runtime.restartPolicy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

function terminatedJson(instance: TerminatedInstance) {
  return {
    exitCode: instance.exitCode,
    reason: instance.reason,
    startedAt: timeString(instance.startedAt),
    finishedAt: timeString(instance.finishedAt),
    containerID: instance.containerId,
  };
}

function containerStatusJson(container: ContainerRuntime) {
  let state: Record<string, unknown>;
  if (container.state === 'running') {
    state = { running: { startedAt: timeString(container.startedAt ?? 0) } };
  } else if (container.state === 'terminated' && container.terminated) {
    state = { terminated: terminatedJson(container.terminated) };
  } else {
    state = {
      waiting: {
        reason: container.waitingReason,
        ...(container.waitingMessage ? { message: container.waitingMessage } : {}),
      },
    };
  }
  const containerId =
    container.state === 'running'
      ? container.containerId
      : (container.terminated ?? container.lastTerminated)?.containerId;
  return {
    name: container.spec.name,
    state,
    lastState: container.lastTerminated
      ? { terminated: terminatedJson(container.lastTerminated) }
      : {},
    ready: container.ready,
    restartCount: container.restartCount,
    image: container.everStarted ? container.image.normalized : container.image.spec,
    imageID: container.everStarted ? container.image.imageId : '',
    ...(containerId ? { containerID: containerId } : {}),
    started: container.started,
  };
}

function condition(
  previous: readonly PodCondition[],
  generation: number | undefined,
  now: string,
  type: string,
  status: PodCondition['status'],
  reason?: string,
  message?: string,
): PodCondition {
  const before = previous.find((candidate) => candidate.type === type);
  return {
    type,
    status,
    ...(generation ? { observedGeneration: generation } : {}),
    lastProbeTime: null,
    lastTransitionTime: before && before.status === status ? before.lastTransitionTime : now,
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
  };
}

/** The pod status the kubelet reports for its runtime state (field order as the API serves it). */
export function buildPodStatus(
  runtime: PodRuntime,
  pod: KubeObject,
  nowMs: number,
): Record<string, unknown> {
  const current = podStatusOf(pod);
  const previous = current.conditions ?? [];
  const generation = pod.metadata?.generation;
  const now = timeString(nowMs);
  const phase = phaseOf(runtime);
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const terminalReason = phase === 'Succeeded' ? 'PodCompleted' : 'PodFailed';

  const incompleteInits = runtime.initContainers
    .slice(runtime.nextInit)
    .map((container) => container.spec.name);
  const initialized =
    terminal && phase === 'Succeeded'
      ? condition(previous, generation, now, 'Initialized', 'True', 'PodCompleted')
      : incompleteInits.length === 0
        ? condition(previous, generation, now, 'Initialized', 'True')
        : condition(
            previous,
            generation,
            now,
            'Initialized',
            'False',
            'ContainersNotInitialized',
            `containers with incomplete status: ${quoteList(incompleteInits)}`,
          );

  const unready = [
    ...runtime.initContainers.filter((container) => container.role === 'sidecar'),
    ...runtime.appContainers,
  ]
    .filter((container) => !container.ready)
    .map((container) => container.spec.name);
  const containersReady = terminal
    ? condition(previous, generation, now, 'ContainersReady', 'False', terminalReason)
    : unready.length > 0
      ? condition(
          previous,
          generation,
          now,
          'ContainersReady',
          'False',
          'ContainersNotReady',
          `containers with unready status: ${quoteList(unready)}`,
        )
      : condition(previous, generation, now, 'ContainersReady', 'True');
  let ready = { ...containersReady, type: 'Ready' };
  ready = condition(previous, generation, now, 'Ready', ready.status, ready.reason, ready.message);
  if (ready.status === 'True') {
    for (const gate of specOf(pod).readinessGates ?? []) {
      const gateCondition = previous.find((candidate) => candidate.type === gate.conditionType);
      if (!gateCondition || gateCondition.status !== 'True') {
        const message = gateCondition
          ? `the status of pod readiness gate "${gate.conditionType}" is not "True", but ${gateCondition.status}`
          : `corresponding condition of pod readiness gate "${gate.conditionType}" does not exist.`;
        ready = condition(
          previous,
          generation,
          now,
          'Ready',
          'False',
          'ReadinessGatesNotReady',
          message,
        );
        break;
      }
    }
  }
  const ours = [
    condition(
      previous,
      generation,
      now,
      'PodReadyToStartContainers',
      runtime.sandboxReady && !terminal ? 'True' : 'False',
    ),
    initialized,
    ready,
    containersReady,
  ];
  const ownTypes = new Set(ours.map((entry) => entry.type));
  const conditions = [...ours, ...previous.filter((entry) => !ownTypes.has(entry.type))];

  const ip = runtime.podIp;
  return {
    ...(generation ? { observedGeneration: generation } : {}),
    phase,
    conditions,
    ...(runtime.hostIp ? { hostIP: runtime.hostIp, hostIPs: [{ ip: runtime.hostIp }] } : {}),
    ...(ip ? { podIP: ip, podIPs: [{ ip }] } : {}),
    startTime: timeString(runtime.startTime),
    ...(runtime.initContainers.length > 0
      ? { initContainerStatuses: runtime.initContainers.map(containerStatusJson) }
      : {}),
    containerStatuses: runtime.appContainers.map(containerStatusJson),
    ...(current['qosClass'] ? { qosClass: current['qosClass'] } : {}),
  };
}

/** Starts the simulated kubelets of every node over the shared pod index. */
export function startKubelet(
  context: WorldContext,
  types: CoreTypes,
  pods: PodIndex,
): RunningController & { kubelet: SimulatedKubelet } {
  const kubelet = new SimulatedKubelet(context, types, pods);
  return { kubelet, stop: () => kubelet.stop() };
}
