import type { NameRule } from './objectNameValidation.ts';
import type { JsonSchemaProps } from './structuralSchema.ts';

/** Verbs served per resource, as discovery lists them. */
export const standardVerbs = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
] as const;

/** A stored object: plain JSON with Kubernetes metadata. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [field: string]: unknown;
}

/** The `metadata` fields the sandbox reads and maintains. */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
  managedFields?: unknown[];
  [field: string]: unknown;
}

/** `metav1.OwnerReference`: what garbage collection follows. */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/**
 * Converts between a served version and the shared storage form, for kinds served under two
 * groups with one storage (core/v1 Event and events.k8s.io/v1 Event).
 */
export interface VersionConverter {
  toStorage: (object: KubeObject) => KubeObject;
  fromStorage: (object: KubeObject) => KubeObject;
}

/** One served resource: what discovery lists and what the handlers need to serve it. */
export interface ResourceType {
  /** API group; empty for the core (legacy) group. */
  group: string;
  version: string;
  kind: string;
  listKind: string;
  /** Lower-case plural used in URLs, e.g. `rayclusters`. */
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: readonly string[];
  categories?: readonly string[];
  verbs: readonly string[];
  /**
   * Subresources served: `status` splits spec and status writes; `log` is pods only; `token`
   * (ServiceAccounts) answers TokenRequests.
   */
  subresources: readonly ('status' | 'log' | 'scale' | 'proxy' | 'binding' | 'token')[];
  /** Key of the storage bucket; types that share storage (two Event APIs) share this key. */
  storageKey: string;
  converter?: VersionConverter;
  /** How metadata.name is validated (DNS-1123 subdomain for most kinds). */
  nameRule: NameRule;
  /** Structural schema of a custom resource (from its CRD) for pruning, defaulting, validation. */
  schema?: JsonSchemaProps;
  /** `additionalPrinterColumns` of a custom resource, for kubectl's Table output. */
  printerColumns?: readonly PrinterColumn[];
  /** True for create-only review kinds (SelfSubjectAccessReview): answered, never stored. */
  review?: boolean;
}

/** A CRD `additionalPrinterColumns` entry. */
export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  priority?: number;
  format?: string;
}

/** `ray.io/v1` or `v1` for the core group. */
export function groupVersionOf(type: Pick<ResourceType, 'group' | 'version'>): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}
