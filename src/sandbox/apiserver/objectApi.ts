import { randomUUID } from 'node:crypto';

import { applyTypeOf } from './applyTypeOf.ts';
import {
  applyConfiguration,
  decodeManagedFields,
  encodeManagedFields,
  type FieldManagerScope,
  type ManagedFields,
  updateManagedFields,
} from './FieldManager.ts';
import { type FieldSelector, fieldValueOf, matchesFields } from './fieldSelector.ts';
import { FieldSet } from './FieldSet.ts';
import { type LabelSelector, matchesLabels } from './labelSelector.ts';
import { jsonEqual, metaOf, randomNameSuffix, specPart } from './objectMetaHelpers.ts';
import { validateObjectMetaName } from './objectNameValidation.ts';
import { objectKey, type ObjectStore, type StoredRecord } from './objectStore.ts';
import {
  applyJsonPatch,
  applyMergePatch,
  applyStrategicMergePatch,
  supportsStrategicMergePatch,
} from './patchObject.ts';
import type { ResourceRegistry } from './resourceRegistry.ts';
import { groupVersionOf, type KubeObject, type ResourceType } from './resourceType.ts';
import {
  alreadyExists,
  badRequest,
  conflict,
  forbidden,
  invalid,
  notFound,
  staleObjectMessage,
  type StatusCauseBody,
  StatusError,
  unsupportedMediaType,
} from './statusError.ts';
import { admitWithSchema, type FieldValidation } from './structuralSchema.ts';
import { sandboxAdmin, type UserInfo } from './userInfo.ts';

/** What an admission plugin sees; plugins run after defaulting and schema validation. */
export interface AdmissionRequest {
  operation: 'CREATE' | 'UPDATE' | 'DELETE';
  type: ResourceType;
  /** The object as it will be stored (storage form). For DELETE, the current object. */
  object: KubeObject;
  oldObject: KubeObject | undefined;
  subresource: string | undefined;
  user: UserInfo;
  dryRun: boolean;
}

/**
 * Admission: may return a changed object (mutating) or throw a {@link StatusError} (rejecting),
 * like the admission chain of a real API server (defaults, quota, KubeRay's webhook rules).
 */
export type AdmissionPlugin = (request: AdmissionRequest) => KubeObject | undefined;

/** Per-request options shared by writes. */
export interface WriteOptions {
  user?: UserInfo;
  /** `dryRun=All`: run everything, store nothing. */
  dryRun?: boolean;
  /** How unknown fields are treated: dropped silently, dropped with a warning, or rejected. */
  fieldValidation?: FieldValidation;
  /**
   * The field manager recorded in `metadata.managedFields` (HTTP writes always have one: the
   * `fieldManager` parameter or the User-Agent's prefix). Undefined: an in-process write, which
   * keeps the recorded managers as they are.
   */
  fieldManager?: string;
}

/** A write whose managers server-side apply has already worked out. */
interface ManagedWriteOptions extends WriteOptions {
  managed?: ManagedFields;
}

/** Options of a server-side apply (`PATCH` with `application/apply-patch+yaml`). */
export interface ApplyOptions extends WriteOptions {
  fieldManager: string;
  /** `force=true` (`kubectl apply --force-conflicts`): take over conflicting fields. */
  force?: boolean;
  subresource?: 'status';
}

/** A write's result: the object as served, and warnings for the `Warning` header. */
export interface WriteResult {
  object: KubeObject;
  warnings: string[];
}

/** Query of a list. */
export interface ListOptions {
  namespace?: string;
  labelSelector?: LabelSelector;
  fieldSelector?: FieldSelector;
  /** Page size; 0 or absent returns everything. */
  limit?: number;
  continueToken?: string;
}

/** A page of a list, objects in the served version. */
export interface ListResult {
  items: KubeObject[];
  /** The records behind `items`, for callers that reuse cached serialisations. */
  records: StoredRecord[];
  resourceVersion: string;
  continueToken?: string;
  remainingItemCount?: number;
}

