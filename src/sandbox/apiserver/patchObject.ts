/**
 * The three PATCH body types the Kubernetes API server accepts for JSON objects:
 * - `application/merge-patch+json` (RFC 7386) → applyMergePatch,
 * - `application/json-patch+json` (RFC 6902, via fast-json-patch) → applyJsonPatch,
 * - `application/strategic-merge-patch+json` → applyStrategicMergePatch, a port of
 *   k8s.io/apimachinery v0.35 pkg/util/strategicpatch (server-side apply of a patch: directives
 *   `$patch`, `$retainKeys`, `$setElementOrder/…`, `$deleteFromPrimitiveList/…`, merge keys and
 *   the element order rules), with the patch strategies of the built-in kinds in `rootSchemas`.
 * All functions leave their arguments untouched and return a new value.
 */
import fastJsonPatch from 'fast-json-patch';

/**
 * A patch Kubernetes would refuse. `code` and `reason` are what the API server answers:
 * 400 BadRequest (malformed patch or directive), 415 UnsupportedMediaType (strategic merge
 * patch of a custom resource), 422 Invalid (JSON patch that does not apply, list of lists; for
 * these Kubernetes itself only says "the server rejected our request due to an error in our
 * request", while `message` names the operation and path), 500 Unknown (merge-key errors,
 * which Kubernetes does not classify either).
 */
export class PatchError extends Error {
  readonly code: 400 | 415 | 422 | 500;
  readonly reason: 'BadRequest' | 'UnsupportedMediaType' | 'Invalid' | 'Unknown';

  constructor(message: string, code: PatchError['code']) {
    super(message);
    this.name = 'PatchError';
    this.code = code;
    this.reason = (
      { 400: 'BadRequest', 415: 'UnsupportedMediaType', 422: 'Invalid', 500: 'Unknown' } as const
    )[code];
  }
}

type Json = unknown;
type JsonMap = Record<string, Json>;

function isMap(value: Json): value is JsonMap {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Sets a member as own data, so a JSON key `__proto__` stays a key and never a prototype. */
function setField(map: JsonMap, key: string, value: Json): void {
  Object.defineProperty(map, key, { value, writable: true, enumerable: true, configurable: true });
}

// ---- RFC 7386 -------------------------------------------------------------------------------

function mergePatchValue(target: Json, patch: Json): Json {
  if (!isMap(patch)) return structuredClone(patch);
  const result: JsonMap = isMap(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) Reflect.deleteProperty(result, key);
    else setField(result, key, mergePatchValue(result[key], value));
  }
  return result;
}

/**
 * JSON merge patch (RFC 7386): objects merge recursively, `null` deletes a key, anything else
 * (arrays included) replaces. A patch that is not an object replaces the whole target.
 */
export function applyMergePatch(target: Json, patch: Json): Json {
  return mergePatchValue(structuredClone(target), patch);
}

// ---- RFC 6902 -------------------------------------------------------------------------------

