import type { ResourceRegistry } from './resourceRegistry.ts';
import { groupVersionOf, type ResourceType } from './resourceType.ts';

/** The Kubernetes version the sandbox reports; kubectl 1.35 is the client we test with. */
export const sandboxKubernetesVersion = {
  major: '1',
  minor: '35',
  gitVersion: 'v1.35.0-raydeck-sandbox',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-11-01T00:00:00Z',
  goVersion: 'go1.25.0',
  compiler: 'gc',
  platform: 'linux/amd64',
} as const;

/** `GET /api`: the legacy core group's versions. */
export function apiVersions(serverAddress: string): object {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupEntry(name: string, versions: readonly string[]): object {
  const entries = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: entries, preferredVersion: entries[0] };
}

/** `GET /apis`: every named group with its versions (legacy discovery, not aggregated). */
export function apiGroupList(registry: ResourceRegistry): object {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: registry.groups().map(({ name, versions }) => groupEntry(name, versions)),
  };
}

/** `GET /apis/{group}`. */
export function apiGroup(registry: ResourceRegistry, group: string): object | undefined {
  const found = registry.groups().find((candidate) => candidate.name === group);
  return found && { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(found.name, found.versions) };
}

const subresourceVerbs: Record<string, string[]> = {
  status: ['get', 'patch', 'update'],
  scale: ['get', 'patch', 'update'],
  log: ['get'],
  proxy: ['create', 'delete', 'get', 'patch', 'update'],
  binding: ['create'],
  token: ['create'],
};

/** Subresources whose kind is not the parent's: `{group, version, kind}` discovery reports. */
const subresourceKinds: Record<string, { group: string; version: string; kind: string }> = {
  scale: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
  token: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' },
};

function resourceEntries(type: ResourceType): object[] {
  const main = {
    name: type.plural,
    singularName: type.singular,
    namespaced: type.namespaced,
    kind: type.kind,
    verbs: type.verbs,
    ...(type.shortNames ? { shortNames: type.shortNames } : {}),
    ...(type.categories ? { categories: type.categories } : {}),
  };
  const subresources = type.subresources.map((subresource) => ({
    name: `${type.plural}/${subresource}`,
    singularName: '',
    namespaced: type.namespaced,
    kind: subresourceKinds[subresource]?.kind ?? type.kind,
    ...(subresourceKinds[subresource]
      ? {
          group: subresourceKinds[subresource].group,
          version: subresourceKinds[subresource].version,
        }
      : {}),
    verbs: subresourceVerbs[subresource] ?? ['get'],
  }));
  return [main, ...subresources];
}

/** `GET /api/v1` or `GET /apis/{group}/{version}`; undefined when nothing is served there. */
export function apiResourceList(
  registry: ResourceRegistry,
  group: string,
  version: string,
): object | undefined {
  const types = registry.inGroupVersion(group, version);
  if (types.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupVersionOf({ group, version }),
    resources: types.flatMap(resourceEntries),
  };
}
