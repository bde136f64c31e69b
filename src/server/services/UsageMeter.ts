import type { Kysely } from 'kysely';
import { Gauge, type Registry } from 'prom-client';

import type { PodResource } from '../../shared/k8s/kubeTypes.ts';
import { gpuProductLabels, gpuRequestOfPodSpec } from '../../shared/ray/gpuRequestOfPodSpec.ts';
import type { KubeCache } from '../k8s/KubeCache.ts';
import type { Database } from '../store/database.ts';
import { RaydeckLabel } from './raydeckLabels.ts';

/** Whether a Ray cluster is doing work; clusters that are not are "idle" for GPU-hours. */
export interface ClusterActivity {
  /** Words for the report: how busy was decided. */
  readonly description: string;
  isBusy(namespace: string, cluster: string): boolean;
}

/** RayJob phases during which its cluster works (KubeRay's `jobDeploymentStatus`). */
const workingJobPhases = new Set(['Initializing', 'Running', 'Retrying', 'Waiting']);

/** Serve application states that mean a Serve app is up or coming up. */
const servingStates = new Set(['RUNNING', 'DEPLOYING', 'UNHEALTHY']);

/**
 * Activity as far as the Kubernetes objects tell it: a cluster is busy while a RayJob runs on it
 * or a RayService serves apps from it. Jobs submitted straight to a cluster's Ray head (the
 * dashboard's Jobs API) are not Kubernetes objects and are not seen here: such a cluster counts
 * as idle until the idle policy's signal (Ray head activity) is plugged in instead.
 */
export class RayObjectActivity implements ClusterActivity {
  readonly description =
    'A cluster is idle while no RayJob runs on it and no RayService serves apps from it (jobs submitted directly to a Ray head are not seen).';
  private readonly cache: Pick<KubeCache, 'list'>;

  constructor(cache: Pick<KubeCache, 'list'>) {
    this.cache = cache;
  }

  isBusy(namespace: string, cluster: string): boolean {
    for (const job of this.cache.list('RayJob')) {
      if (job.metadata.namespace !== namespace) continue;
      const status = job.status ?? {};
      if (
        (status.rayClusterName === cluster || job.metadata.name === cluster) &&
        workingJobPhases.has(status.jobDeploymentStatus ?? '')
      )
        return true;
    }
    for (const service of this.cache.list('RayService')) {
      if (service.metadata.namespace !== namespace) continue;
      const active = service.status?.activeServiceStatus;
      if (active?.rayClusterName !== cluster) continue;
      const apps = Object.values(active.applicationStatuses ?? {});
      if (apps.some((app) => servingStates.has(app.status ?? ''))) return true;
    }
    return false;
  }
}

/**
 * A clock running `speed` times faster than real time from this call on. The embedded sandbox
 * keeps pod times on such a clock (`--sandbox-speed`), so its GPU-hours are measured on one too;
 * its origin is a moment after the sandbox's own, which shifts intervals by that gap × (speed − 1).
 */
export function scaledClock(speed: number, wallNow: () => number = Date.now): () => Date {
  const origin = wallNow();
  return () => new Date(origin + (wallNow() - origin) * speed);
}

/** What the meter reads from the cache. */
export type UsageCacheView = Pick<KubeCache, 'list' | 'get' | 'subscribe' | 'whenSynced'>;

/** Options of {@link UsageMeter}. */
export interface UsageMeterOptions {
  db: Kysely<Database>;
  cache: UsageCacheView;
  /** The clock; tests inject one. */
  now: () => Date;
  /** How busy clusters are told from idle ones. Default {@link RayObjectActivity}. */
  activity?: ClusterActivity;
  /** Heartbeat period in ms (refreshes `last_seen_at`, samples idleness). Default 60,000. */
  heartbeatMs?: number;
  /** Registry for the GPU-hour metrics; none: no metrics. */
  registry?: Registry;
}