function pointerTokens(pointer: string): string[] {
  return pointer
    .split('/')
    .slice(1)
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** The value at a JSON pointer, or undefined when any step is missing. */
function resolvePointer(document: Json, tokens: readonly string[]): Json {
  let current = document;
  for (const token of tokens) {
    if (Array.isArray(current)) current = /^\d+$/.test(token) ? current[Number(token)] : undefined;
    else if (isMap(current)) current = Object.hasOwn(current, token) ? current[token] : undefined;
    else return undefined;
  }
  return current;
}

function textOf(operation: Json, field: 'op' | 'path' | 'from'): string {
  const value = isMap(operation) ? operation[field] : undefined;
  return typeof value === 'string' ? value : '';
}

/**
 * Kubernetes (evanphx/json-patch v4) lets `replace` set a member its object does not have yet,
 * where RFC 6902 and fast-json-patch refuse; such an operation is applied as `add`.
 */
function asKubernetesApplies(document: Json, operation: Json): Json {
  if (!isMap(operation) || operation.op !== 'replace') return operation;
  const tokens = pointerTokens(textOf(operation, 'path'));
  const key = tokens.pop();
  const parent = resolvePointer(document, tokens);
  return key !== undefined && isMap(parent) && !Object.hasOwn(parent, key)
    ? { ...operation, op: 'add' }
    : operation;
}

/** evanphx/json-patch's wording for a failed operation, which names the operation and path. */
function describeJsonPatchFailure(error: unknown, document: Json, operation: Json): string {
  if (!(error instanceof fastJsonPatch.JsonPatchError)) {
    return error instanceof Error ? error.message : String(error);
  }
  const op = textOf(operation, 'op');
  const path = textOf(operation, 'path');
  switch (error.name) {
    case 'TEST_OPERATION_FAILED':
      return `testing value ${path} failed: test failed`;
    case 'OPERATION_FROM_UNRESOLVABLE':
      return `${op} operation does not apply: doc is missing from path: ${textOf(operation, 'from')}: missing value`;
    case 'OPERATION_PATH_UNRESOLVABLE':
    case 'OPERATION_PATH_CANNOT_ADD':
    case 'OPERATION_PATH_ILLEGAL_ARRAY_INDEX':
    case 'OPERATION_VALUE_OUT_OF_BOUNDS': {
      const tokens = pointerTokens(path);
      const key = tokens.pop() ?? '';
      const parent = resolvePointer(document, tokens);
      if (Array.isArray(parent)) {
        return `error in ${op} for path: '${path}': Unable to access invalid index: ${key}: invalid index referenced`;
      }
      if (isMap(parent)) {
        return `error in ${op} for path: '${path}': Unable to remove nonexistent key: ${key}: missing value`;
      }
      if (op === 'test')
        return `test operation does not apply: is missing path: ${path}: missing value`;
      const shown = op === 'replace' ? path : JSON.stringify(path);
      return `${op} operation does not apply: doc is missing path: ${shown}: missing value`;
    }
    case 'OPERATION_OP_INVALID':
      return `Unexpected kind: ${op || 'unknown'}`;
    case 'OPERATION_PATH_INVALID':
      return `${op} operation failed to decode path: ${JSON.stringify(isMap(operation) ? (operation.path ?? null) : null)} is not a JSON pointer`;
    case 'OPERATION_FROM_REQUIRED':
      return `${op} operation failed to decode from: missing value`;
    case 'OPERATION_VALUE_REQUIRED':
    case 'OPERATION_VALUE_CANNOT_CONTAIN_UNDEFINED':
      return `${op} operation for path: '${path}' has no value`;
    default:
      return `json patch operation ${op} ${path}: ${error.message}`;
  }
}

/**
 * JSON patch (RFC 6902: add, remove, replace, move, copy, test), applied in order and all or
 * nothing. As in Kubernetes, `replace` of a member missing from an existing object adds it. A
 * body that is not an array throws PatchError 400; an operation that does not apply throws
 * PatchError 422 with evanphx/json-patch's wording, which names the operation and path
 * (`remove operation does not apply: doc is missing path: "/spec/x": missing value`,
 * `testing value /metadata/uid failed: test failed`).
 */
export function applyJsonPatch(target: Json, operations: Json): Json {
  if (!Array.isArray(operations)) {
    throw new PatchError(
      `json: cannot unmarshal ${goJsonKind(operations)} into Go value of type jsonpatch.Patch`,
      400,
    );
  }
  let document = structuredClone(target);
  for (const [index, raw] of operations.entries()) {
    if (!isMap(raw)) throw new PatchError(`json patch operation ${index} is not an object`, 422);
    const operation = structuredClone(asKubernetesApplies(document, raw));
    try {
      document = fastJsonPatch.applyOperation(
        document,
        operation as fastJsonPatch.Operation,
        true,
        true,
        true,
        index,
      ).newDocument;
    } catch (error) {
      throw new PatchError(describeJsonPatchFailure(error, document, raw), 422);
    }
  }
  return document;
}

function goJsonKind(value: Json): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'object' : typeof value;
}

// ---- strategic merge patch: schemas ---------------------------------------------------------

/**
 * Patch metadata of one field (Go struct tags `patchStrategy`/`patchMergeKey`): `merge` is the
 * merge key of a list of objects, or `true` for a list of primitives merged as a set; `replace`
 * replaces a map wholesale; `of` describes the nested object or the list's elements. Fields not
 * listed merge recursively when they are objects and are replaced when they are lists.
 */
interface Field {
  readonly merge?: string | true;
  readonly replace?: true;
  readonly of?: Schema;
}
type Schema = Readonly<Record<string, Field>>;

