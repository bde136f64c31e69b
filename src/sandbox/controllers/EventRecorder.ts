import type { ObjectApi } from '../apiserver/objectApi.ts';
import type { KubeObject, ResourceType } from '../apiserver/resourceType.ts';
import { StatusError } from '../apiserver/statusError.ts';
import type { SimClock } from '../world/simClock.ts';

/** One event to record about an object. */
export interface EventInput {
  /** The object the event is about (its apiVersion, kind and metadata are read). */
  regarding: KubeObject;
  type: 'Normal' | 'Warning';
  /** CamelCase reason, e.g. `FailedScheduling`, `CreatedHeadPod`. */
  reason: string;
  /** Human-readable message (`note` in events.k8s.io/v1, `message` in core/v1). */
  note: string;
  /** E.g. `default-scheduler`, `raycluster-controller`, `kubelet`. */
  reportingController: string;
  /**
   * The reporting component's instance: a kubelet's node name (its events' `source.host`).
   * Default: none for the legacy recorder, `<controller>-raydeck-sandbox` for events.k8s.io.
   */
  reportingInstance?: string;
  /** What was done, e.g. `Scheduling`, `Binding` (events.k8s.io only). Default: the reason. */
  action?: string;
  /** Field path inside the object, e.g. `spec.containers{ray-head}`. */
  fieldPath?: string;
}

/**
 * Components that record through events.k8s.io/v1 (client-go's `tools/events`): kube-scheduler.
 * The kubelet, kube-controller-manager's controllers and KubeRay (controller-runtime's recorder)
 * use the legacy core/v1 recorder (`tools/record`).
 */
const eventsApiReporters: ReadonlySet<string> = new Set(['default-scheduler']);

/** Distinct identities the aggregation cache keeps before it is halved (client-go: 4,096). */
const maxRemembered = 50_000;

/**
 * Records events as the two client-go recorders do. Legacy (core/v1) events carry `source`,
 * `firstTimestamp`, `lastTimestamp`, `count`, `reportingComponent`/`reportingInstance` and a
 * null `eventTime`; a repeat with the same source, involved object, type, reason and message
 * raises `count` and `lastTimestamp` of the same Event (the correlator's deduplication), so
 * `kubectl describe` and `--sort-by=.lastTimestamp` order them as on a real cluster.
 * events.k8s.io events (the scheduler) carry `eventTime`, `action`, and on a repeat
 * `series.count` and `series.lastObservedTime`. All times are wall-clock times
 * ({@link SimClock.wallNow}), as metadata is.
 */
export class EventRecorder {
  private readonly api: ObjectApi;
  private readonly clock: SimClock;
  private readonly type: ResourceType;
  private readonly coreType: ResourceType;
  /** Event identity → event name, for aggregation. */
  private recent = new Map<string, { namespace: string; name: string }>();
  /** Makes names unique when several events share a nanosecond timestamp. */
  private sequence = 0;

  constructor(api: ObjectApi, clock: SimClock) {
    this.api = api;
    this.clock = clock;
    const type = api.registry.lookup('events.k8s.io', 'v1', 'events');
    const coreType = api.registry.lookup('', 'v1', 'events');
    if (!type || !coreType) throw new Error('events are not served');
    this.type = type;
    this.coreType = coreType;
  }

  record(input: EventInput): void {
    try {
      if (eventsApiReporters.has(input.reportingController)) this.recordSeries(input);
      else this.recordLegacy(input);
    } catch (error) {
      // Events are best effort, as in Kubernetes: a namespace being deleted refuses them.
      if (!(error instanceof StatusError)) throw error;
    }
  }

  /** client-go `tools/record`: a core/v1 Event, deduplicated by count. */
  private recordLegacy(input: EventInput): void {
    const meta = input.regarding.metadata ?? {};
    const namespace = meta.namespace ?? 'default';
    const wallMs = this.clock.wallNow();
    const now = new Date(wallMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const instance = input.reportingInstance ?? '';
    const key = [
      'legacy',
      input.reportingController,
      instance,
      input.regarding.kind,
      meta.namespace,
      meta.name,
      meta.uid,
      input.regarding.apiVersion,
      input.fieldPath,
      input.type,
      input.reason,
      input.note,
    ].join('\u0000');
    const existing = this.recent.get(key);
    if (existing) {
      const current = this.api.find(this.coreType, existing.namespace, existing.name) as
        (KubeObject & { count?: number }) | undefined;
      if (current) {
        this.api.patch(this.coreType, existing.namespace, existing.name, 'merge', {
          count: (current.count ?? 1) + 1,
          lastTimestamp: now,
        });
        return;
      }
    }
    const name = this.eventName(meta.name, wallMs);
    this.api.create(this.coreType, namespace, {
      metadata: { name, namespace },
      involvedObject: this.reference(input),
      reason: input.reason,
      message: input.note,
      source: { component: input.reportingController, ...(instance ? { host: instance } : {}) },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type: input.type,
      eventTime: null,
      reportingComponent: input.reportingController,
      reportingInstance: instance,
    });
    this.remember(key, { namespace, name });
  }

  /** client-go `tools/events`: an events.k8s.io/v1 Event, repeats counted in `series`. */
  private recordSeries(input: EventInput): void {
    const meta = input.regarding.metadata ?? {};
    const namespace = meta.namespace ?? 'default';
    const wallMs = this.clock.wallNow();
    const now = new Date(wallMs).toISOString().replace(/(\.\d{3})Z$/, '$1000Z');
    const key = `series\u0000${meta.uid ?? meta.name}\u0000${input.reason}\u0000${input.note}`;
    const existing = this.recent.get(key);
    if (existing) {
      const current = this.api.find(this.type, existing.namespace, existing.name) as
        (KubeObject & { series?: { count: number } }) | undefined;
      if (current) {
        this.api.patch(this.type, existing.namespace, existing.name, 'merge', {
          series: { count: (current.series?.count ?? 1) + 1, lastObservedTime: now },
        });
        return;
      }
    }
    const name = this.eventName(meta.name, wallMs);
    this.api.create(this.type, namespace, {
      metadata: { name, namespace },
      eventTime: now,
      reportingController: input.reportingController,
      reportingInstance: input.reportingInstance ?? `${input.reportingController}-raydeck-sandbox`,
      action: input.action ?? input.reason,
      reason: input.reason,
      regarding: this.reference(input),
      note: input.note,
      type: input.type,
    });
    this.remember(key, { namespace, name });
  }

  private reference(input: EventInput): Record<string, unknown> {
    const meta = input.regarding.metadata ?? {};
    return {
      apiVersion: input.regarding.apiVersion,
      kind: input.regarding.kind,
      namespace: meta.namespace,
      name: meta.name,
      uid: meta.uid,
      resourceVersion: meta.resourceVersion,
      ...(input.fieldPath ? { fieldPath: input.fieldPath } : {}),
    };
  }

  /** `<object>.<UnixNano in hex>`, as both recorders name events. */
  private eventName(objectName: string | undefined, wallMs: number): string {
    const nanos = BigInt(Math.floor(wallMs)) * 1_000_000n + BigInt(this.sequence++ % 1_000_000);
    return `${objectName ?? 'object'}.${nanos.toString(16)}`;
  }

  private remember(key: string, event: { namespace: string; name: string }): void {
    this.recent.set(key, event);
    // Keep the newest half when full: one rebuild per 25,000 events rather than a lookup past
    // every deleted entry on each eviction (quadratic in a Map with many holes).
    if (this.recent.size > maxRemembered) {
      this.recent = new Map([...this.recent].slice(-maxRemembered / 2));
    }
  }
}
