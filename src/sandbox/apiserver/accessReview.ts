import type { ObjectApi } from './objectApi.ts';
import type { KubeObject } from './resourceType.ts';
import type { UserInfo } from './userInfo.ts';

/** `spec.resourceAttributes` of an access review. */
export interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

/** `spec.nonResourceAttributes` of an access review. */
export interface NonResourceAttributes {
  path?: string;
  verb?: string;
}

/** An authorization decision with the reason Kubernetes reports in `status.reason`. */
export interface AccessDecision {
  allowed: boolean;
  reason?: string;
}

interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

interface Subject {
  kind: string;
  name: string;
  namespace?: string;
}

interface Binding extends KubeObject {
  roleRef?: { kind?: string; name?: string };
  subjects?: Subject[];
}

/**
 * Decides access from the stored RBAC objects the way Kubernetes' RBAC authorizer does:
 * ClusterRoleBindings grant everywhere; RoleBindings grant in their namespace (to a Role, or to a
 * ClusterRole scoped to that namespace). `system:masters` may do everything.
 * @see https://kubernetes.io/docs/reference/access-authn-authz/rbac/
 */
export function authorizeWithRbac(
  api: ObjectApi,
  user: UserInfo,
  attributes: { resource?: ResourceAttributes; nonResource?: NonResourceAttributes },
): AccessDecision {
  if (user.groups.includes('system:masters')) return { allowed: true, reason: 'system:masters' };
  const clusterRoleBindings = listAll(api, 'rbac.authorization.k8s.io/clusterrolebindings');
  for (const binding of clusterRoleBindings as Binding[]) {
    if (!bindsUser(binding, user)) continue;
    const rules = rulesOf(api, 'ClusterRole', binding.roleRef?.name, undefined);
    if (rules.some((rule) => ruleAllows(rule, attributes))) {
      return {
        allowed: true,
        reason: `RBAC: allowed by ClusterRoleBinding "${binding.metadata?.name ?? ''}" of ClusterRole "${binding.roleRef?.name ?? ''}" to ${describe(user)}`,
      };
    }
  }
  const namespace = attributes.resource?.namespace;
  if (namespace) {
    const roleBindings = (
      listAll(api, 'rbac.authorization.k8s.io/rolebindings') as Binding[]
    ).filter((binding) => binding.metadata?.namespace === namespace);
    for (const binding of roleBindings) {
      if (!bindsUser(binding, user)) continue;
      const rules = rulesOf(api, binding.roleRef?.kind ?? 'Role', binding.roleRef?.name, namespace);
      if (rules.some((rule) => ruleAllows(rule, attributes))) {
        return {
          allowed: true,
          reason: `RBAC: allowed by RoleBinding "${binding.metadata?.name ?? ''}/${namespace}" of ${binding.roleRef?.kind ?? 'Role'} "${binding.roleRef?.name ?? ''}" to ${describe(user)}`,
        };
      }
    }
  }
  return { allowed: false, reason: '' };
}

function describe(user: UserInfo): string {
  return user.username.startsWith('system:serviceaccount:')
    ? `ServiceAccount "${user.username.split(':').slice(3).join(':')}/${user.username.split(':')[2] ?? ''}"`
    : `User "${user.username}"`;
}

function listAll(api: ObjectApi, storageKey: string): KubeObject[] {
  return api.store.list(storageKey).map((record) => record.object);
}

function rulesOf(
  api: ObjectApi,
  kind: string,
  name: string | undefined,
  namespace: string | undefined,
): PolicyRule[] {
  if (!name) return [];
  const storageKey =
    kind === 'ClusterRole'
      ? 'rbac.authorization.k8s.io/clusterroles'
      : 'rbac.authorization.k8s.io/roles';
  const key = kind === 'ClusterRole' ? name : `${namespace ?? ''}/${name}`;
  const role = api.store.get(storageKey, key)?.object as { rules?: PolicyRule[] } | undefined;
  return role?.rules ?? [];
}

function bindsUser(binding: Binding, user: UserInfo): boolean {
  return (binding.subjects ?? []).some((subject) => {
    if (subject.kind === 'User') return subject.name === user.username;
    if (subject.kind === 'Group') return user.groups.includes(subject.name);
    if (subject.kind === 'ServiceAccount') {
      return user.username === `system:serviceaccount:${subject.namespace ?? ''}:${subject.name}`;
    }
    return false;
  });
}

function matchesAny(values: readonly string[] | undefined, wanted: string): boolean {
  return (values ?? []).some((value) => value === '*' || value === wanted);
}

function ruleAllows(
  rule: PolicyRule,
  attributes: { resource?: ResourceAttributes; nonResource?: NonResourceAttributes },
): boolean {
  if (attributes.nonResource) {
    const { path = '', verb = '' } = attributes.nonResource;
    if (!matchesAny(rule.verbs, verb)) return false;
    return (rule.nonResourceURLs ?? []).some(
      (url) =>
        url === '*' || url === path || (url.endsWith('*') && path.startsWith(url.slice(0, -1))),
    );
  }
  const resource = attributes.resource ?? {};
  if (!matchesAny(rule.verbs, resource.verb ?? '')) return false;
  if (!matchesAny(rule.apiGroups, resource.group ?? '')) return false;
  const fullResource = resource.subresource
    ? `${resource.resource ?? ''}/${resource.subresource}`
    : (resource.resource ?? '');
  const resourceMatches = (rule.resources ?? []).some(
    (candidate) =>
      candidate === '*' ||
      candidate === fullResource ||
      (candidate.startsWith('*/') && resource.subresource === candidate.slice(2)) ||
      (candidate.endsWith('/*') &&
        !!resource.subresource &&
        candidate.slice(0, -2) === resource.resource),
  );
  if (!resourceMatches) return false;
  if (rule.resourceNames && rule.resourceNames.length > 0) {
    return !!resource.name && rule.resourceNames.includes(resource.name);
  }
  return true;
}