const noSchema: Schema = {};
const byType: Field = { merge: 'type' };
const objectMeta: Schema = { finalizers: { merge: true }, ownerReferences: { merge: 'uid' } };
const container: Schema = {
  ports: { merge: 'containerPort' },
  env: { merge: 'name' },
  volumeMounts: { merge: 'mountPath' },
  volumeDevices: { merge: 'devicePath' },
};
const podSpec: Schema = {
  volumes: { merge: 'name' },
  initContainers: { merge: 'name', of: container },
  containers: { merge: 'name', of: container },
  ephemeralContainers: { merge: 'name', of: container },
  imagePullSecrets: { merge: 'name' },
  hostAliases: { merge: 'ip' },
  topologySpreadConstraints: { merge: 'topologyKey' },
  schedulingGates: { merge: 'name' },
  resourceClaims: { merge: 'name' },
};
const podTemplate: Field = { of: { metadata: { of: objectMeta }, spec: { of: podSpec } } };
const conditionsStatus: Field = { of: { conditions: byType } };

function kindSchema(rest: Schema): Schema {
  return { metadata: { of: objectMeta }, ...rest };
}

const workload = kindSchema({ spec: { of: { template: podTemplate } }, status: conditionsStatus });
const webhooks: Field = {
  merge: 'name',
  of: { matchConditions: { merge: 'name' } },
};

/** The built-in kinds whose fields carry patch strategies, keyed `group/Kind`. */
const rootSchemas: ReadonlyMap<string, Schema> = new Map<string, Schema>([
  [
    '/Pod',
    kindSchema({
      spec: { of: podSpec },
      status: {
        of: {
          conditions: byType,
          podIPs: { merge: 'ip' },
          hostIPs: { merge: 'ip' },
          resourceClaimStatuses: { merge: 'name' },
        },
      },
    }),
  ],
  ['/PodTemplate', kindSchema({ template: podTemplate })],
  ['/ReplicationController', workload],
  [
    '/Service',
    kindSchema({ spec: { of: { ports: { merge: 'port' } } }, status: conditionsStatus }),
  ],
  [
    '/Node',
    kindSchema({
      spec: { of: { podCIDRs: { merge: true } } },
      status: { of: { conditions: byType, addresses: byType } },
    }),
  ],
  ['/Namespace', kindSchema({ status: conditionsStatus })],
  ['/PersistentVolumeClaim', kindSchema({ status: conditionsStatus })],
  ['/ServiceAccount', kindSchema({ secrets: { merge: 'name' } })],
  ['apps/Deployment', workload],
  ['apps/StatefulSet', workload],
  ['apps/DaemonSet', workload],
  ['apps/ReplicaSet', workload],
  ['batch/Job', workload],
  [
    'batch/CronJob',
    kindSchema({
      spec: { of: { jobTemplate: { of: { spec: { of: { template: podTemplate } } } } } },
    }),
  ],
  ['autoscaling/HorizontalPodAutoscaler', kindSchema({ status: conditionsStatus })],
  [
    'policy/PodDisruptionBudget',
    kindSchema({ spec: { of: { selector: { replace: true } } }, status: conditionsStatus }),
  ],
  ['admissionregistration.k8s.io/ValidatingWebhookConfiguration', kindSchema({ webhooks })],
  ['admissionregistration.k8s.io/MutatingWebhookConfiguration', kindSchema({ webhooks })],
]);

/** API groups compiled into kube-apiserver (core is ''), i.e. those with Go types. */
const builtinGroups: ReadonlySet<string> = new Set([
  '',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'apiregistration.k8s.io',
  'apps',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'internal.apiserver.k8s.io',
  'networking.k8s.io',
  'node.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'resource.k8s.io',
  'scheduling.k8s.io',
  'storage.k8s.io',
  'storagemigration.k8s.io',
]);

/**
 * Whether `group` has built-in Go types, so strategic merge patch applies. False for custom
 * resources (e.g. `ray.io`), for which Kubernetes answers 415 UnsupportedMediaType.
 */
export function supportsStrategicMergePatch(group: string): boolean {
  return builtinGroups.has(group);
}

// ---- strategic merge patch: algorithm -------------------------------------------------------

const directiveMarker = '$patch';
const retainKeysDirective = '$retainKeys';
const deleteListPrefix = '$deleteFromPrimitiveList';
const setOrderPrefix = '$setElementOrder';

const badPrimitiveList = (): PatchError =>
  new PatchError('invalid patch format of primitive list', 400);
const badRetainKeys = (): PatchError => new PatchError('invalid patch format of retainKeys', 400);
const badSetOrder = (): PatchError =>
  new PatchError('invalid patch format of setElementOrder list', 400);