/** `metav1.DeleteOptions` fields the sandbox honours. */
export interface DeleteOptions extends WriteOptions {
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** The three patch formats of `patch`; server-side apply is {@link ObjectApi.apply}. */
export type PatchType = 'merge' | 'json' | 'strategic';

/** Finalizers the garbage collector acts on for Foreground and Orphan deletion. */
export const foregroundDeletionFinalizer = 'foregroundDeletion';
export const orphanFinalizer = 'orphan';

/** Options for {@link ObjectApi}. */
export interface ObjectApiOptions {
  /** Wall clock for timestamps; the world's simulated clock in later controllers. */
  now?: () => Date;
  /**
   * Decides whether a delete removes the object at once or only marks it (graceful pod
   * deletion, which a kubelet completes). Default: always at once.
   */
  gracefulDeletion?: (
    type: ResourceType,
    object: KubeObject,
    gracePeriodSeconds?: number,
  ) => boolean;
}

/**
 * The verbs of the Kubernetes API over the store, with Kubernetes semantics: names and
 * generateName, uid, resourceVersion preconditions, generation, the spec/status split, CRD schema
 * pruning/defaulting/validation, admission, finalizers and deletion propagation. The HTTP layer
 * and in-process controllers both go through it, so they cannot disagree.
 */
export class ObjectApi {
  readonly store: ObjectStore;
  readonly registry: ResourceRegistry;
  private readonly admission: AdmissionPlugin[] = [];
  private readonly now: () => Date;
  private readonly gracefulDeletion: NonNullable<ObjectApiOptions['gracefulDeletion']>;

  constructor(store: ObjectStore, registry: ResourceRegistry, options: ObjectApiOptions = {}) {
    this.store = store;
    this.registry = registry;
    this.now = options.now ?? (() => new Date());
    this.gracefulDeletion = options.gracefulDeletion ?? (() => false);
  }

  /** Adds an admission plugin; plugins run in the order added. */
  addAdmissionPlugin(plugin: AdmissionPlugin): void {
    this.admission.push(plugin);
  }

  /** RFC 3339 timestamp with second precision, as metav1.Time serialises. */
  timestamp(): string {
    return this.now()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
  }

  /** The object in the served version of `type`, converting from storage when needed. */
  view(type: ResourceType, record: StoredRecord): KubeObject {
    return type.converter ? type.converter.fromStorage(record.object) : record.object;
  }

  /** The serialised object in the served version of `type`, cached per record and version. */
  serialize(type: ResourceType, record: StoredRecord): string {
    const viewKey = groupVersionOf(type);
    let json = record.serialized.get(viewKey);
    if (json === undefined) {
      json = JSON.stringify(this.view(type, record));
      record.serialized.set(viewKey, json);
    }
    return json;
  }

  getRecord(type: ResourceType, namespace: string | undefined, name: string): StoredRecord {
    const record = this.store.get(type.storageKey, objectKey(scopeOf(type, namespace), name));
    if (!record) throw notFound({ group: type.group, resource: type.plural, name });
    return record;
  }

  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    return this.view(type, this.getRecord(type, namespace, name));
  }

  /** Reads without throwing; `undefined` when absent. */
  find(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const record = this.store.get(type.storageKey, objectKey(scopeOf(type, namespace), name));
    return record && this.view(type, record);
  }

  list(type: ResourceType, options: ListOptions = {}): ListResult {
    const resourceVersion = String(this.store.resourceVersion);
    let records = this.store.list(type.storageKey, type.namespaced ? options.namespace : undefined);
    if (options.continueToken) {
      const start = decodeContinue(options.continueToken);
      const from = records.findIndex((record) => recordKey(record) > start);
      records = from < 0 ? [] : records.slice(from);
    }
    const matching = records.filter((record) => this.matches(type, record, options));
    const limit = options.limit && options.limit > 0 ? options.limit : undefined;
    const page = limit !== undefined ? matching.slice(0, limit) : matching;
    const last = page[page.length - 1];
    const more = limit !== undefined && matching.length > limit && last;
    return {
      items: page.map((record) => this.view(type, record)),
      records: page,
      resourceVersion,
      ...(more
        ? {
            continueToken: encodeContinue(recordKey(last)),
            remainingItemCount: matching.length - page.length,
          }
        : {}),
    };
  }

  /** Whether a stored record passes a list's or watch's namespace and selectors. */
  matches(
    type: ResourceType,
    record: StoredRecord,
    options: Pick<ListOptions, 'namespace' | 'labelSelector' | 'fieldSelector'>,
  ): boolean {
    const meta = metaOf(record.object);
    if (type.namespaced && options.namespace && meta.namespace !== options.namespace) return false;
    if (options.labelSelector && !matchesLabels(options.labelSelector, meta.labels)) return false;
    if (options.fieldSelector) {
      const object = this.view(type, record);
      if (!matchesFields(options.fieldSelector, (path) => fieldValueOf(object, path))) return false;
    }
    return true;
  }

