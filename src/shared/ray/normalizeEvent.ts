import type {
  CoreV1EventResource,
  EventsV1EventResource,
  KubeEventResource,
  ObjectReference,
} from '../k8s/kubeTypes.ts';

/** An Event in one shape, whichever API (core/v1 or events.k8s.io/v1) it was read from. */
export interface NormalizedEvent {
  /** Namespace and name of the Event object itself. */
  namespace: string;
  name: string;
  uid: string | undefined;
  /** `Normal` or `Warning` (`Normal` when absent). */
  type: string;
  /** CamelCase reason, e.g. `FailedScheduling`, `FailedToCreateWorkerPod`. */
  reason: string;
  /** Human text: core/v1 `message`, events.k8s.io/v1 `note`. */
  message: string;
  /** The object the event is about: core/v1 `involvedObject`, events.k8s.io/v1 `regarding`. */
  regarding: ObjectReference;
  /** How often it happened (series count, else count, else 1). */
  count: number;
  /** When first seen (RFC 3339), if known. */
  firstTime: string | undefined;
  /** When last seen (RFC 3339), if known; equals `firstTime` for a single occurrence. */
  lastTime: string | undefined;
  /** Who reported it, e.g. `default-scheduler`, `kubelet`, `raycluster-controller`. */
  reportingController: string | undefined;
  action: string | undefined;
}

function isEventsV1(event: KubeEventResource): event is EventsV1EventResource {
  return (
    event.apiVersion === 'events.k8s.io/v1' ||
    ('regarding' in event && event.regarding !== undefined) ||
    ('note' in event && event.note !== undefined)
  );
}

function firstSet(...values: readonly (string | null | undefined)[]): string | undefined {
  for (const value of values) if (value) return value;
  return undefined;
}

/**
 * Reads an Event in either API shape. core/v1 (`involvedObject`, `message`, `count`,
 * `firstTimestamp`/`lastTimestamp`, `source`) is what kubelets write and what the core API
 * returns for all events; events.k8s.io/v1 (`regarding`, `note`, `series`, `eventTime`,
 * `reportingController`) is what the scheduler and KubeRay write. Shape is detected from
 * `apiVersion`, else from the presence of `regarding`/`note`.
 * @see https://kubernetes.io/docs/reference/kubernetes-api/cluster-resources/event-v1/
 * @see https://kubernetes.io/docs/reference/generated/kubernetes-api/v1.35/#event-v1-core
 */
export function normalizeEvent(event: KubeEventResource): NormalizedEvent {
  const base = {
    namespace: event.metadata.namespace ?? '',
    name: event.metadata.name ?? '',
    uid: event.metadata.uid,
    type: event.type || 'Normal',
    reason: event.reason ?? '',
    action: event.action,
  };
  if (isEventsV1(event)) {
    const firstTime = firstSet(
      event.eventTime,
      event.deprecatedFirstTimestamp,
      event.metadata.creationTimestamp,
    );
    return {
      ...base,
      message: event.note ?? '',
      regarding: event.regarding ?? {},
      count: event.series?.count ?? event.deprecatedCount ?? 1,
      firstTime,
      lastTime: firstSet(event.series?.lastObservedTime, event.deprecatedLastTimestamp, firstTime),
      reportingController: firstSet(event.reportingController, event.deprecatedSource?.component),
    };
  }
  const core: CoreV1EventResource = event;
  const firstTime = firstSet(core.firstTimestamp, core.eventTime, core.metadata.creationTimestamp);
  return {
    ...base,
    message: core.message ?? '',
    regarding: core.involvedObject,
    count: core.series?.count ?? core.count ?? 1,
    firstTime,
    lastTime: firstSet(core.series?.lastObservedTime, core.lastTimestamp, firstTime),
    reportingController: firstSet(core.reportingComponent, core.source?.component),
  };
}

/**
 * Whether an event is about the given object: same kind and name (and namespace when both
 * say one), and the same uid when both carry one (a re-created object of the same name gets a
 * new uid, so older events about its predecessor do not match).
 */
export function eventRegards(
  event: NormalizedEvent,
  target: { kind: string; name: string; namespace?: string; uid?: string },
): boolean {
  const regarding = event.regarding;
  if (regarding.kind !== target.kind || regarding.name !== target.name) return false;
  if (target.namespace && regarding.namespace && regarding.namespace !== target.namespace) {
    return false;
  }
  return !(target.uid && regarding.uid && target.uid !== regarding.uid);
}