/** Go's `%v` of decoded JSON, used in Kubernetes' messages (`map[name:a port:80]`). */
function goFormat(value: Json): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(goFormat).join(' ')}]`;
  if (isMap(value)) {
    const keys = Object.keys(value).sort();
    return `map[${keys.map((key) => `${key}:${goFormat(value[key])}`).join(' ')}]`;
  }
  return String(value);
}

/** Go's reflect type name, for `expected a …, but received a …`. */
function goTypeName(value: Json): string {
  if (Array.isArray(value)) return '[]interface {}';
  if (isMap(value)) return 'map[string]interface {}';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int64' : 'float64';
  if (typeof value === 'boolean') return 'bool';
  return '%!s(<nil>)';
}

function badArgType(
  expected: '[]interface {}' | 'map[string]interface {}',
  actual: Json,
): PatchError {
  return new PatchError(`expected a ${expected}, but received a ${goTypeName(actual)}`, 500);
}

function noMergeKey(map: JsonMap, mergeKey: string): PatchError {
  return new PatchError(
    `map: ${goFormat(map)} does not contain declared merge key: ${mergeKey}`,
    500,
  );
}

function badPatchType(type: Json, map: JsonMap): PatchError {
  return new PatchError(`unknown patch type: ${String(type)} in map: ${goFormat(map)}`, 500);
}

/** `reflect.TypeOf` equality for decoded JSON. */
function jsonType(value: Json): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

function asList(value: Json): Json[] {
  if (!Array.isArray(value)) throw badArgType('[]interface {}', value);
  return value;
}

/** Drops maps carrying `$patch` (and the key/element holding them); `undefined` = drop. */
function removeDirectives(value: Json): Json {
  if (Array.isArray(value)) {
    return value.map(removeDirectives).filter((item) => item !== undefined);
  }
  if (!isMap(value)) return value;
  if (Object.hasOwn(value, directiveMarker)) return undefined;
  const result: JsonMap = {};
  for (const [key, item] of Object.entries(value)) {
    const kept = removeDirectives(item);
    if (kept !== undefined) setField(result, key, kept);
  }
  return result;
}

function discardNulls(value: Json): Json {
  if (Array.isArray(value)) return value.map(discardNulls);
  if (!isMap(value)) return value;
  const result: JsonMap = {};
  for (const [key, item] of Object.entries(value)) {
    if (item !== null) setField(result, key, discardNulls(item));
  }
  return result;
}

/** A patch value taken as is (no original to merge with): nulls and directives removed. */
function takePatchValue(original: JsonMap, key: string, value: Json): void {
  const kept = removeDirectives(discardNulls(value));
  if (kept === undefined) Reflect.deleteProperty(original, key);
  else setField(original, key, kept);
}

function extractKey(key: string, prefix: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    throw prefix === deleteListPrefix ? badPrimitiveList() : badSetOrder();
  }
  return key.slice(slash + 1);
}

function fieldOf(schema: Schema, key: string): Field {
  return Object.hasOwn(schema, key) ? (schema[key] ?? {}) : {};
}

function mergeKeyValue(item: Json, mergeKey: string): Json {
  return isMap(item) ? item[mergeKey] : undefined;
}

/** Index of `value` in `list`: by merge-key value for maps, by value for primitives. */
function indexIn(list: readonly Json[], value: Json, mergeKey: string, maps: boolean): number {
  const wanted = maps ? mergeKeyValue(value, mergeKey) : value;
  return list.findIndex((item) => (maps ? mergeKeyValue(item, mergeKey) : item) === wanted);
}

function findByMergeKey(list: readonly Json[], mergeKey: string, value: Json): number {
  for (const [index, item] of list.entries()) {
    if (!isMap(item)) throw new PatchError(`value for key ${index} is not a map`, 500);
    if (Object.hasOwn(item, mergeKey) && item[mergeKey] === value) return index;
  }
  return -1;
}

/** sliceElementType: all elements share one JSON type, which is not a list; undefined if empty. */
function elementType(...lists: readonly (readonly Json[])[]): string | undefined {
  let found: string | undefined;
  for (const list of lists) {
    for (const item of list) {
      const type = jsonType(item);
      if (found === undefined) {
        if (type === 'array') throw new PatchError('lists of lists are not supported', 422);
        found = type;
      } else if (type !== found) {
        throw new PatchError(
          `list element types are not identical: [${lists.map(goFormat).join(' ')}]`,
          500,
        );
      }
    }
  }
  return found;
}

function requireMergeKeys(mergeKey: string, ...lists: readonly (readonly Json[])[]): void {
  for (const list of lists) {
    for (const item of list) {
      if (!isMap(item)) throw badArgType('map[string]interface {}', item);
      if (!Object.hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
    }
  }
}

/** normalizeSliceOrder: stable sort by position in `order`; `$patch: delete` items go last. */
function sortByOrder(
  items: Json[],
  order: readonly Json[],
  mergeKey: string,
  maps: boolean,
): Json[] {
  let kept = items;
  let deleted: Json[] = [];
  if (maps) {
    requireMergeKeys(mergeKey, items, order);
    kept = items.filter((item) => !(isMap(item) && item[directiveMarker] === 'delete'));
    deleted = items.filter((item) => isMap(item) && item[directiveMarker] === 'delete');
  }
  const position = (item: Json): number => {
    const index = indexIn(order, item, mergeKey, maps);
    return index < 0 ? Number.MAX_SAFE_INTEGER : index;
  };
  return [...kept.sort((a, b) => position(a) - position(b)), ...deleted];
}

/**
 * normalizeElementOrder + mergeSortedSlice: patch items keep the patch's order, server-only
 * items keep the live order, and the two are interleaved following the live order.
 */
function normalizeElementOrder(
  patchItems: Json[],
  serverOnly: Json[],
  patchOrder: readonly Json[],
  serverOrder: readonly Json[],
  mergeKey: string,
  maps: boolean,
): Json[] {
  const right = sortByOrder(patchItems, patchOrder, mergeKey, maps);
  const left = sortByOrder(serverOnly, serverOrder, mergeKey, maps);
  const result: Json[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) result.push(right[j++]);
    else if (j >= right.length) result.push(left[i++]);
    else {
      const li = indexIn(serverOrder, left[i], mergeKey, maps);
      const ri = indexIn(serverOrder, right[j], mergeKey, maps);
      if (li >= 0 && ri >= 0 && li < ri) result.push(left[i++]);
      else result.push(right[j++]);
    }
  }
  return result;
}

/** Splits `merged` into items present in `by` (by merge key for maps) and the others. */
function partition(
  merged: readonly Json[],
  by: readonly Json[],
  mergeKey: string,
  maps: boolean,
): [Json[], Json[]] {
  const inBy: Json[] = [];
  const others: Json[] = [];
  for (const item of merged) {
    if (maps) {
      if (!isMap(item)) throw badArgType('map[string]interface {}', item);
      if (!Object.hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
      (findByMergeKey(by, mergeKey, item[mergeKey]) >= 0 ? inBy : others).push(item);
    } else {
      (by.includes(item) ? inBy : others).push(item);
    }
  }
  return [inBy, others];
}

/** mergeSliceWithSpecialElements: applies `$patch: delete|replace` list elements. */
function applyListDirectives(
  original: Json[],
  patch: readonly Json[],
  mergeKey: string,
): { original: Json[]; patch: Json[] } {
  let current = original;
  const plain: Json[] = [];
  let replace = false;
  for (const item of patch) {
    const map = item as JsonMap;
    if (!Object.hasOwn(map, directiveMarker)) {
      plain.push(item);
      continue;
    }
    const directive = map[directiveMarker];
    if (directive === 'delete') {
      if (!Object.hasOwn(map, mergeKey)) throw noMergeKey(map, mergeKey);
      const value = map[mergeKey];
      current = current.filter((entry, index) => {
        if (!isMap(entry)) throw new PatchError(`value for key ${index} is not a map`, 500);
        return !(Object.hasOwn(entry, mergeKey) && entry[mergeKey] === value);
      });
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      throw new PatchError('merging lists cannot yet be specified in the patch', 500);
    } else {
      throw badPatchType(directive, map);
    }
  }
  return replace ? { original: plain, patch: [] } : { original: current, patch: plain };
}

function mergeList(
  originalList: Json[],
  patchList: Json[],
  field: Field,
  isDeleteList: boolean,
  fieldName: string,
): Json[] {
  if (originalList.length === 0 && patchList.length === 0) return originalList;
  const maps = elementType(originalList, patchList) === 'object';
  const mergeKey = typeof field.merge === 'string' ? field.merge : '';
  let serverOrder = originalList;
  let patchOrder = patchList;
  let merged: Json[];
  if (!maps) {
    if (isDeleteList) return originalList.filter((item) => !patchList.includes(item));
    merged = [...new Set([...originalList, ...patchList])].map(discardNulls);
  } else {
    if (mergeKey === '') {
      throw new PatchError(`cannot merge lists without merge key for ${fieldName}`, 500);
    }
    ({ original: serverOrder, patch: patchOrder } = applyListDirectives(
      originalList,
      patchList,
      mergeKey,
    ));
    merged = [...serverOrder];
    for (const item of patchOrder) {
      const map = item as JsonMap;
      if (!Object.hasOwn(map, mergeKey)) throw noMergeKey(map, mergeKey);
      const index = findByMergeKey(merged, mergeKey, map[mergeKey]);
      if (index >= 0) merged[index] = mergeMap(merged[index] as JsonMap, map, field.of ?? noSchema);
      else merged.push(removeDirectives(discardNulls(map)));
    }
  }
  const [patchItems, serverOnly] = partition(merged, patchOrder, mergeKey, maps);
  return normalizeElementOrder(patchItems, serverOnly, patchOrder, serverOrder, mergeKey, maps);
}

/** applyRetainKeysDirective: keep only the listed keys of the original. */
function applyRetainKeys(original: JsonMap, patch: JsonMap): void {
  if (!Object.hasOwn(patch, retainKeysDirective)) return;
  const retained = patch[retainKeysDirective];
  Reflect.deleteProperty(patch, retainKeysDirective);
  if (!Array.isArray(retained)) throw badRetainKeys();
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || key.startsWith(deleteListPrefix) || key.startsWith(setOrderPrefix)) {
      continue;
    }
    if (!retained.includes(key)) throw badRetainKeys();
  }
  for (const key of Object.keys(original)) {
    if (!retained.includes(key)) Reflect.deleteProperty(original, key);
  }
}

/** validatePatchWithSetOrderList: the patch list must follow the `$setElementOrder` order. */
function checkSetOrder(patchList: readonly Json[], order: readonly Json[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  if (mergeKey !== '') {
    for (const item of patchList)
      if (!isMap(item)) throw badArgType('map[string]interface {}', item);
  }
  const kept =
    mergeKey === ''
      ? patchList
      : patchList.filter((item) => (item as JsonMap)[directiveMarker] !== 'delete');
  let p = 0;
  let s = 0;
  while (p < kept.length && s < order.length) {
    const item = kept[p];
    if (isMap(item) && Object.hasOwn(item, directiveMarker)) {
      p++;
      continue;
    }
    const wanted = order[s];
    let equal: boolean;
    if (mergeKey === '') {
      equal = item === wanted;
    } else {
      if (!isMap(wanted)) throw badArgType('map[string]interface {}', wanted);
      if (!isMap(item) || !Object.hasOwn(item, mergeKey))
        throw noMergeKey(item as JsonMap, mergeKey);
      if (!Object.hasOwn(wanted, mergeKey)) throw noMergeKey(wanted, mergeKey);
      equal = item[mergeKey] === wanted[mergeKey];
    }
    if (equal) p++;
    s++;
  }
  if (p < kept.length) {
    throw new PatchError(
      `The order in patch list:\n${goFormat(patchList)}\n doesn't match ${setOrderPrefix} list:\n${goFormat(order)}\n`,
      500,
    );
  }
}