  create(
    type: ResourceType,
    namespace: string | undefined,
    body: unknown,
    options: ManagedWriteOptions = {},
  ): WriteResult {
    const served = this.checkBody(type, body, namespace);
    const meta = { ...metaOf(served) };
    if (meta.resourceVersion) {
      throw badRequest('resourceVersion should not be set on objects to be created');
    }
    if (!meta.name) {
      if (!meta.generateName) {
        throw invalid(type.kind, type.group, '', [
          {
            field: 'metadata.name',
            reason: 'FieldValueRequired',
            message: 'Required value: name or generateName is required',
          },
        ]);
      }
      meta.name = `${meta.generateName}${randomNameSuffix()}`;
    }
    const name = meta.name;
    if (type.namespaced) this.checkNamespaceAcceptsContent(type, meta.namespace ?? '', name);

    const {
      deletionTimestamp: _d,
      deletionGracePeriodSeconds: _g,
      managedFields: _m,
      ...kept
    } = meta;
    let object: KubeObject = toStorage(type, {
      ...served,
      metadata: { ...kept, uid: randomUUID(), generation: 1, creationTimestamp: this.timestamp() },
    });
    if (type.subresources.includes('status') && type.schema) delete object.status;

    const warnings: string[] = [];
    object = this.validate(type, object, undefined, options, warnings);
    const managed =
      options.managed ??
      (options.fieldManager === undefined
        ? undefined
        : updateManagedFields(
            undefined,
            object,
            new Map(),
            options.fieldManager,
            this.fieldManagerScope(type, undefined),
          ));
    object = this.admit({
      operation: 'CREATE',
      type,
      object,
      oldObject: undefined,
      options,
      subresource: undefined,
    });
    if (managed) object = withManagedFields(object, managed);

    const key = objectKey(metaOf(object).namespace, name);
    if (this.store.get(type.storageKey, key)) {
      throw alreadyExists({ group: type.group, resource: type.plural, name });
    }
    if (options.dryRun) return { object: fromStorage(type, withoutVersion(object)), warnings };
    const record = this.store.put(type.storageKey, key, object);
    return { object: this.view(type, record), warnings };
  }

  update(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    body: unknown,
    options: WriteOptions & { subresource?: 'status' } = {},
  ): WriteResult {
    const served = this.checkBody(type, body, namespace);
    const bodyName = metaOf(served).name;
    if (bodyName && bodyName !== name) {
      throw badRequest(
        `the name of the object (${bodyName}) does not match the name on the URL (${name})`,
      );
    }
    const current = this.getRecord(type, namespace, name);
    const requestedVersion = metaOf(served).resourceVersion;
    // Built-in kinds allow unconditional updates (their strategies' AllowUnconditionalUpdate,
    // used by Helm's release Secrets); custom resources require a resourceVersion.
    if (!requestedVersion && type.schema) {
      throw invalid(type.kind, type.group, name, [
        {
          field: 'metadata.resourceVersion',
          reason: 'FieldValueInvalid',
          message: 'Invalid value: 0x0: must be specified for an update',
        },
      ]);
    }
    if (requestedVersion && requestedVersion !== String(current.resourceVersion)) {
      throw conflict({ group: type.group, resource: type.plural, name }, staleObjectMessage);
    }
    return this.writeUpdate(type, current, toStorage(type, served), options);
  }

  patch(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    patchType: PatchType,
    patchBody: unknown,
    options: WriteOptions & { subresource?: 'status' } = {},
  ): WriteResult {
    const current = this.getRecord(type, namespace, name);
    const before = this.view(type, current);
    let patched: unknown;
    if (patchType === 'strategic') {
      if (!supportsStrategicMergePatch(type.group)) {
        throw unsupportedMediaType(
          `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`,
        );
      }
      patched = applyStrategicMergePatch(before, patchBody, {
        group: type.group,
        version: type.version,
        kind: type.kind,
      });
    } else if (patchType === 'json') {
      patched = applyJsonPatch(before, patchBody);
    } else {
      patched = applyMergePatch(before, patchBody);
    }
    const served = this.checkBody(type, patched, namespace);
    const requestedVersion = metaOf(served).resourceVersion;
    if (requestedVersion && requestedVersion !== String(current.resourceVersion)) {
      throw conflict({ group: type.group, resource: type.plural, name }, staleObjectMessage);
    }
    if (metaOf(served).name !== name) {
      throw badRequest(
        `the name of the object (${String(metaOf(served).name)}) does not match the name on the URL (${name})`,
      );
    }
    return this.writeUpdate(type, current, toStorage(type, served), options);
  }

