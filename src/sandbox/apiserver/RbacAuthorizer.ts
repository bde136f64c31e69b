import { bootstrapPolicy, type PolicyRule, type RbacSubject } from './bootstrapPolicy.ts';
import type { ObjectStore } from './objectStore.ts';
import type { RequestAttributes } from './requestAttributes.ts';
import type { KubeObject } from './resourceType.ts';
import type { UserInfo } from './userInfo.ts';

/** An authorization decision with the reason Kubernetes reports (SSAR `status.reason`). */
export interface AccessDecision {
  allowed: boolean;
  reason?: string;
}

/** What `SelfSubjectRulesReview` reports: the rules that apply to a user in one namespace. */
export interface UserRules {
  resourceRules: {
    verbs: string[];
    apiGroups: string[];
    resources: string[];
    resourceNames?: string[];
  }[];
  nonResourceRules: { verbs: string[]; nonResourceURLs: string[] }[];
  incomplete: boolean;
  evaluationError?: string;
}

interface Binding extends KubeObject {
  roleRef?: { kind?: string; name?: string };
  subjects?: RbacSubject[];
}

/** The group whose members may do everything, before RBAC is consulted (as kube-apiserver). */
export const privilegedGroup = 'system:masters';

const rbacGroup = 'rbac.authorization.k8s.io';

/**
 * Kubernetes' RBAC authorizer over the sandbox's stored Roles, ClusterRoles, RoleBindings and
 * ClusterRoleBindings, plus the default policy of {@link bootstrapPolicy}: ClusterRoleBindings
 * grant everywhere; RoleBindings grant in their namespace (to a Role, or to a ClusterRole read
 * in that namespace). Rules match as upstream `RuleAllows` does: `*` for verbs, groups and
 * resources, `*\/subresource`, `resourceNames` (a rule with names never matches a request
 * without one), and non-resource URLs with a trailing `*`. `system:masters` may do everything.
 * A binding to a missing role grants nothing and is named in the reason of a denial.
 * @see https://kubernetes.io/docs/reference/access-authn-authz/rbac/
 */
export class RbacAuthorizer {
  private readonly store: ObjectStore;

  constructor(store: ObjectStore) {
    this.store = store;
  }