/** mergePatchIntoOriginal: merges each list named by `$setElementOrder/<key>` in that order. */
function applySetElementOrder(original: JsonMap, patch: JsonMap, schema: Schema): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(setOrderPrefix)) continue;
    const order = patch[key];
    Reflect.deleteProperty(patch, key);
    if (!Array.isArray(order)) throw badArgType('[]interface {}', order);
    const listKey = extractKey(key, setOrderPrefix);
    const hasOriginal = Object.hasOwn(original, listKey);
    const hasPatch = Object.hasOwn(patch, listKey);
    const originalList = hasOriginal ? asList(original[listKey]) : [];
    const patchList = hasPatch ? asList(patch[listKey]) : [];
    const field = fieldOf(schema, listKey);
    const mergeKey = typeof field.merge === 'string' ? field.merge : '';
    checkSetOrder(patchList, order, mergeKey);
    let merged: Json[];
    if (hasOriginal && hasPatch) {
      merged =
        field.merge !== undefined
          ? mergeList(originalList, patchList, field, false, listKey)
          : (removeDirectives(discardNulls(patchList)) as Json[]);
    } else if (hasPatch) {
      merged = removeDirectives(patchList) as Json[];
    } else if (hasOriginal) {
      merged = originalList;
    } else {
      continue;
    }
    Reflect.deleteProperty(patch, listKey);
    const type = elementType(originalList, patchList);
    if (type === undefined) {
      setField(original, listKey, merged);
      continue;
    }
    const maps = type === 'object';
    const [patchItems, serverOnly] = partition(merged, order, mergeKey, maps);
    setField(
      original,
      listKey,
      normalizeElementOrder(patchItems, serverOnly, order, originalList, mergeKey, maps),
    );
  }
}