  delete(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions = {},
  ): { object: KubeObject; deleted: boolean } {
    const current = this.getRecord(type, namespace, name);
    const meta = metaOf(current.object);
    const target = { group: type.group, resource: type.plural, name };
    if (options.preconditions?.uid && options.preconditions.uid !== meta.uid) {
      throw conflict(
        target,
        `Precondition failed: UID in precondition: ${options.preconditions.uid}, UID in object meta: ${meta.uid ?? ''}`,
      );
    }
    if (
      options.preconditions?.resourceVersion &&
      options.preconditions.resourceVersion !== meta.resourceVersion
    ) {
      throw conflict(
        target,
        `Precondition failed: ResourceVersion in precondition: ${options.preconditions.resourceVersion}, ResourceVersion in object meta: ${meta.resourceVersion ?? ''}`,
      );
    }
    this.admit({
      operation: 'DELETE',
      type,
      object: current.object,
      oldObject: current.object,
      options,
      subresource: undefined,
    });

    const finalizers = [...(meta.finalizers ?? [])];
    const policy = options.propagationPolicy;
    if (policy === 'Foreground' && !finalizers.includes(foregroundDeletionFinalizer)) {
      finalizers.push(foregroundDeletionFinalizer);
    }
    if (policy === 'Orphan' && !finalizers.includes(orphanFinalizer))
      finalizers.push(orphanFinalizer);
    // A namespace with spec.finalizers is only marked: the namespace controller empties it first.
    const namespaceFinalizers =
      type.kind === 'Namespace' && !type.group
        ? ((current.object['spec'] as { finalizers?: string[] } | undefined)?.finalizers ?? [])
        : [];
    const graceful =
      namespaceFinalizers.length > 0 ||
      this.gracefulDeletion(type, current.object, options.gracePeriodSeconds);

    if (finalizers.length === 0 && !graceful) {
      if (options.dryRun) return { object: this.view(type, current), deleted: true };
      const removed = this.store.remove(type.storageKey, objectKey(meta.namespace, name));
      return { object: this.view(type, removed ?? current), deleted: true };
    }
    if (meta.deletionTimestamp && jsonEqual(finalizers, meta.finalizers ?? [])) {
      return { object: this.view(type, current), deleted: false };
    }
    const marked: KubeObject = {
      ...current.object,
      metadata: {
        ...meta,
        finalizers: finalizers.length > 0 ? finalizers : undefined,
        deletionTimestamp: meta.deletionTimestamp ?? this.timestamp(),
        deletionGracePeriodSeconds:
          graceful && namespaceFinalizers.length === 0
            ? (options.gracePeriodSeconds ??
              (current.object['spec'] as { terminationGracePeriodSeconds?: number } | undefined)
                ?.terminationGracePeriodSeconds ??
              30)
            : 0,
      },
    };
    if (options.dryRun) return { object: fromStorage(type, marked), deleted: false };
    const record = this.store.put(type.storageKey, objectKey(meta.namespace, name), marked);
    return { object: this.view(type, record), deleted: false };
  }

  /** Removes an object that is marked for deletion, once nothing holds it (kubelet, GC). */
  finishDeletion(type: ResourceType, namespace: string | undefined, name: string): void {
    this.store.remove(type.storageKey, objectKey(scopeOf(type, namespace), name));
  }

