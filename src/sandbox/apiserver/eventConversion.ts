import type { KubeObject, VersionConverter } from './resourceType.ts';

/**
 * core/v1 Event field ↔ events.k8s.io/v1 Event field. Kubernetes stores one Event and serves
 * both APIs; an event the operator records through events.k8s.io (with `regarding`) shows up in
 * `kubectl get events` (core, with `involvedObject`), and the other way round.
 * @see https://kubernetes.io/docs/reference/kubernetes-api/cluster-resources/event-v1/
 */
const renamedFields: readonly (readonly [core: string, events: string])[] = [
  ['involvedObject', 'regarding'],
  ['message', 'note'],
  ['reportingComponent', 'reportingController'],
  ['source', 'deprecatedSource'],
  ['firstTimestamp', 'deprecatedFirstTimestamp'],
  ['lastTimestamp', 'deprecatedLastTimestamp'],
  ['count', 'deprecatedCount'],
];

function renameFields(
  object: KubeObject,
  apiVersion: string,
  direction: 'toCore' | 'toEvents',
): KubeObject {
  const renames = new Map(
    renamedFields.map(([core, events]) =>
      direction === 'toCore' ? [events, core] : [core, events],
    ),
  );
  const entries = Object.entries(object).map(([key, value]) => [renames.get(key) ?? key, value]);
  return { ...Object.fromEntries(entries), apiVersion, kind: 'Event' };
}

/** Storage is the core/v1 form; events.k8s.io/v1 is converted on the way in and out. */
export const eventsV1Converter: VersionConverter = {
  toStorage: (object) => renameFields(object, 'v1', 'toCore'),
  fromStorage: (object) => renameFields(object, 'events.k8s.io/v1', 'toEvents'),
};