/** mergeMap: Kubernetes' server-side merge of `patch` into `original` (both already copies). */
function mergeMap(original: JsonMap, patch: JsonMap, schema: Schema): JsonMap {
  if (Object.hasOwn(patch, directiveMarker)) {
    const directive = patch[directiveMarker];
    if (directive === 'replace') {
      Reflect.deleteProperty(patch, directiveMarker);
      return removeDirectives(discardNulls(patch)) as JsonMap;
    }
    if (directive === 'delete') return {};
    throw badPatchType(directive, patch);
  }
  applyRetainKeys(original, patch);
  applySetElementOrder(original, patch, schema);

  // Deletion lists run after the merges, as they do after `$setElementOrder` merges.
  const keys = Object.keys(patch);
  const ordered = [
    ...keys.filter((key) => !key.startsWith(deleteListPrefix)),
    ...keys.filter((key) => key.startsWith(deleteListPrefix)),
  ];
  for (const rawKey of ordered) {
    const patchValue = patch[rawKey];
    const isDeleteList = rawKey.startsWith(deleteListPrefix);
    const key = isDeleteList ? extractKey(rawKey, deleteListPrefix) : rawKey;
    if (patchValue === null) {
      Reflect.deleteProperty(original, key);
      continue;
    }
    if (!Object.hasOwn(original, key) || jsonType(original[key]) !== jsonType(patchValue)) {
      if (!isDeleteList) takePatchValue(original, key, patchValue);
      continue;
    }
    const field = fieldOf(schema, key);
    const current = original[key];
    if (isMap(current)) {
      original[key] = field.replace
        ? (removeDirectives(discardNulls(patchValue)) as JsonMap)
        : mergeMap(current, patchValue as JsonMap, field.of ?? noSchema);
    } else if (Array.isArray(current)) {
      original[key] =
        field.merge !== undefined || isDeleteList
          ? mergeList(current, patchValue as Json[], field, isDeleteList, key)
          : removeDirectives(discardNulls(patchValue));
    } else {
      takePatchValue(original, key, patchValue);
    }
  }
  return original;
}

