/**
 * Server-side apply's field manager: who owns which fields of an object (`metadata.managedFields`),
 * how an apply merges and prunes, when it conflicts, and how other writes move ownership. A port
 * of the chain k8s.io/apiserver builds (`NewDefaultFieldManager` in
 * k8s.io/apimachinery/pkg/util/managedfields/internal, v0.35) over structured-merge-diff's
 * `merge.Updater`, without version conversion and with at most 10 update managers as upstream.
 */
import { type ApplyType } from './applyTypeOf.ts';
import { FieldSet, pathString } from './FieldSet.ts';
import {
  compareTypedValues,
  mergeTypedValues,
  removeFieldSet,
  toFieldSet,
  withNamedFieldsAsMembers,
} from './mergeTypedValues.ts';
import { jsonEqual } from './objectMetaHelpers.ts';
import type { KubeObject } from './resourceType.ts';
import { badRequest, StatusError } from './statusError.ts';

/** One `metadata.managedFields` entry, in `metav1.ManagedFieldsEntry` field order. */
export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

/** One manager's fields; the identity is manager, operation, subresource and (Update) version. */
interface ManagerFields {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  subresource: string | undefined;
  time: string | undefined;
  set: FieldSet;
}

/** Managers by identity (upstream's `BuildManagerIdentifier` JSON). */
export type ManagedFields = Map<string, ManagerFields>;

/** Who writes, and where: what every field-manager operation needs. */
export interface FieldManagerScope {
  /** How the object merges (schema of the kind). */
  type: ApplyType;
  /** `ray.io/v1`: the version of the request, recorded in entries. */
  apiVersion: string;
  /** `status` for writes to the status subresource. */
  subresource: string | undefined;
  /** Fields this (sub)resource resets: `status` on the main resource of a kind with a status
   * subresource, `spec` on `/status`. They are never owned through it. */
  ignored: FieldSet;
  /** RFC 3339 time of the write, for the entry's `time`. */
  now: string;
  /** The object a create starts from (`{}` plus the struct fields a Go type always has). */
  emptyObject: KubeObject;
}

/** Update managers kept before the oldest are merged into `ancient-changes` (upstream: 10). */
const maxUpdateManagers = 10;

/** Fields no manager owns (`NewStripMetaManager`): type and identity metadata. */
const strippedFields = FieldSet.of([
  ['f:apiVersion'],
  ['f:kind'],
  ['f:metadata'],
  ['f:metadata', 'f:name'],
  ['f:metadata', 'f:namespace'],
  ['f:metadata', 'f:creationTimestamp'],
  ['f:metadata', 'f:selfLink'],
  ['f:metadata', 'f:uid'],
  ['f:metadata', 'f:clusterName'],
  ['f:metadata', 'f:generation'],
  ['f:metadata', 'f:managedFields'],
  ['f:metadata', 'f:resourceVersion'],
]);

/** kubectl's client-side apply annotation, which server-side apply by `kubectl` keeps in step. */
export const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';

function identityOf(
  manager: string,
  operation: 'Apply' | 'Update',
  apiVersion: string,
  subresource: string | undefined,
): string {
  // Go's json.Marshal of the entry without fields and time; appliers without a version.
  return JSON.stringify({
    manager,
    operation,
    ...(operation === 'Update' && apiVersion ? { apiVersion } : {}),
    ...(subresource ? { subresource } : {}),
  });
}

/**
 * Reads `metadata.managedFields`. Throws a plain Error for a malformed entry (upstream then
 * keeps the stored entries on update, or fails a read of stored ones).
 */
export function decodeManagedFields(entries: unknown): ManagedFields {
  const managed: ManagedFields = new Map();
  if (entries === undefined || entries === null) return managed;
  if (!Array.isArray(entries)) throw new Error('managedFields must be a list');
  entries.forEach((raw: unknown, index) => {
    const entry = (raw ?? {}) as Partial<Record<keyof ManagedFieldsEntry, unknown>>;
    if (entry.operation !== 'Apply' && entry.operation !== 'Update') {
      throw new Error('operation must be `Apply` or `Update`');
    }
    if (typeof entry.apiVersion !== 'string' || entry.apiVersion === '') {
      throw new Error('apiVersion must not be empty');
    }
    if (entry.fieldsType !== 'FieldsV1') {
      throw new Error(
        entry.fieldsType === undefined || entry.fieldsType === ''
          ? `missing fieldsType in managed fields entry ${index}`
          : `invalid fieldsType "${String(entry.fieldsType)}" in managed fields entry ${index}`,
      );
    }
    const manager = typeof entry.manager === 'string' ? entry.manager : '';
    const subresource = typeof entry.subresource === 'string' ? entry.subresource : undefined;
    const identity = identityOf(manager, entry.operation, entry.apiVersion, subresource);
    if (managed.has(identity)) throw new Error(`duplicate entry for ${identity}`);
    managed.set(identity, {
      manager,
      operation: entry.operation,
      apiVersion: entry.apiVersion,
      subresource,
      time: typeof entry.time === 'string' ? entry.time : undefined,
      set: FieldSet.fromFieldsV1(entry.fieldsV1 ?? {}),
    });
  });
  return managed;
}

