import type {
  KubeEventResource,
  KubeObjectMeta,
  NodeResource,
  PodResource,
  ResourceQuotaResource,
  ServiceResource,
} from '../../shared/k8s/kubeTypes.ts';
import type {
  RayClusterResource,
  RayJobResource,
  RayServiceResource,
} from '../../shared/ray/rayTypes.ts';
import { slimNonRayPod, slimRayCluster } from './slimObjects.ts';

/** Any Kubernetes object as JSON: what every kind below has in common. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: KubeObjectMeta;
}

/** A core/v1 ConfigMap (Raydeck's templates are ConfigMaps). */
export interface ConfigMapResource {
  apiVersion?: string;
  kind?: string;
  metadata: KubeObjectMeta;
  data?: Record<string, string>;
}

/** A core/v1 Namespace (a team is a namespace). */
export interface NamespaceResource {
  apiVersion?: string;
  kind?: string;
  metadata: KubeObjectMeta;
  status?: { phase?: string };
}

/** A core/v1 PersistentVolumeClaim, read only to check that a volume's claim exists. */
export interface PersistentVolumeClaimResource {
  apiVersion?: string;
  kind?: string;
  metadata: KubeObjectMeta;
  status?: { phase?: string };
}

/** The TypeScript type of every Kubernetes kind the portal touches, by kind. */
export interface KubeKindTypes {
  RayCluster: RayClusterResource;
  RayJob: RayJobResource;
  RayService: RayServiceResource;
  Pod: PodResource;
  Node: NodeResource;
  Event: KubeEventResource;
  ConfigMap: ConfigMapResource;
  ResourceQuota: ResourceQuotaResource;
  Namespace: NamespaceResource;
  PersistentVolumeClaim: PersistentVolumeClaimResource;
  Service: ServiceResource;
}

/** A kind the portal touches. */
export type KubeKind = keyof KubeKindTypes;

/** An RBAC verb (`kubectl auth can-i` vocabulary). */
export type KubeVerb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';

/** Label of the ConfigMaps holding compute templates (KubeRay APIServer layout). */
export const templateLabelSelector = 'ray.io/config-type=compute-template';

/** One kind: where it is served, what the portal does with it, and whether it is cached. */
export interface KubeKindSpec<K extends KubeKind> {
  kind: K;
  /** API group, `''` for core. */
  group: string;
  version: string;
  /** Resource name in URLs and RBAC rules, e.g. `rayclusters`. */
  plural: string;
  namespaced: boolean;
  /** Verbs the portal needs in every namespace (cluster-wide for cluster-scoped kinds). */
  verbs: readonly KubeVerb[];
  /**
   * Verbs the portal needs only in its templates namespace (Raydeck's own namespace in the
   * deploy kit, granted by a RoleBinding there rather than cluster-wide).
   */
  templatesNamespaceVerbs?: readonly KubeVerb[];
  /** Subresources the portal uses, with their verbs, e.g. `{ proxy: ['get', …] }`. */
  subresources?: Readonly<Record<string, readonly KubeVerb[]>>;
  /**
   * True when a KubeRay APIServer v2 forwards this kind's paths (`--apiserver-url`): only
   * `/apis/ray.io/v1/…` and the proxy of KubeRay's Services. Core events are not (it forwards
   * only events.k8s.io events of ray.io objects, per namespace), nor pods, nodes, ConfigMaps or
   * quotas: their informers are not started in that mode.
   */
  throughKubeRayApiServer?: boolean;
  /**
   * Present for kinds kept in the watch-fed cache: one informer lists and watches the kind (per
   * namespace when the portal is limited to some), with these selectors and this projection.
   */
  informer?: {
    labelSelector?: string;
    /** Shrinks each object before it is cached (default: keep it as received). */
    transform?: (object: KubeKindTypes[K]) => KubeKindTypes[K];
  };
}