/**
 * Strategic merge patch of a built-in object, as kube-apiserver applies it (kubectl patch's
 * default, kubectl apply/edit/rollout/cordon): lists with a merge key merge element-wise
 * (containers by `name`, ports by `containerPort`, Service ports by `port`, conditions by
 * `type`, ownerReferences by `uid`; `finalizers` and Node `podCIDRs` as sets), other lists are
 * replaced, `null` deletes, and the directives `$patch: replace|delete` (maps and list
 * elements), `$retainKeys`, `$setElementOrder/<list>` and `$deleteFromPrimitiveList/<list>` are
 * honoured. `$patch: merge` is rejected, as in Kubernetes. A custom resource group throws
 * PatchError 415; malformed directives throw PatchError with Kubernetes' message.
 */
export function applyStrategicMergePatch(
  target: Json,
  patch: Json,
  gvk: { readonly group: string; readonly version: string; readonly kind: string },
): Json {
  if (!supportsStrategicMergePatch(gvk.group)) {
    throw new PatchError('strategic merge patch format is not supported', 415);
  }
  if (patch === null) return structuredClone(target);
  if (!isMap(patch)) {
    throw new PatchError(
      `json: cannot unmarshal ${goJsonKind(patch)} into Go value of type map[string]interface {}`,
      400,
    );
  }
  const schema = rootSchemas.get(`${gvk.group}/${gvk.kind}`) ?? kindSchema({});
  const original = isMap(target) ? structuredClone(target) : {};
  return mergeMap(original, structuredClone(patch), schema);
}