  private writeUpdate(
    type: ResourceType,
    current: StoredRecord,
    incoming: KubeObject,
    options: ManagedWriteOptions & { subresource?: 'status' },
  ): WriteResult {
    const old = current.object;
    const oldMeta = metaOf(old);
    const incomingMeta = metaOf(incoming);
    const hasStatus = type.subresources.includes('status');
    let next: KubeObject;
    if (options.subresource === 'status') {
      // The status subresource changes status only; everything else keeps its stored value.
      next = { ...old, status: incoming.status };
      if (incoming.status === undefined) delete next.status;
    } else {
      next = { ...incoming };
      if (hasStatus) {
        if (old.status === undefined) delete next.status;
        else next.status = old.status;
      }
      const { resourceVersion: _r, ...incomingRest } = incomingMeta;
      next.metadata = {
        ...incomingRest,
        name: oldMeta.name,
        namespace: oldMeta.namespace,
        uid: oldMeta.uid,
        creationTimestamp: oldMeta.creationTimestamp,
        generation: oldMeta.generation,
        deletionTimestamp: oldMeta.deletionTimestamp,
        deletionGracePeriodSeconds: oldMeta.deletionGracePeriodSeconds,
      };
      if (oldMeta.deletionTimestamp) {
        // Once deleting, finalizers may only be removed, never added.
        next.metadata.finalizers = (incomingMeta.finalizers ?? []).filter((finalizer) =>
          (oldMeta.finalizers ?? []).includes(finalizer),
        );
      }
      // Drop unset deletion fields, an emptied finalizer list and managed fields.
      const {
        deletionTimestamp,
        deletionGracePeriodSeconds,
        finalizers,
        managedFields: _managedFields,
        ...restMeta
      } = next.metadata;
      next.metadata = {
        ...restMeta,
        ...(deletionTimestamp !== undefined ? { deletionTimestamp } : {}),
        ...(deletionGracePeriodSeconds !== undefined ? { deletionGracePeriodSeconds } : {}),
        ...(finalizers && finalizers.length > 0 ? { finalizers } : {}),
      };
    }

    const warnings: string[] = [];
    next = this.validate(type, next, old, options, warnings);
    const managed = this.managedAfterUpdate(type, old, incomingMeta.managedFields, next, options);
    next = this.admit({
      operation: 'UPDATE',
      type,
      object: next,
      oldObject: old,
      options,
      subresource: options.subresource,
    });
    // An in-process write keeps the recorded managers exactly as stored.
    next = managed
      ? withManagedFields(next, managed)
      : { ...next, metadata: { ...metaOf(next), managedFields: oldMeta.managedFields } };
    if (metaOf(next).managedFields === undefined) delete next.metadata?.managedFields;
    if (!jsonEqual(specPart(next), specPart(old))) {
      next = { ...next, metadata: { ...metaOf(next), generation: (oldMeta.generation ?? 1) + 1 } };
    }
    const unchanged = jsonEqual(
      { ...next, metadata: { ...metaOf(next), resourceVersion: undefined } },
      {
        ...old,
        metadata: { ...oldMeta, resourceVersion: undefined },
      },
    );
    if (unchanged || options.dryRun) {
      return { object: unchanged ? this.view(type, current) : fromStorage(type, next), warnings };
    }
    const key = objectKey(oldMeta.namespace, oldMeta.name ?? '');
    const nextMeta = metaOf(next);
    // Removing the last finalizer of an object marked for deletion completes the deletion.
    const lastFinalizerRemoved =
      (oldMeta.finalizers ?? []).length > 0 && (nextMeta.finalizers ?? []).length === 0;
    if (
      nextMeta.deletionTimestamp &&
      lastFinalizerRemoved &&
      !nextMeta.deletionGracePeriodSeconds
    ) {
      const removed = this.store.remove(type.storageKey, key);
      return { object: this.view(type, removed ?? current), warnings };
    }
    const record = this.store.put(type.storageKey, key, next);
    return { object: this.view(type, record), warnings };
  }

