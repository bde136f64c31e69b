import type { ObjectApi } from '../../apiserver/objectApi.ts';
import type { KubeObject, ResourceType } from '../../apiserver/resourceType.ts';
import { StatusError } from '../../apiserver/statusError.ts';
import type { WorldContext } from '../../world/worldContext.ts';
import type { KubeRayIndex } from './KubeRayIndex.ts';
import type { RayHeadRegistry } from './RayHeadRegistry.ts';
import type { FeatureGates } from './resolveFeatureGates.ts';

/** The kinds the operator reads and writes, by short name. */
const kindPaths = {
  rayClusters: ['ray.io', 'rayclusters'],
  rayJobs: ['ray.io', 'rayjobs'],
  rayServices: ['ray.io', 'rayservices'],
  rayCronJobs: ['ray.io', 'raycronjobs'],
  pods: ['', 'pods'],
  services: ['', 'services'],
  endpoints: ['', 'endpoints'],
  secrets: ['', 'secrets'],
  serviceAccounts: ['', 'serviceaccounts'],
  nodes: ['', 'nodes'],
  jobs: ['batch', 'jobs'],
  ingresses: ['networking.k8s.io', 'ingresses'],
  roles: ['rbac.authorization.k8s.io', 'roles'],
  roleBindings: ['rbac.authorization.k8s.io', 'rolebindings'],
} as const;

/** A kind the operator works with. */
export type OperatorKind = keyof typeof kindPaths;

/** `Normal` or `Warning`, as on events. */
export type EventType = 'Normal' | 'Warning';

/**
 * What the simulated KubeRay controllers share: the in-process API (the only way they act), the
 * simulated clock, the event recorder, the informer index, the Ray heads and the feature gates.
 */
export class KubeRayRuntime {
  readonly context: WorldContext;
  readonly api: ObjectApi;
  readonly index: KubeRayIndex;
  readonly heads: RayHeadRegistry;
  readonly gates: FeatureGates;

  constructor(input: {
    context: WorldContext;
    index: KubeRayIndex;
    heads: RayHeadRegistry;
    gates: FeatureGates;
  }) {
    this.context = input.context;
    this.api = input.context.api;
    this.index = input.index;
    this.heads = input.heads;
    this.gates = input.gates;
  }

  /** The served type of a kind; throws when it is not served (a CRD missing). */
  type(kind: OperatorKind): ResourceType {
    const [group, plural] = kindPaths[kind];
    const type = this.api.registry.lookup(group, 'v1', plural);
    if (!type) throw new Error(`${plural}${group ? `.${group}` : ''}/v1 is not served`);
    return type;
  }

  /** The served type of a kind, or undefined (for optional kinds such as ingresses). */
  findType(kind: OperatorKind): ResourceType | undefined {
    const [group, plural] = kindPaths[kind];
    return this.api.registry.lookup(group, 'v1', plural);
  }

  /** Reads an object; undefined when absent. */
  find<T extends KubeObject = KubeObject>(
    kind: OperatorKind,
    namespace: string | undefined,
    name: string,
  ): T | undefined {
    const type = this.findType(kind);
    return type ? (this.api.find(type, namespace, name) as T | undefined) : undefined;
  }

  /** Simulated now, in epoch ms. */
  nowMs(): number {
    return this.context.clock.now();
  }

  /** Simulated now as metav1.Time (RFC 3339, second precision). */
  now(): string {
    return timestampOf(this.nowMs());
  }

  /** Records an event about `regarding` from `controller` (e.g. `raycluster-controller`). */
  event(
    controller: string,
    regarding: KubeObject,
    type: EventType,
    reason: string,
    note: string,
    action: string,
  ): void {
    this.context.events.record({
      regarding,
      type,
      reason,
      note,
      reportingController: controller,
      action,
    });
  }

  /** Creates an object; returns the created object, or rethrows the API error. */
  create<T extends KubeObject = KubeObject>(kind: OperatorKind, object: KubeObject): T {
    return this.api.create(this.type(kind), object.metadata?.namespace, object).object as T;
  }

  /** Creates an object unless one of that name exists; AlreadyExists is not an error. */
  createIfMissing(
    kind: OperatorKind,
    object: KubeObject,
  ): { created: boolean; object: KubeObject } {
    const existing = this.find(kind, object.metadata?.namespace, object.metadata?.name ?? '');
    if (existing) return { created: false, object: existing };
    try {
      return { created: true, object: this.create(kind, object) };
    } catch (error) {
      if (error instanceof StatusError && error.reason === 'AlreadyExists') {
        return { created: false, object };
      }
      throw error;
    }
  }

  /** Deletes an object; NotFound is not an error. Returns whether it existed. */
  delete(
    kind: OperatorKind,
    namespace: string | undefined,
    name: string,
    propagationPolicy?: 'Background' | 'Foreground' | 'Orphan',
  ): boolean {
    try {
      this.api.delete(
        this.type(kind),
        namespace,
        name,
        propagationPolicy ? { propagationPolicy } : {},
      );
      return true;
    } catch (error) {
      if (error instanceof StatusError && error.code === 404) return false;
      throw error;
    }
  }

  /** Writes `status` through the status subresource of the object's current version. */
  writeStatus<T extends KubeObject>(kind: OperatorKind, object: T, status: unknown): T {
    const meta = object.metadata ?? {};
    return this.api.update(
      this.type(kind),
      meta.namespace,
      meta.name ?? '',
      { ...object, status },
      { subresource: 'status' },
    ).object as T;
  }

  /** JSON merge patch of the main resource. */
  mergePatch<T extends KubeObject = KubeObject>(
    kind: OperatorKind,
    object: KubeObject,
    patch: unknown,
  ): T {
    const meta = object.metadata ?? {};
    return this.api.patch(this.type(kind), meta.namespace, meta.name ?? '', 'merge', patch)
      .object as T;
  }

  /** Replaces the main resource (optimistic concurrency on its resourceVersion). */
  update<T extends KubeObject = KubeObject>(kind: OperatorKind, object: T): T {
    const meta = object.metadata ?? {};
    return this.api.update(this.type(kind), meta.namespace, meta.name ?? '', object).object as T;
  }
}

/** metav1.Time of epoch ms: RFC 3339 with second precision. */
export function timestampOf(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The message of an API error (Kubernetes' `err.Error()`), or the error's text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