/** A GPU pod that holds its GPUs now. */
interface RunningGpuPod {
  uid: string;
  namespace: string;
  pod: string;
  cluster: string;
  owner: string;
  template: string;
  gpuProduct: string;
  gpus: number;
  /** ISO time its containers started running (the pod's start time as fallback). */
  startedAt: string;
}

/** The pod's GPU hold, if it is Running on a node with GPUs requested. */
function runningGpuPod(pod: PodResource, cache: UsageCacheView): RunningGpuPod | undefined {
  if (pod.status?.phase !== 'Running' || !pod.spec.nodeName || !pod.metadata.uid) return undefined;
  const gpus = gpuRequestOfPodSpec(pod.spec).total;
  if (gpus <= 0) return undefined;
  const starts = (pod.status.containerStatuses ?? [])
    .map((status) => status.state?.running?.startedAt)
    .filter((at): at is string => typeof at === 'string')
    .sort();
  const startedAt = starts[0] ?? pod.status.startTime;
  if (!startedAt) return undefined;
  const namespace = pod.metadata.namespace ?? '';
  const cluster = pod.metadata.labels?.['ray.io/cluster'] ?? '';
  const rayCluster = cluster ? cache.get('RayCluster', namespace, cluster) : undefined;
  const clusterLabels = rayCluster?.metadata.labels ?? {};
  const nodeLabels = cache.get('Node', undefined, pod.spec.nodeName)?.metadata.labels ?? {};
  const product = gpuProductLabels.map((label) => nodeLabels[label]).find(Boolean) ?? '';
  return {
    uid: pod.metadata.uid,
    namespace,
    pod: pod.metadata.name ?? '',
    cluster,
    owner: clusterLabels[RaydeckLabel.owner] ?? pod.metadata.labels?.[RaydeckLabel.owner] ?? '',
    template:
      clusterLabels[RaydeckLabel.template] ?? pod.metadata.labels?.[RaydeckLabel.template] ?? '',
    gpuProduct: product,
    gpus,
    startedAt: new Date(startedAt).toISOString(),
  };
}

/** When a terminated pod's last container finished, if it says. */
function finishedAt(pod: PodResource | undefined): string | undefined {
  const ends = (pod?.status?.containerStatuses ?? [])
    .map((status) => status.state?.terminated?.finishedAt)
    .filter((at): at is string => typeof at === 'string')
    .sort();
  const last = ends.at(-1);
  return last ? new Date(last).toISOString() : undefined;
}

/**
 * Meters GPU-hours from pod lifecycles: every GPU pod running on a node has an open interval in
 * the store from its containers' start, closed when it stops or disappears; idle intervals of
 * clusters are sampled on a heartbeat. After a restart the open intervals are matched with the
 * running pods again (their start comes from the pods, so time the portal was down counts), and
 * intervals of pods that vanished meanwhile end at their last sighting. Writes are serialized.
 */
export class UsageMeter {
  private readonly options: UsageMeterOptions;
  private readonly activity: ClusterActivity;
  /** Open intervals by pod uid (mirrors `gpu_usage` rows with `ended_at` null). */
  private readonly open = new Map<string, RunningGpuPod>();
  /** Open idle intervals by `namespace/cluster`. */
  private readonly idle = new Set<string>();
  private chain: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private started = false;
  private syncQueued = false;

  constructor(options: UsageMeterOptions) {
    this.options = options;
    this.activity = options.activity ?? new RayObjectActivity(options.cache);
    if (options.registry) this.registerMetrics(options.registry);
  }

  /** How idleness is decided, for the report. */
  get idleSignal(): string {
    return this.activity.description;
  }