  /**
   * Server-side apply: merges `body` (the applied configuration) into the object as
   * `options.fieldManager`, creating it when it does not exist (`created`). Conflicts with other
   * managers are 409 unless `force`.
   */
  apply(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    body: unknown,
    options: ApplyOptions,
  ): WriteResult & { created: boolean } {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw badRequest(`the body of the request must be a ${type.kind} object`);
    }
    const apiVersion = groupVersionOf(type);
    const applied = body as KubeObject;
    if (applied.apiVersion !== apiVersion) {
      throw badRequest(
        `Incorrect version specified in apply patch. Specified patch version: ${String(applied.apiVersion ?? '')}, expected: ${apiVersion}`,
      );
    }
    const config = this.checkBody(type, applied, namespace);
    const configName = metaOf(config).name;
    if (configName !== name) {
      throw badRequest(
        `the name of the object (${String(configName ?? '')}) does not match the name on the URL (${name})`,
      );
    }
    const scope = this.fieldManagerScope(type, options.subresource);
    const current = this.store.get(type.storageKey, objectKey(scopeOf(type, namespace), name));
    if (!current) {
      if (options.subresource) throw notFound({ group: type.group, resource: type.plural, name });
      const result = applyConfiguration(
        { apiVersion, kind: type.kind },
        config,
        new Map(),
        options.fieldManager,
        options.force ?? false,
        scope,
        true,
      );
      const created = this.create(type, namespace, result.object, {
        ...options,
        managed: result.managed,
      });
      return { ...created, created: true };
    }
    const live = this.view(type, current);
    const requestedVersion = metaOf(config).resourceVersion;
    if (requestedVersion && requestedVersion !== String(current.resourceVersion)) {
      throw conflict({ group: type.group, resource: type.plural, name }, staleObjectMessage);
    }
    let managed: ManagedFields;
    try {
      managed = decodeManagedFields(metaOf(live).managedFields);
    } catch {
      managed = new Map();
    }
    const result = applyConfiguration(
      live,
      config,
      managed,
      options.fieldManager,
      options.force ?? false,
      scope,
      false,
    );
    const updated = this.writeUpdate(type, current, toStorage(type, result.object), {
      ...options,
      managed: result.managed,
    });
    return { ...updated, created: false };
  }

  /** What a field-manager operation on `type` (or its `status`) needs to know. */
  private fieldManagerScope(
    type: ResourceType,
    subresource: string | undefined,
  ): FieldManagerScope {
    const apiVersion = groupVersionOf(type);
    // Reset fields: a status write owns no spec, a main-resource write no status.
    const ignored =
      subresource === 'status'
        ? FieldSet.of([['f:spec']])
        : type.subresources.includes('status')
          ? FieldSet.of([['f:status']])
          : new FieldSet();
    // A Go type always serialises its spec and status structs; a custom resource starts empty.
    const emptyObject: KubeObject = type.schema
      ? { apiVersion, kind: type.kind }
      : { apiVersion, kind: type.kind, metadata: {}, spec: {}, status: {} };
    return {
      type: applyTypeOf(type),
      apiVersion,
      subresource,
      ignored,
      now: this.timestamp(),
      emptyObject,
    };
  }

  /**
   * Managers after an update: those apply worked out; else, for a write with a field manager,
   * the request's own `managedFields` when it sends valid ones (`[{}]` clears them), or the
   * stored ones, updated with what the write changed; undefined for an in-process write, which
   * keeps them.
   */
  private managedAfterUpdate(
    type: ResourceType,
    old: KubeObject,
    requested: unknown,
    next: KubeObject,
    options: ManagedWriteOptions & { subresource?: 'status' },
  ): ManagedFields | undefined {
    if (options.managed) return options.managed;
    if (options.fieldManager === undefined) return undefined;
    const stored = (): ManagedFields => {
      try {
        return decodeManagedFields(metaOf(old).managedFields);
      } catch {
        return new Map();
      }
    };
    if (
      !options.subresource &&
      Array.isArray(requested) &&
      requested.length === 1 &&
      jsonEqual(requested[0], {})
    ) {
      return new Map();
    }
    let base: ManagedFields | undefined;
    if (!options.subresource && Array.isArray(requested) && requested.length > 0) {
      try {
        base = decodeManagedFields(requested);
      } catch {
        base = undefined;
      }
    }
    return updateManagedFields(
      old,
      next,
      base && base.size > 0 ? base : stored(),
      options.fieldManager,
      this.fieldManagerScope(type, options.subresource),
    );
  }

  /** Name rules, then the CRD's structural schema (prune, default, validate). */
  private validate(
    type: ResourceType,
    object: KubeObject,
    old: KubeObject | undefined,
    options: WriteOptions,
    warnings: string[],
  ): KubeObject {
    const name = metaOf(object).name ?? '';
    const causes: StatusCauseBody[] = old
      ? []
      : validateObjectMetaName(type.kind, name, type.nameRule);
    let result = object;
    if (type.schema) {
      const admitted = admitWithSchema(type.schema, object, {
        fieldValidation: options.fieldValidation ?? 'Ignore',
        ...(old ? { oldObject: old } : {}),
      });
      if (admitted.unknownFields.length > 0) {
        const texts = admitted.unknownFields.map((field) => `unknown field "${field}"`);
        if (options.fieldValidation === 'Strict') {
          throw badRequest(`strict decoding error: ${texts.join(', ')}`);
        }
        if (options.fieldValidation === 'Warn') warnings.push(...texts);
      }
      causes.push(...admitted.causes);
      result = admitted.object as KubeObject;
    }
    if (causes.length > 0) throw invalid(type.kind, type.group, name, causes);
    return result;
  }

  private admit(input: {
    operation: AdmissionRequest['operation'];
    type: ResourceType;
    object: KubeObject;
    oldObject: KubeObject | undefined;
    options: WriteOptions;
    subresource: string | undefined;
  }): KubeObject {
    let object = input.object;
    for (const plugin of this.admission) {
      const changed = plugin({
        operation: input.operation,
        type: input.type,
        object,
        oldObject: input.oldObject,
        subresource: input.subresource,
        user: input.options.user ?? sandboxAdmin,
        dryRun: input.options.dryRun ?? false,
      });
      if (changed) object = changed;
    }
    return object;
  }

  /** The body must be a JSON object of this type, in this namespace. */
  private checkBody(type: ResourceType, body: unknown, namespace: string | undefined): KubeObject {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw badRequest(`the body of the request must be a ${type.kind} object`);
    }
    const object = body as KubeObject;
    const apiVersion = groupVersionOf(type);
    if (object.apiVersion !== undefined && object.apiVersion !== apiVersion) {
      throw badRequest(
        `the API version in the data (${String(object.apiVersion)}) does not match the expected API version (${apiVersion})`,
      );
    }
    if (object.kind !== undefined && object.kind !== type.kind) {
      throw badRequest(
        `the kind in the data (${String(object.kind)}) does not match the expected kind (${type.kind})`,
      );
    }
    const meta = { ...metaOf(object) };
    if (type.namespaced) {
      if (meta.namespace && namespace && meta.namespace !== namespace) {
        throw badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      meta.namespace = meta.namespace || namespace;
      if (!meta.namespace)
        throw badRequest('the server could not find the requested resource: namespace is required');
    } else {
      delete meta.namespace;
    }
    return { ...object, apiVersion, kind: type.kind, metadata: meta };
  }

  private checkNamespaceAcceptsContent(type: ResourceType, namespace: string, name: string): void {
    const record = this.store.get('/namespaces', namespace);
    if (!record) throw notFound({ group: '', resource: 'namespaces', name: namespace });
    if (metaOf(record.object).deletionTimestamp) {
      throw forbidden(
        { group: type.group, resource: type.plural, name },
        `${type.plural}${type.group ? `.${type.group}` : ''} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
      );
    }
  }
}

function scopeOf(type: ResourceType, namespace: string | undefined): string | undefined {
  return type.namespaced ? namespace : undefined;
}

function toStorage(type: ResourceType, object: KubeObject): KubeObject {
  return type.converter ? type.converter.toStorage(object) : object;
}

function fromStorage(type: ResourceType, object: KubeObject): KubeObject {
  return type.converter ? type.converter.fromStorage(object) : object;
}

/** The object with its managers as `metadata.managedFields` (none: the field is left out). */
function withManagedFields(object: KubeObject, managed: ManagedFields): KubeObject {
  const { managedFields: _old, ...meta } = metaOf(object);
  const entries = encodeManagedFields(managed);
  return { ...object, metadata: entries ? { ...meta, managedFields: entries } : meta };
}

function withoutVersion(object: KubeObject): KubeObject {
  const { resourceVersion: _r, ...meta } = metaOf(object);
  return { ...object, metadata: meta };
}

function recordKey(record: StoredRecord): string {
  const meta = metaOf(record.object);
  return objectKey(meta.namespace, meta.name ?? '');
}

function encodeContinue(lastKey: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', start: lastKey })).toString('base64url');
}

function decodeContinue(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      start?: unknown;
    };
    if (typeof parsed.start === 'string') return parsed.start;
  } catch {
    // Fall through to the error below.
  }
  throw new StatusError(
    400,
    'BadRequest',
    'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
  );
}
