import { randomBytes } from 'node:crypto';

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
  /** What was done, e.g. `Scheduling`, `Binding`. Default: the reason. */
  action?: string;
  /** Field path inside the object, e.g. `spec.containers{ray-head}`. */
  fieldPath?: string;
}

/**
 * Records events through the events.k8s.io/v1 API, as client-go's event recorder does: a repeat
 * of the same reason and note about the same object within the series window becomes one event
 * with `series.count` increased, rather than a new object.
 */
export class EventRecorder {
  private readonly api: ObjectApi;
  private readonly clock: SimClock;
  private readonly type: ResourceType;
  /** regarding uid + reason + note → event name, for series aggregation. */
  private recent = new Map<string, { namespace: string; name: string }>();

  constructor(api: ObjectApi, clock: SimClock) {
    this.api = api;
    this.clock = clock;
    const type = api.registry.lookup('events.k8s.io', 'v1', 'events');
    if (!type) throw new Error('events.k8s.io/v1 events are not served');
    this.type = type;
  }

  record(input: EventInput): void {
    const meta = input.regarding.metadata ?? {};
    const namespace = meta.namespace ?? 'default';
    const now = new Date(this.clock.now()).toISOString().replace(/(\.\d{3})Z$/, '$1000Z');
    const seriesKey = `${meta.uid ?? meta.name}|${input.reason}|${input.note}`;
    const existing = this.recent.get(seriesKey);
    if (existing) {
      const current = this.api.find(this.type, existing.namespace, existing.name) as
        (KubeObject & { series?: { count: number } }) | undefined;
      if (current) {
        try {
          this.api.patch(this.type, existing.namespace, existing.name, 'merge', {
            series: { count: (current.series?.count ?? 1) + 1, lastObservedTime: now },
          });
          return;
        } catch (error) {
          if (!(error instanceof StatusError)) throw error;
        }
      }
    }
    const name = `${meta.name ?? 'object'}.${randomBytes(8).toString('hex')}`;
    try {
      this.api.create(this.type, namespace, {
        metadata: { name, namespace },
        eventTime: now,
        reportingController: input.reportingController,
        reportingInstance: `${input.reportingController}-raydeck-sandbox`,
        action: input.action ?? input.reason,
        reason: input.reason,
        regarding: {
          apiVersion: input.regarding.apiVersion,
          kind: input.regarding.kind,
          namespace: meta.namespace,
          name: meta.name,
          uid: meta.uid,
          resourceVersion: meta.resourceVersion,
          ...(input.fieldPath ? { fieldPath: input.fieldPath } : {}),
        },
        note: input.note,
        type: input.type,
      });
      this.recent.set(seriesKey, { namespace, name });
      // Keep the newest half when full: one rebuild per 25,000 events rather than a lookup past
      // every deleted entry on each eviction (quadratic in a Map with many holes).
      if (this.recent.size > 50_000) this.recent = new Map([...this.recent].slice(-25_000));
    } catch (error) {
      // Events are best effort, as in Kubernetes: a namespace being deleted refuses them.
      if (!(error instanceof StatusError)) throw error;
    }
  }
}