  /** Waits for the cache, rebuilds from the store and the pods, then follows pod changes. */
  async start(): Promise<void> {
    await this.options.cache.whenSynced();
    await this.enqueue(() => this.rebuild());
    this.started = true;
    this.unsubscribe = this.options.cache.subscribe((change) => {
      if (change.kind === 'Pod' || change.kind === 'RayJob' || change.kind === 'RayService')
        this.requestSync();
    });
    this.timer = setInterval(() => void this.heartbeat(), this.options.heartbeatMs ?? 60_000);
    this.timer.unref();
  }

  stop(): Promise<void> {
    this.unsubscribe?.();
    if (this.timer) clearInterval(this.timer);
    return this.chain;
  }

  /** Resolves when every queued write is done (tests, shutdown). */
  flush(): Promise<void> {
    return this.chain;
  }

  /** Refreshes `last_seen_at` of open intervals and samples idleness (runs on the timer). */
  heartbeat(): Promise<void> {
    return this.enqueue(async () => {
      await this.sync();
      const now = this.options.now().toISOString();
      await this.options.db
        .updateTable('gpu_usage')
        .set({ last_seen_at: now })
        .where('ended_at', 'is', null)
        .execute();
    });
  }

  private requestSync(): void {
    if (!this.started || this.syncQueued) return;
    this.syncQueued = true;
    void this.enqueue(async () => {
      this.syncQueued = false;
      await this.sync();
    });
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(step).catch(() => {
      // A failed write is retried by the next sync or heartbeat, which compares again.
    });
    return this.chain;
  }

  private runningPods(): Map<string, RunningGpuPod> {
    const running = new Map<string, RunningGpuPod>();
    for (const pod of this.options.cache.list('Pod')) {
      const hold = runningGpuPod(pod, this.options.cache);
      if (hold) running.set(hold.uid, hold);
    }
    return running;
  }

  /** Startup: open rows of pods gone meanwhile end at their last sighting; others resume. */
  private async rebuild(): Promise<void> {
    const { db } = this.options;
    const running = this.runningPods();
    const openRows = await db
      .selectFrom('gpu_usage')
      .selectAll()
      .where('ended_at', 'is', null)
      .execute();
    for (const row of openRows) {
      const pod = running.get(row.pod_uid);
      if (pod) {
        this.open.set(row.pod_uid, pod);
        continue;
      }
      await db
        .updateTable('gpu_usage')
        .set({ ended_at: row.last_seen_at })
        .where('pod_uid', '=', row.pod_uid)
        .execute();
    }
    const openIdle = await db
      .selectFrom('cluster_idle')
      .selectAll()
      .where('ended_at', 'is', null)
      .execute();
    for (const row of openIdle) {
      // The idle spell's end while the portal was down is unknown: it ends at the cluster's
      // last sighting, and a new one starts if the cluster is still idle.
      const seen = await db
        .selectFrom('gpu_usage')
        .select((eb) => eb.fn.max('last_seen_at').as('last'))
        .where('namespace', '=', row.namespace)
        .where('cluster', '=', row.cluster)
        .executeTakeFirst();
      const last =
        typeof seen?.last === 'string' && seen.last > row.started_at ? seen.last : row.started_at;
      await db
        .updateTable('cluster_idle')
        .set({ ended_at: last })
        .where('id', '=', row.id)
        .execute();
    }
    await this.sync();
  }

