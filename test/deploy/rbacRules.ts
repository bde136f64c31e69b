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
