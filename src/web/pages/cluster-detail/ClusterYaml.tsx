import { Skeleton, Stack } from '@mantine/core';
import { useEffect, useState } from 'react';
import type * as Yaml from 'yaml';

import { CopyField } from '../../components/CopyField.tsx';

/** The `yaml` package, loaded on first use so it stays out of the initial bundle. */
let yamlModule: Promise<typeof Yaml> | undefined;
function loadYaml(): Promise<typeof Yaml> {
  yamlModule ??= import('yaml');
  return yamlModule;
}

/**
 * The resource without `metadata.managedFields`, which `kubectl get -o yaml` hides too: it is
 * long server bookkeeping nobody reads.
 */
function withoutManagedFields(resource: unknown): unknown {
  if (typeof resource !== 'object' || resource === null) return resource;
  // Rebuilt key by key, so the YAML keeps Kubernetes' order (apiVersion, kind, metadata…).
  return Object.fromEntries(
    Object.entries(resource).map(([key, value]) => {
      if (key !== 'metadata' || typeof value !== 'object' || value === null) return [key, value];
      const { managedFields: _managedFields, ...kept } = value as Record<string, unknown>;
      return [key, kept];
    }),
  );
}

/** The cluster's resource as YAML with a copy button; the YAML library loads when first shown. */
export function ClusterYaml({ resource }: { resource: unknown }) {
  const [yaml, setYaml] = useState<string | undefined>(undefined);
  useEffect(() => {
    let current = true;
    void loadYaml().then(({ stringify }) => {
      if (current) setYaml(stringify(withoutManagedFields(resource)));
    });
    return () => {
      current = false;
    };
  }, [resource]);

  if (!yaml) {
    return (
      <Stack gap="xs" aria-busy="true">
        {Array.from({ length: 6 }, (_, index) => (
          <Skeleton key={index} height={12} width={`${90 - index * 10}%`} />
        ))}
      </Stack>
    );
  }
  return (
    <CopyField
      label="RayCluster YAML"
      value={yaml}
      description="As stored in Kubernetes, without managed fields."
      multiline
      maxHeight={520}
    />
  );
}
