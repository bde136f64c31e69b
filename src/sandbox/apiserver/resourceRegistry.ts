import { builtinResourceTypes } from './builtinResourceTypes.ts';
import {
  groupVersionOf,
  type KubeObject,
  type PrinterColumn,
  type ResourceType,
  standardVerbs,
} from './resourceType.ts';
import type { JsonSchemaProps } from './structuralSchema.ts';

/** The parts of an apiextensions.k8s.io/v1 CustomResourceDefinition the registry reads. */
export interface CustomResourceDefinition extends KubeObject {
  spec: {
    group: string;
    scope: 'Namespaced' | 'Cluster';
    names: {
      kind: string;
      plural: string;
      singular?: string;
      listKind?: string;
      shortNames?: string[];
      categories?: string[];
    };
    versions: {
      name: string;
      served: boolean;
      storage: boolean;
      schema?: { openAPIV3Schema?: JsonSchemaProps };
      subresources?: { status?: object; scale?: object };
      additionalPrinterColumns?: PrinterColumn[];
    }[];
  };
}

/**
 * Which resources are served, keyed by group/version/plural: the built-in kinds plus one entry
 * per served version of every established CRD. Discovery documents are derived from it.
 */
export class ResourceRegistry {
  private readonly types = new Map<string, ResourceType>();
  private readonly crdTypes = new Map<string, string[]>();
  private byStorageKey: Map<string, ResourceType> | undefined;
  private changes = 0;

  constructor() {
    for (const type of builtinResourceTypes) this.add(type);
  }

  /**
   * Counts changes to the served types (CRDs served, updated or removed), so documents derived
   * from them (OpenAPI) are rebuilt only when it moves.
   */
  get generation(): number {
    return this.changes;
  }

  /** The type served at `/apis/{group}/{version}/{plural}` (group empty for `/api/v1`). */
  lookup(group: string, version: string, plural: string): ResourceType | undefined {
    return this.types.get(`${group}/${version}/${plural}`);
  }

  /** The type of a manifest's apiVersion and kind, e.g. `ray.io/v1` + `RayCluster`. */
  lookupKind(apiVersion: string, kind: string): ResourceType | undefined {
    for (const type of this.types.values()) {
      if (groupVersionOf(type) === apiVersion && type.kind === kind) return type;
    }
    return undefined;
  }

  /**
   * The type that reads a storage bucket in its stored form (no version conversion), e.g. the
   * core Event type for the shared events bucket. Cached; CRD changes clear the cache.
   */
  storageType(storageKey: string): ResourceType | undefined {
    if (!this.byStorageKey) {
      this.byStorageKey = new Map();
      for (const type of this.types.values()) {
        if (!type.converter && !this.byStorageKey.has(type.storageKey))
          this.byStorageKey.set(type.storageKey, type);
      }
    }
    return this.byStorageKey.get(storageKey);
  }

  /** Every served type, in registration order. */
  all(): ResourceType[] {
    return [...this.types.values()];
  }

  /** Groups with their served versions, core group excluded; the first version is preferred. */
  groups(): { name: string; versions: string[] }[] {
    const groups = new Map<string, string[]>();
    for (const type of this.types.values()) {
      if (!type.group) continue;
      const versions = groups.get(type.group) ?? [];
      if (!versions.includes(type.version)) versions.push(type.version);
      groups.set(type.group, versions);
    }
    return [...groups].map(([name, versions]) => ({ name, versions }));
  }

  /** Types served under one group version (for `/apis/{group}/{version}` discovery). */
  inGroupVersion(group: string, version: string): ResourceType[] {
    return this.all().filter((type) => type.group === group && type.version === version);
  }

  /**
   * Serves (or re-serves, on update) the kinds of a CRD. Versions share one storage bucket;
   * objects are stored in the storage version and relabelled on the way out, which is what a
   * CRD with `conversion: None` does.
   */
  serveCustomResourceDefinition(crd: CustomResourceDefinition): void {
    this.removeCustomResourceDefinition(crd.metadata?.name ?? '');
    const { group, names, scope, versions } = crd.spec;
    const storageVersion = versions.find((version) => version.storage)?.name ?? versions[0]?.name;
    const keys: string[] = [];
    for (const version of versions.filter((candidate) => candidate.served)) {
      const apiVersion = `${group}/${version.name}`;
      const storageApiVersion = `${group}/${storageVersion}`;
      const type: ResourceType = {
        group,
        version: version.name,
        kind: names.kind,
        listKind: names.listKind ?? `${names.kind}List`,
        plural: names.plural,
        singular: names.singular ?? names.kind.toLowerCase(),
        namespaced: scope === 'Namespaced',
        ...(names.shortNames ? { shortNames: names.shortNames } : {}),
        ...(names.categories ? { categories: names.categories } : {}),
        verbs: standardVerbs,
        subresources: [
          ...(version.subresources?.status ? (['status'] as const) : []),
          ...(version.subresources?.scale ? (['scale'] as const) : []),
        ],
        storageKey: `${group}/${names.plural}`,
        nameRule: 'subdomain',
        ...(version.schema?.openAPIV3Schema ? { schema: version.schema.openAPIV3Schema } : {}),
        ...(version.additionalPrinterColumns
          ? { printerColumns: version.additionalPrinterColumns }
          : {}),
        ...(apiVersion !== storageApiVersion
          ? {
              converter: {
                toStorage: (object: KubeObject) => ({ ...object, apiVersion: storageApiVersion }),
                fromStorage: (object: KubeObject) => ({ ...object, apiVersion }),
              },
            }
          : {}),
      };
      const key = `${group}/${version.name}/${names.plural}`;
      this.types.set(key, type);
      keys.push(key);
    }
    this.crdTypes.set(crd.metadata?.name ?? '', keys);
    this.byStorageKey = undefined;
    this.changes += 1;
  }

  /** Stops serving a CRD's kinds (its objects are deleted by the caller). */
  removeCustomResourceDefinition(crdName: string): void {
    this.byStorageKey = undefined;
    this.changes += 1;
    for (const key of this.crdTypes.get(crdName) ?? []) this.types.delete(key);
    this.crdTypes.delete(crdName);
  }

  private add(type: ResourceType): void {
    this.byStorageKey = undefined;
    this.types.set(`${type.group}/${type.version}/${type.plural}`, type);
  }
}
