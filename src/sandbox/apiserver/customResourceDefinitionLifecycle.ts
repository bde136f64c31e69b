import type { ObjectApi } from './objectApi.ts';
import { objectKey } from './objectStore.ts';
import type { CustomResourceDefinition } from './resourceRegistry.ts';
import type { ResourceType } from './resourceType.ts';
import { StatusError } from './statusError.ts';

const crdStorageKey = 'apiextensions.k8s.io/customresourcedefinitions';

/**
 * What the apiextensions controllers do: a created or updated CRD is served at once and gets
 * the `NamesAccepted` and `Established` conditions; a deleted CRD stops being served and its
 * custom resources are removed.
 */
export function startCustomResourceDefinitionLifecycle(api: ObjectApi): void {
  for (const record of api.store.list(crdStorageKey)) {
    api.registry.serveCustomResourceDefinition(record.object as CustomResourceDefinition);
  }
  api.store.subscribe(crdStorageKey, (event) => {
    const crd = event.record.object as CustomResourceDefinition;
    const name = crd.metadata?.name ?? '';
    if (event.type === 'DELETED') {
      const storageKey = `${crd.spec.group}/${crd.spec.names.plural}`;
      api.registry.removeCustomResourceDefinition(name);
      for (const record of api.store.list(storageKey)) {
        const meta = record.object.metadata ?? {};
        api.store.remove(storageKey, objectKey(meta.namespace, meta.name ?? ''));
      }
      return;
    }
    api.registry.serveCustomResourceDefinition(crd);
    const conditions =
      (crd['status'] as { conditions?: { type: string }[] } | undefined)?.conditions ?? [];
    if (!conditions.some((condition) => condition.type === 'Established')) {
      setImmediate(() => establish(api, name));
    }
  });
}

function establish(api: ObjectApi, name: string): void {
  const type = api.registry.lookup(
    'apiextensions.k8s.io',
    'v1',
    'customresourcedefinitions',
  ) as ResourceType;
  const crd = api.find(type, undefined, name) as CustomResourceDefinition | undefined;
  if (!crd) return;
  const now = api.timestamp();
  const condition = (conditionType: string, reason: string, message: string) => ({
    type: conditionType,
    status: 'True',
    lastTransitionTime: now,
    reason,
    message,
  });
  try {
    api.update(
      type,
      undefined,
      name,
      {
        ...crd,
        status: {
          conditions: [
            condition('NamesAccepted', 'NoConflicts', 'no conflicts found'),
            condition(
              'Established',
              'InitialNamesAccepted',
              'the initial names have been accepted',
            ),
          ],
          acceptedNames: crd.spec.names,
          storedVersions: crd.spec.versions
            .filter((version) => version.storage)
            .map((version) => version.name),
        },
      },
      { subresource: 'status' },
    );
  } catch (error) {
    // A concurrent update wins; the next change of the CRD establishes it again.
    if (!(error instanceof StatusError)) throw error;
  }
}