/**
 * `metadata.managedFields` as upstream writes it: appliers first, then updaters, each group by
 * time, manager, version and subresource; undefined when nobody manages anything.
 */
export function encodeManagedFields(managed: ManagedFields): ManagedFieldsEntry[] | undefined {
  const entries = [...managed.values()]
    .filter((fields) => !fields.set.isEmpty())
    .sort(
      (a, b) =>
        compareText(a.operation, b.operation) ||
        compareText(secondsOf(a.time), secondsOf(b.time)) ||
        compareText(a.manager, b.manager) ||
        compareText(a.apiVersion, b.apiVersion) ||
        compareText(a.subresource ?? '', b.subresource ?? ''),
    )
    .map((fields): ManagedFieldsEntry => ({
      manager: fields.manager,
      operation: fields.operation,
      apiVersion: fields.apiVersion,
      ...(fields.time ? { time: fields.time } : {}),
      fieldsType: 'FieldsV1',
      fieldsV1: fields.set.toFieldsV1(),
      ...(fields.subresource ? { subresource: fields.subresource } : {}),
    }));
  return entries.length > 0 ? entries : undefined;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Seconds precision, as upstream sorts (`Time.Unix()`); the ISO text sorts the same way. */
function secondsOf(time: string | undefined): string {
  return time ?? '';
}

/** The object without `metadata.managedFields`, which no comparison or merge may see. */
export function withoutManagedFields(object: KubeObject): KubeObject {
  if (!object.metadata || !('managedFields' in object.metadata)) return object;
  const { managedFields: _managed, ...metadata } = object.metadata;
  return { ...object, metadata };
}

function copyOf(managed: ManagedFields): ManagedFields {
  return new Map([...managed].map(([identity, fields]) => [identity, { ...fields }]));
}

function strip(managed: ManagedFields): void {
  for (const [identity, fields] of managed) {
    fields.set = fields.set.difference(strippedFields);
    if (fields.set.isEmpty()) managed.delete(identity);
  }
}

/** `NewCapManagersManager`: the oldest update managers beyond 10 merge into `ancient-changes`. */
function capUpdateManagers(managed: ManagedFields, scope: FieldManagerScope): void {
  const updaters = [...managed.entries()]
    .filter(([, fields]) => fields.operation === 'Update')
    .sort(([, a], [, b]) => compareText(a.time ?? '', b.time ?? ''));
  if (updaters.length <= maxUpdateManagers) return;
  const bucketIdentity = identityOf('ancient-changes', 'Update', scope.apiVersion, undefined);
  let bucket = managed.get(bucketIdentity);
  for (const [identity, fields] of updaters) {
    if (identity === bucketIdentity) continue;
    const count = [...managed.values()].filter((entry) => entry.operation === 'Update').length;
    if (count <= maxUpdateManagers) break;
    bucket ??= {
      manager: 'ancient-changes',
      operation: 'Update',
      apiVersion: scope.apiVersion,
      subresource: undefined,
      time: fields.time,
      set: new FieldSet(),
    };
    bucket.set = bucket.set.union(fields.set);
    managed.delete(identity);
    managed.set(bucketIdentity, bucket);
  }
}

/**
 * Ownership after a non-apply write (create, update, patch) by `manager`: fields it added or
 * changed become its own and leave every other manager, removed fields leave everybody. An
 * update of an object nobody manages stays untracked (`NewSkipNonAppliedManager`); a create
 * (`live` undefined) is compared with the kind's empty object.
 */
export function updateManagedFields(
  live: KubeObject | undefined,
  next: KubeObject,
  managedBefore: ManagedFields,
  manager: string,
  scope: FieldManagerScope,
): ManagedFields {
  if (live !== undefined && managedBefore.size === 0) return managedBefore;
  const managed = copyOf(managedBefore);
  const comparison = compareTypedValues(
    withoutManagedFields(live ?? scope.emptyObject),
    withoutManagedFields(next),
    scope.type,
  );
  const added = comparison.added.recursiveDifference(scope.ignored);
  const modified = comparison.modified.recursiveDifference(scope.ignored);
  const removed = comparison.removed.recursiveDifference(scope.ignored);
  const changed = added.union(modified);
  for (const fields of managed.values()) {
    fields.set = fields.set.difference(changed).difference(removed);
  }
  const taken = changed.recursiveDifference(scope.ignored).difference(strippedFields);
  if (!taken.isEmpty()) {
    const identity = identityOf(manager, 'Update', scope.apiVersion, scope.subresource);
    const previous = managed.get(identity);
    managed.set(identity, {
      manager,
      operation: 'Update',
      apiVersion: scope.apiVersion,
      subresource: scope.subresource,
      time: scope.now,
      set: previous ? previous.set.union(taken) : taken,
    });
  }
  strip(managed);
  capUpdateManagers(managed, scope);
  return managed;
}

/** A field another manager owns, with that manager's identity. */
interface Conflict {
  identity: string;
  path: string;
}

/** Upstream's `printManager`: `"kubectl-edit" using v1` for updaters, `"kubectl"` for appliers. */
function printManager(identity: string): string {
  const entry = JSON.parse(identity) as {
    manager: string;
    operation: string;
    apiVersion?: string;
    subresource?: string;
  };
  let text = JSON.stringify(entry.manager);
  if (entry.subresource) text += ` with subresource ${JSON.stringify(entry.subresource)}`;
  if (entry.operation === 'Update') text += ` using ${entry.apiVersion ?? ''}`;
  return text;
}

/**
 * 409 `Apply failed with N conflict(s)` (`NewConflictError`), one cause per field
 * (`FieldManagerConflict`), as kubectl prints before its `--force-conflicts` hint.
 */
export function applyConflictError(conflicts: readonly Conflict[]): StatusError {
  let message: string;
  if (conflicts.length === 1) {
    const [only] = conflicts as [Conflict];
    message = `Apply failed with 1 conflict: conflict with ${printManager(only.identity)}: ${only.path}`;
  } else {
    const byManager = new Map<string, string[]>();
    for (const conflict of conflicts) {
      byManager.set(conflict.identity, [
        ...(byManager.get(conflict.identity) ?? []),
        conflict.path,
      ]);
    }
    const lines: string[] = [];
    for (const identity of [...byManager.keys()].sort()) {
      lines.push(`conflicts with ${printManager(identity)}:`);
      for (const path of byManager.get(identity) ?? []) lines.push(`- ${path}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new StatusError(409, 'Conflict', message, {
    causes: conflicts.map((conflict) => ({
      reason: 'FieldManagerConflict',
      message: `conflict with ${printManager(conflict.identity)}`,
      field: conflict.path,
    })),
  });
}

/** The result of an apply: the merged object and its managers. */
export interface ApplyResult {
  object: KubeObject;
  managed: ManagedFields;
}

/**
 * Applies `config` as `manager` (`FieldManager.Apply`): an object nobody manages is first
 * attributed to `before-first-apply`; the configuration is merged into the live object; fields
 * the manager applied last time and no longer applies are removed unless someone else owns them;
 * changing a field another manager owns is a conflict unless `force`, which takes it over.
 * `kubectl` may take over fields recorded in the client-side apply annotation, whose value it
 * then updates (`NewLastAppliedManager`, `NewLastAppliedUpdater`).
 */
export function applyConfiguration(
  liveWithFields: KubeObject,
  config: KubeObject,
  managedBefore: ManagedFields,
  manager: string,
  force: boolean,
  scope: FieldManagerScope,
  creating: boolean,
): ApplyResult {
  if (config.metadata?.managedFields !== undefined) {
    throw badRequest('metadata.managedFields must be nil');
  }
  const live = withoutManagedFields(liveWithFields);
  let managed = managedBefore;
  if (!creating && managed.size === 0) {
    managed = updateManagedFields(undefined, live, managed, 'before-first-apply', {
      ...scope,
      subresource: undefined,
    });
  }
  const attempt = (forced: boolean): ApplyResult =>
    applyOnce(live, config, managed, manager, forced, scope);
  let result: ApplyResult;
  try {
    result = attempt(force);
  } catch (error) {
    if (!(error instanceof ConflictsFound) || manager !== 'kubectl') throw unwrap(error);
    const allowed = allowedByLastApplied(live, scope);
    const remaining = error.conflicts.filter((conflict) => !allowed?.has(pathOfConflict(conflict)));
    if (remaining.length > 0) throw applyConflictError(remaining);
    result = attempt(true);
  }
  const annotations = result.object.metadata?.annotations;
  if (manager === 'kubectl' && annotations && Object.hasOwn(annotations, lastAppliedAnnotation)) {
    result.object = {
      ...result.object,
      metadata: {
        ...result.object.metadata,
        annotations: { ...annotations, [lastAppliedAnnotation]: lastAppliedOf(config) },
      },
    };
  }
  return result;
}

class ConflictsFound extends Error {
  readonly conflicts: (Conflict & { elements: string[] })[];
  constructor(conflicts: (Conflict & { elements: string[] })[]) {
    super('conflicts');
    this.conflicts = conflicts;
  }
}

function unwrap(error: unknown): unknown {
  return error instanceof ConflictsFound ? applyConflictError(error.conflicts) : error;
}

function pathOfConflict(conflict: { elements: string[] }): string[] {
  return conflict.elements;
}

function applyOnce(
  live: KubeObject,
  config: KubeObject,
  managedBefore: ManagedFields,
  manager: string,
  force: boolean,
  scope: FieldManagerScope,
): ApplyResult {
  const managed = copyOf(managedBefore);
  const identity = identityOf(manager, 'Apply', scope.apiVersion, scope.subresource);
  const lastSet = managed.get(identity)?.set;
  const previousTime = managed.get(identity)?.time;
  let merged = mergeTypedValues(live, config, scope.type) as KubeObject;
  managed.set(identity, {
    manager,
    operation: 'Apply',
    apiVersion: scope.apiVersion,
    subresource: scope.subresource,
    time: previousTime,
    set: toFieldSet(config, scope.type).recursiveDifference(scope.ignored),
  });
  if (lastSet && !lastSet.isEmpty()) merged = prune(merged, managed, lastSet, scope.type);

  const comparison = compareTypedValues(live, merged, scope.type);
  const changed = comparison.added.union(comparison.modified).recursiveDifference(scope.ignored);
  const removed = comparison.removed.recursiveDifference(scope.ignored);
  const conflicts: (Conflict & { elements: string[] })[] = [];
  for (const [otherIdentity, fields] of [...managed].sort(([a], [b]) => compareText(a, b))) {
    if (otherIdentity === identity) continue;
    for (const elements of fields.set.intersection(changed).paths()) {
      conflicts.push({ identity: otherIdentity, path: pathString(elements), elements });
    }
  }
  if (conflicts.length > 0 && !force) throw new ConflictsFound(conflicts);
  for (const [otherIdentity, fields] of managed) {
    if (otherIdentity === identity) continue;
    fields.set = fields.set.difference(changed).difference(removed);
  }
  const unchanged = jsonEqual(live, merged);
  const self = managed.get(identity);
  if (self && (!unchanged || self.time === undefined)) self.time = scope.now;
  strip(managed);
  return { object: merged, managed };
}

/**
 * Removes what `manager` applied last time and no longer applies, unless another manager (or
 * the new configuration) owns it (`Updater.prune`, `addBackOwnedItems`, `addBackDanglingItems`).
 */
function prune(
  merged: KubeObject,
  managed: ManagedFields,
  lastSet: FieldSet,
  type: ApplyType,
): KubeObject {
  const ensure = (set: FieldSet): FieldSet => withNamedFieldsAsMembers(set, type);
  const last = ensure(lastSet);
  const mergedSet = ensure(toFieldSet(merged, type));
  const firstPass = removeFieldSet(merged, last, type);
  let owned = new FieldSet();
  for (const fields of managed.values()) owned = owned.union(fields.set);
  const lost = mergedSet.difference(ensure(toFieldSet(firstPass, type)).union(ensure(owned)));
  const secondPass = removeFieldSet(merged, lost, type);
  const dangling = mergedSet.difference(ensure(toFieldSet(secondPass, type))).intersection(last);
  return removeFieldSet(merged, dangling, type) as KubeObject;
}

/**
 * Fields `kubectl` may take over without `--force-conflicts`: those the client-side apply
 * annotation records with the value the live object still has (`allowedConflictsFromLastApplied`).
 */
function allowedByLastApplied(live: KubeObject, scope: FieldManagerScope): FieldSet | undefined {
  const text = live.metadata?.annotations?.[lastAppliedAnnotation];
  if (!text) return undefined;
  let lastApplied: unknown;
  try {
    lastApplied = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof lastApplied !== 'object' || lastApplied === null) return undefined;
  if ((lastApplied as KubeObject).apiVersion !== scope.apiVersion) return undefined;
  const recorded = toFieldSet(lastApplied, scope.type);
  const differing = compareTypedValues(
    live,
    mergeTypedValues(live, lastApplied, scope.type),
    scope.type,
  );
  return recorded.difference(differing.modified);
}

/** The annotation's value: the configuration without the annotation, keys sorted, newline. */
function lastAppliedOf(config: KubeObject): string {
  const copy = structuredClone(config);
  const annotations = copy.metadata?.annotations;
  if (annotations) Reflect.deleteProperty(annotations, lastAppliedAnnotation);
  return `${JSON.stringify(sortKeys(copy))}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((key) => [key, sortKeys(record[key])]),
  );
}