  /** Decides one request. */
  authorize(user: UserInfo, attributes: RequestAttributes): AccessDecision {
    if (user.groups.includes(privilegedGroup)) return { allowed: true };
    const errors: string[] = [];
    let allowedBy: string | undefined;
    this.visitRules(
      user,
      attributes.resourceRequest ? attributes.namespace : '',
      (source, rule) => {
        if (!ruleAllows(rule, attributes)) return true;
        allowedBy = source;
        return false;
      },
      (error) => errors.push(error),
    );
    if (allowedBy !== undefined) return { allowed: true, reason: `RBAC: allowed by ${allowedBy}` };
    if (errors.length === 0) return { allowed: false, reason: '' };
    return {
      allowed: false,
      reason: `RBAC: ${errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`}`,
    };
  }

  /** Every rule that applies to `user` in `namespace` (cluster-wide ones included). */
  rulesFor(user: UserInfo, namespace: string): UserRules {
    const rules: PolicyRule[] = [];
    const errors: string[] = [];
    this.visitRules(
      user,
      namespace,
      (_source, rule) => {
        rules.push(rule);
        return true;
      },
      (error) => errors.push(error),
    );
    return {
      resourceRules: rules
        .filter((rule) => (rule.resources ?? []).length > 0)
        .map((rule) => ({
          verbs: rule.verbs ?? [],
          apiGroups: rule.apiGroups ?? [],
          resources: rule.resources ?? [],
          ...((rule.resourceNames ?? []).length > 0 ? { resourceNames: rule.resourceNames } : {}),
        })),
      nonResourceRules: rules
        .filter((rule) => (rule.nonResourceURLs ?? []).length > 0)
        .map((rule) => ({ verbs: rule.verbs ?? [], nonResourceURLs: rule.nonResourceURLs ?? [] })),
      incomplete: errors.length > 0,
      ...(errors.length > 0 ? { evaluationError: errors.join(', ') } : {}),
    };
  }

  /**
   * Calls `visit` with every rule granted to `user` (and a description of the binding, as
   * upstream's reasons word it) until it returns false; `onError` hears of missing roles.
   */
  private visitRules(
    user: UserInfo,
    namespace: string,
    visit: (source: string, rule: PolicyRule) => boolean,
    onError: (error: string) => void,
  ): void {
    const clusterBindings: {
      name: string;
      roleName: string;
      subjects: readonly RbacSubject[];
    }[] = this.list(`${rbacGroup}/clusterrolebindings`).map((binding) => ({
      name: binding.metadata?.name ?? '',
      roleName: binding.roleRef?.name ?? '',
      subjects: binding.subjects ?? [],
    }));
    for (const binding of bootstrapPolicy.clusterRoleBindings) {
      if (!clusterBindings.some((stored) => stored.name === binding.name)) {
        clusterBindings.push({
          name: binding.name,
          roleName: binding.clusterRole,
          subjects: binding.subjects,
        });
      }
    }
    for (const binding of clusterBindings) {
      const subject = binding.subjects.find((candidate) => appliesTo(user, candidate, ''));
      if (!subject) continue;
      const rules = this.roleRules('ClusterRole', binding.roleName, '');
      if (typeof rules === 'string') {
        onError(rules);
        continue;
      }
      const source = `ClusterRoleBinding "${binding.name}" of ClusterRole "${binding.roleName}" to ${describeSubject(subject, '')}`;
      for (const rule of rules) if (!visit(source, rule)) return;
    }
    if (!namespace) return;
    for (const binding of this.list(`${rbacGroup}/rolebindings`, namespace)) {
      const subject = (binding.subjects ?? []).find((candidate) =>
        appliesTo(user, candidate, namespace),
      );
      if (!subject) continue;
      const kind = binding.roleRef?.kind === 'ClusterRole' ? 'ClusterRole' : 'Role';
      const roleName = binding.roleRef?.name ?? '';
      const rules = this.roleRules(kind, roleName, namespace);
      if (typeof rules === 'string') {
        onError(rules);
        continue;
      }
      const source = `RoleBinding "${binding.metadata?.name ?? ''}/${namespace}" of ${kind} "${roleName}" to ${describeSubject(subject, namespace)}`;
      for (const rule of rules) if (!visit(source, rule)) return;
    }
  }

  private list(storageKey: string, namespace?: string): Binding[] {
    return this.store.list(storageKey, namespace).map((record) => record.object as Binding);
  }

  /** The rules of a role (stored, else default policy), or upstream's error when missing. */
  roleRules(
    kind: 'Role' | 'ClusterRole',
    name: string,
    namespace: string,
  ): readonly PolicyRule[] | string {
    const stored =
      kind === 'ClusterRole'
        ? this.store.get(`${rbacGroup}/clusterroles`, name)
        : this.store.get(`${rbacGroup}/roles`, `${namespace}/${name}`);
    if (stored) return (stored.object as { rules?: PolicyRule[] }).rules ?? [];
    const bootstrap = kind === 'ClusterRole' ? bootstrapPolicy.clusterRoles.get(name) : undefined;
    return bootstrap ?? `${kind.toLowerCase()}.${rbacGroup} "${name}" not found`;
  }
}

/** Whether a binding subject names the user (a ServiceAccount subject defaults to `namespace`). */
function appliesTo(user: UserInfo, subject: RbacSubject, namespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return user.username === subject.name;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      const saNamespace = subject.namespace || namespace;
      return !!saNamespace && user.username === serviceAccountUsername(saNamespace, subject.name);
    }
    default:
      return false;
  }
}

function describeSubject(subject: RbacSubject, namespace: string): string {
  const name =
    subject.kind === 'ServiceAccount'
      ? `${subject.namespace || namespace}/${subject.name}`
      : subject.name;
  return `${subject.kind} ${JSON.stringify(name)}`;
}

/** `system:serviceaccount:{namespace}:{name}`, the username of a ServiceAccount's tokens. */
export function serviceAccountUsername(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

function matches(values: readonly string[] | undefined, wanted: string): boolean {
  return (values ?? []).some((value) => value === '*' || value === wanted);
}

/** Upstream `RuleAllows`: whether one rule grants one request. */
export function ruleAllows(rule: PolicyRule, attributes: RequestAttributes): boolean {
  if (!matches(rule.verbs, attributes.verb)) return false;
  if (!attributes.resourceRequest) {
    return (rule.nonResourceURLs ?? []).some(
      (url) =>
        url === '*' ||
        url === attributes.path ||
        (url.endsWith('*') && attributes.path.startsWith(url.replace(/\*+$/, ''))),
    );
  }
  if (!matches(rule.apiGroups, attributes.apiGroup)) return false;
  const combined = attributes.subresource
    ? `${attributes.resource}/${attributes.subresource}`
    : attributes.resource;
  const resourceMatches = (rule.resources ?? []).some(
    (resource) =>
      resource === '*' ||
      resource === combined ||
      (!!attributes.subresource && resource === `*/${attributes.subresource}`),
  );
  if (!resourceMatches) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(attributes.name);
}