/**
 * Every Kubernetes kind and verb the portal uses: the one source for the informers and typed
 * cache (KubeCache), the request paths of KubeClient, and the deploy kit's RBAC, which
 * test/deploy checks against it (both by rule comparison and by SubjectAccessReview). A kind or
 * verb used anywhere in src/server must be added here first.
 */
export const kubeKinds = {
  RayCluster: {
    kind: 'RayCluster',
    throughKubeRayApiServer: true,
    group: 'ray.io',
    version: 'v1',
    plural: 'rayclusters',
    namespaced: true,
    // get: the detail page's full object; patch: scale and suspend/resume.
    verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'],
    informer: { transform: slimRayCluster },
  },
  RayJob: {
    kind: 'RayJob',
    throughKubeRayApiServer: true,
    group: 'ray.io',
    version: 'v1',
    plural: 'rayjobs',
    namespaced: true,
    // create/delete: jobs submitted as RayJobs from a template, and deleted (JobService).
    verbs: ['list', 'watch', 'create', 'delete'],
    informer: {},
  },
  RayService: {
    kind: 'RayService',
    throughKubeRayApiServer: true,
    group: 'ray.io',
    version: 'v1',
    plural: 'rayservices',
    namespaced: true,
    // get: the detail's fresh read; create (with dryRun=All first), patch (Serve config and
    // cluster upgrades) and delete: the Services pages (issue 14).
    verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'],
    informer: {},
  },
  Pod: {
    kind: 'Pod',
    group: '',
    version: 'v1',
    plural: 'pods',
    namespaced: true,
    verbs: ['list', 'watch'],
    informer: { transform: slimNonRayPod },
  },
  Node: {
    kind: 'Node',
    group: '',
    version: 'v1',
    plural: 'nodes',
    namespaced: false,
    verbs: ['list', 'watch'],
    informer: {},
  },
  Event: {
    kind: 'Event',
    group: '',
    version: 'v1',
    plural: 'events',
    namespaced: true,
    verbs: ['list', 'watch'],
    informer: {},
  },
  ConfigMap: {
    kind: 'ConfigMap',
    group: '',
    version: 'v1',
    plural: 'configmaps',
    namespaced: true,
    // The informer lists template ConfigMaps in every namespace (RBAC cannot filter by label).
    verbs: ['list', 'watch'],
    templatesNamespaceVerbs: ['create', 'update', 'delete'],
    informer: { labelSelector: templateLabelSelector },
  },
  ResourceQuota: {
    kind: 'ResourceQuota',
    group: '',
    version: 'v1',
    plural: 'resourcequotas',
    namespaced: true,
    // Admins set a team's quota: Raydeck creates and replaces `raydeck-team-quota` in it.
    verbs: ['list', 'watch', 'create', 'update'],
    informer: {},
  },
  Namespace: {
    kind: 'Namespace',
    group: '',
    version: 'v1',
    plural: 'namespaces',
    namespaced: false,
    // The templates namespace is created on first use.
    verbs: ['create'],
  },
  PersistentVolumeClaim: {
    kind: 'PersistentVolumeClaim',
    group: '',
    version: 'v1',
    plural: 'persistentvolumeclaims',
    namespaced: true,
    // A cluster's volumes may only name claims that exist in its team's namespace.
    verbs: ['get'],
  },
  Service: {
    kind: 'Service',
    // Only the proxy subresource, and only of Services labelled app.kubernetes.io/name=kuberay.
    throughKubeRayApiServer: true,
    group: '',
    version: 'v1',
    plural: 'services',
    namespaced: true,
    verbs: [],
    // The service proxy to each Ray head's dashboard: GET pages, POST (create) job submission
    // and stop, PUT (update) Serve deploys, PATCH, DELETE job deletion.
    subresources: { proxy: ['get', 'create', 'update', 'patch', 'delete'] },
  },
} as const satisfies { readonly [K in KubeKind]: KubeKindSpec<K> };