  /** Brings the store in line with the running GPU pods and the clusters' activity. */
  private async sync(): Promise<void> {
    const { db } = this.options;
    const now = this.options.now().toISOString();
    const running = this.runningPods();
    for (const [uid, pod] of running) {
      if (this.open.has(uid)) continue;
      const existing = await db
        .selectFrom('gpu_usage')
        .select('pod_uid')
        .where('pod_uid', '=', uid)
        .executeTakeFirst();
      if (existing) {
        await db
          .updateTable('gpu_usage')
          .set({ ended_at: null, last_seen_at: now })
          .where('pod_uid', '=', uid)
          .execute();
      } else {
        await db
          .insertInto('gpu_usage')
          .values({
            pod_uid: uid,
            namespace: pod.namespace,
            pod: pod.pod,
            cluster: pod.cluster,
            owner: pod.owner,
            template: pod.template,
            gpu_product: pod.gpuProduct,
            gpus: pod.gpus,
            started_at: pod.startedAt,
            ended_at: null,
            last_seen_at: now,
          })
          .execute();
      }
      this.open.set(uid, pod);
    }
    for (const [uid, pod] of this.open) {
      if (running.has(uid)) continue;
      const gone = this.options.cache.get('Pod', pod.namespace, pod.pod);
      const end = (gone?.metadata.uid === uid ? finishedAt(gone) : undefined) ?? now;
      await db
        .updateTable('gpu_usage')
        .set({ ended_at: end < pod.startedAt ? pod.startedAt : end, last_seen_at: now })
        .where('pod_uid', '=', uid)
        .execute();
      this.open.delete(uid);
    }
    await this.syncIdle(now);
  }

  private async syncIdle(now: string): Promise<void> {
    const { db } = this.options;
    const holding = new Map<string, { namespace: string; cluster: string }>();
    for (const pod of this.open.values()) {
      if (pod.cluster) holding.set(`${pod.namespace}/${pod.cluster}`, pod);
    }
    for (const [key, { namespace, cluster }] of holding) {
      const idle = !this.activity.isBusy(namespace, cluster);
      if (idle && !this.idle.has(key)) {
        await db
          .insertInto('cluster_idle')
          .values({ namespace, cluster, started_at: now, ended_at: null })
          .execute();
        this.idle.add(key);
      }
      if (!idle && this.idle.has(key)) await this.closeIdle(key, now);
    }
    for (const key of [...this.idle]) {
      if (!holding.has(key)) await this.closeIdle(key, now);
    }
  }

  private async closeIdle(key: string, now: string): Promise<void> {
    const [namespace = '', cluster = ''] = key.split('/');
    await this.options.db
      .updateTable('cluster_idle')
      .set({ ended_at: now })
      .where('namespace', '=', namespace)
      .where('cluster', '=', cluster)
      .where('ended_at', 'is', null)
      .execute();
    this.idle.delete(key);
  }

  /**
   * `raydeck_gpu_usage_hours` (GPU-hours since metering began, per team, user, cluster,
   * template and GPU product, read from the store at scrape time, so it survives restarts) and
   * `raydeck_gpus_allocated` (GPUs held by running pods now).
   */
  private registerMetrics(registry: Registry): void {
    const { db, now } = this.options;
    const labelNames = ['team', 'user', 'cluster', 'template', 'gpu_product'] as const;
    new Gauge({
      name: 'raydeck_gpu_usage_hours',
      help: 'GPU-hours allocated to running GPU pods since metering began, rebuilt from the store.',
      labelNames,
      registers: [registry],
      async collect() {
        this.reset();
        const rows = await db
          .selectFrom('gpu_usage')
          .select([
            'namespace',
            'owner',
            'cluster',
            'template',
            'gpu_product',
            'gpus',
            'started_at',
            'ended_at',
          ])
          .execute();
        const at = now().getTime();
        for (const row of rows) {
          const end = row.ended_at ? Date.parse(row.ended_at) : at;
          const hours = (row.gpus * Math.max(0, end - Date.parse(row.started_at))) / 3_600_000;
          this.inc(
            {
              team: row.namespace,
              user: row.owner,
              cluster: row.cluster,
              template: row.template,
              gpu_product: row.gpu_product,
            },
            hours,
          );
        }
      },
    });
    const open = this.open;
    new Gauge({
      name: 'raydeck_gpus_allocated',
      help: 'GPUs held by running pods now, as metered.',
      labelNames: ['team', 'gpu_product'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const pod of open.values()) {
          this.inc({ team: pod.namespace, gpu_product: pod.gpuProduct }, pod.gpus);
        }
      },
    });
  }
}
