import type { KubeObject } from './buildOverlay.ts';

/** One RBAC policy rule, as in a Role or ClusterRole. */
export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
  verbs: string[];
}

/** One permission: a verb on a resource of an API group (or a non-resource URL). */
export interface Permission {
  apiGroup: string;
  resource: string;
  verb: string;
  resourceName?: string;
}

/** Expands rules into single permissions, so two rule sets can be compared item by item. */
export function expandRules(rules: readonly PolicyRule[]): Permission[] {
  const permissions: Permission[] = [];
  for (const rule of rules) {
    const names = rule.resourceNames?.length ? rule.resourceNames : [undefined];
    for (const verb of rule.verbs) {
      for (const url of rule.nonResourceURLs ?? []) {
        permissions.push({ apiGroup: '', resource: `url:${url}`, verb });
      }
      for (const apiGroup of rule.apiGroups ?? []) {
        for (const resource of rule.resources ?? []) {
          for (const resourceName of names) {
            permissions.push(
              resourceName === undefined
                ? { apiGroup, resource, verb }
                : { apiGroup, resource, verb, resourceName },
            );
          }
        }
      }
    }
  }
  return permissions;
}

/** Whether `granted` allows `wanted`, honouring `*` and unrestricted resource names. */
export function covers(granted: Permission, wanted: Permission): boolean {
  const matches = (have: string, want: string): boolean => have === '*' || have === want;
  return (
    matches(granted.apiGroup, wanted.apiGroup) &&
    matches(granted.resource, wanted.resource) &&
    matches(granted.verb, wanted.verb) &&
    (granted.resourceName === undefined || granted.resourceName === wanted.resourceName)
  );
}

/** The permissions in `wanted` that nothing in `granted` allows, as readable strings. */
export function missingPermissions(
  granted: readonly PolicyRule[],
  wanted: readonly PolicyRule[],
): string[] {
  const have = expandRules(granted);
  return expandRules(wanted)
    .filter((permission) => !have.some((grant) => covers(grant, permission)))
    .map(
      (p) =>
        `${p.verb} ${p.apiGroup || 'core'}/${p.resource}${p.resourceName ? `/${p.resourceName}` : ''}`,
    );
}

/** The rules of a Role or ClusterRole object. */
export function rulesOf(role: KubeObject): PolicyRule[] {
  return (role['rules'] as PolicyRule[] | undefined) ?? [];
}

/** The deploy kit's identity for the portal. */
export const portalServiceAccount = { name: 'raydeck', namespace: 'raydeck' } as const;

/**
 * Grants of the kit beyond the kind registry (src/server/k8s/kubeKinds.ts), each documented in
 * docs/deploy.md ("Raydeck's own rights"): RayJob and RayService reads and writes, for
 * submitting jobs and deploying Serve apps as KubeRay objects (the KubeRay-operator-adjacent
 * features). The RBAC tests allow these and nothing else beyond the registry.
 */
export const documentedExtras: readonly Permission[] = ['rayjobs', 'rayservices'].flatMap(
  (resource) =>
    ['get', 'create', 'update', 'patch', 'delete'].map((verb) => ({
      apiGroup: 'ray.io',
      resource,
      verb,
    })),
);

interface Binding extends KubeObject {
  roleRef: { kind: string; name: string };
  subjects?: { kind: string; name: string; namespace?: string }[];
}

/**
 * What a kit grants the portal's ServiceAccount: the rules of ClusterRoleBindings (cluster-wide)
 * and of RoleBindings (in their namespace, which must be one: the templates namespace).
 */
export function portalRules(objects: readonly KubeObject[]): {
  clusterWide: PolicyRule[];
  namespaceRules: PolicyRule[];
  templatesNamespace: string | undefined;
} {
  const bindsPortal = (binding: Binding) =>
    (binding.subjects ?? []).some(
      (subject) =>
        subject.kind === 'ServiceAccount' &&
        subject.name === portalServiceAccount.name &&
        subject.namespace === portalServiceAccount.namespace,
    );
  const roleRules = (binding: Binding, namespace: string | undefined): PolicyRule[] => {
    const role = objects.find(
      (object) =>
        object.kind === binding.roleRef.kind &&
        object.metadata.name === binding.roleRef.name &&
        (binding.roleRef.kind === 'ClusterRole' || object.metadata.namespace === namespace),
    );
    if (!role)
      throw new Error(`${binding.kind} ${binding.metadata.name}: no ${binding.roleRef.kind}`);
    return rulesOf(role);
  };
  const bindings = objects.filter(
    (object): object is Binding =>
      (object.kind === 'ClusterRoleBinding' || object.kind === 'RoleBinding') &&
      bindsPortal(object as Binding),
  );
  const roleBindings = bindings.filter((binding) => binding.kind === 'RoleBinding');
  const namespaces = [...new Set(roleBindings.map((binding) => binding.metadata.namespace))];
  if (namespaces.length > 1) throw new Error(`RoleBindings in ${namespaces.join(', ')}`);
  return {
    clusterWide: bindings
      .filter((binding) => binding.kind === 'ClusterRoleBinding')
      .flatMap((binding) => roleRules(binding, undefined)),
    namespaceRules: roleBindings.flatMap((binding) =>
      roleRules(binding, binding.metadata.namespace),
    ),
    templatesNamespace: namespaces[0],
  };
}