/** The kinds kept in the watch-fed cache: those with an `informer` in {@link kubeKinds}. */
export type CachedKind = {
  [K in KubeKind]: (typeof kubeKinds)[K] extends { informer: object } ? K : never;
}[KubeKind];

/** The registry seen through its contract: each kind's spec with the literal types widened. */
const kindSpecs: { readonly [K in KubeKind]: KubeKindSpec<K> } = kubeKinds;

/** Whether `name` is a kind of the registry (e.g. a key of {@link kubeKinds}). */
export function isKubeKind(name: string): name is KubeKind {
  return Object.hasOwn(kubeKinds, name);
}

/** Every kind of the registry, in registry order. */
const allKinds: readonly KubeKind[] = Object.keys(kubeKinds).filter(isKubeKind);

/** The cached kinds, in registry order. */
export const cachedKinds = allKinds.filter(
  (kind): kind is CachedKind => 'informer' in kubeKinds[kind],
);

/** The cached kinds a KubeRay APIServer v2 serves (its informers are the only ones started). */
export const kubeRayApiServerCachedKinds = cachedKinds.filter(
  (kind) => kindSpec(kind).throughKubeRayApiServer === true,
);

/** The spec of `kind`, typed by kind (the `as const` literal types widened back). */
export function kindSpec<K extends KubeKind>(kind: K): KubeKindSpec<K> {
  return kindSpecs[kind];
}

/** `apiVersion` of a kind, e.g. `ray.io/v1` or `v1`. */
export function apiVersionOf(kind: KubeKind): string {
  const spec = kindSpec(kind);
  return spec.group ? `${spec.group}/${spec.version}` : spec.version;
}

/**
 * The collection path of a kind, in `namespace` or across all namespaces, e.g.
 * `/apis/ray.io/v1/namespaces/team-a/rayclusters` or `/api/v1/pods`.
 */
export function collectionPath(kind: KubeKind, namespace?: string): string {
  const spec = kindSpec(kind);
  const prefix = spec.group ? `/apis/${spec.group}/${spec.version}` : `/api/${spec.version}`;
  const scope =
    spec.namespaced && namespace !== undefined
      ? `/namespaces/${encodeURIComponent(namespace)}`
      : '';
  return `${prefix}${scope}/${spec.plural}`;
}

/** The path of one object, e.g. `/api/v1/namespaces/team-a/persistentvolumeclaims/data`. */
export function objectPath(kind: KubeKind, namespace: string | undefined, name: string): string {
  return `${collectionPath(kind, namespace)}/${encodeURIComponent(name)}`;
}

/** One permission the portal needs, in RBAC terms. */
export interface KubePermission {
  /** API group, `''` for core. */
  group: string;
  /** Resource, with `/subresource` when one, e.g. `services/proxy`. */
  resource: string;
  verb: KubeVerb;
  /**
   * `cluster`: in every namespace, or of a cluster-scoped kind (a ClusterRoleBinding grants it);
   * `templates-namespace`: only in the templates namespace (a RoleBinding there suffices).
   */
  scope: 'cluster' | 'templates-namespace';
  kind: KubeKind;
  namespaced: boolean;
}

/** Every permission {@link kubeKinds} says the portal needs, one verb per entry. */
export function kubePermissions(): KubePermission[] {
  return allKinds.flatMap((kind) => {
    const spec = kindSpec(kind);
    const entry = (resource: string, scope: KubePermission['scope']) => (verb: KubeVerb) => ({
      group: spec.group,
      resource,
      verb,
      scope,
      kind,
      namespaced: spec.namespaced,
    });
    return [
      ...spec.verbs.map(entry(spec.plural, 'cluster')),
      ...(spec.templatesNamespaceVerbs ?? []).map(entry(spec.plural, 'templates-namespace')),
      ...Object.entries(spec.subresources ?? {}).flatMap(([subresource, verbs]) =>
        verbs.map(entry(`${spec.plural}/${subresource}`, 'cluster')),
      ),
    ];
  });
}
