import type { PolicyRule } from './bootstrapPolicy.ts';
import type { AdmissionPlugin } from './objectApi.ts';
import { privilegedGroup, type RbacAuthorizer } from './RbacAuthorizer.ts';
import type { RequestAttributes } from './requestAttributes.ts';
import { forbidden, notFound } from './statusError.ts';

const rbacGroup = 'rbac.authorization.k8s.io';

/**
 * RBAC's privilege-escalation prevention, as the API server's RBAC storage enforces it: a user
 * may create or change a Role or ClusterRole only with every permission it grants (or verb
 * `escalate` on it), and bind a role only when holding all of its permissions where the binding
 * applies (or verb `bind` on that role). `system:masters` is exempt, as are the sandbox's
 * in-process controllers (they write as `sandbox-admin`). Updates that leave `rules`, `roleRef`
 * and `subjects` as they were are not checked (upstream exempts only garbage-collection fields).
 * The 403 names the missing permissions as upstream does, one compacted rule per line.
 * @see https://kubernetes.io/docs/reference/access-authn-authz/rbac/#privilege-escalation-prevention-and-bootstrapping
 */
export function rbacEscalationCheck(authorizer: RbacAuthorizer): AdmissionPlugin {
  return (request) => {
    const { type, object, oldObject, user } = request;
    if (type.group !== rbacGroup || request.operation === 'DELETE') return undefined;
    if (user.groups.includes(privilegedGroup)) return undefined;
    const name = object.metadata?.name ?? '';
    const namespace = type.namespaced ? (object.metadata?.namespace ?? '') : '';
    const isRole = type.kind === 'Role' || type.kind === 'ClusterRole';
    const fields = isRole ? ['rules'] : ['roleRef', 'subjects'];
    if (
      oldObject &&
      fields.every((field) => JSON.stringify(object[field]) === JSON.stringify(oldObject[field]))
    ) {
      return undefined;
    }
    const ask = (verb: string, resource: string, resourceName: string): boolean =>
      authorizer.authorize(user, {
        resourceRequest: true,
        verb,
        path: '',
        apiGroup: rbacGroup,
        apiVersion: 'v1',
        namespace,
        resource,
        subresource: '',
        name: resourceName,
      } satisfies RequestAttributes).allowed;
    let rules: readonly PolicyRule[];
    if (isRole) {
      if (ask('escalate', type.plural, name)) return undefined;
      rules = (object['rules'] as PolicyRule[] | undefined) ?? [];
    } else {
      const roleRef = (object['roleRef'] ?? {}) as { kind?: string; name?: string };
      const roleKind = roleRef.kind === 'ClusterRole' ? 'ClusterRole' : 'Role';
      const roleName = roleRef.name ?? '';
      const rolePlural = roleKind === 'ClusterRole' ? 'clusterroles' : 'roles';
      if (ask('bind', rolePlural, roleName)) return undefined;
      const found = authorizer.roleRules(roleKind, roleName, namespace);
      if (typeof found === 'string') {
        throw notFound({ group: rbacGroup, resource: rolePlural, name: roleName });
      }
      rules = found;
    }
    const owned = authorizer.rulesFor(user, namespace);
    const ownerRules: PolicyRule[] = [...owned.resourceRules, ...owned.nonResourceRules];
    const missing = rules
      .flatMap(breakdown)
      .filter((atom) => !ownerRules.some((owner) => covers(owner, atom)));
    if (missing.length === 0) return undefined;
    const descriptions = [...new Set(compact(missing).map(compactString))].sort();
    let message = `user ${JSON.stringify(user.username)} (groups=${goQuoted(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${descriptions.join('\n')}`;
    if (owned.evaluationError) message += `; resolution errors: [${owned.evaluationError}]`;
    throw forbidden(
      { group: rbacGroup, resource: type.plural, name },
      `${type.plural}.${rbacGroup} ${JSON.stringify(name)} is forbidden: ${message}`,
    );
  };
}

/** Upstream `BreakdownRule`: one rule per group × resource × verb (× name), and URL × verb. */
function breakdown(rule: PolicyRule): PolicyRule[] {
  const atoms: PolicyRule[] = [];
  for (const apiGroup of rule.apiGroups ?? []) {
    for (const resource of rule.resources ?? []) {
      for (const verb of rule.verbs ?? []) {
        const names = rule.resourceNames ?? [];
        if (names.length === 0)
          atoms.push({ apiGroups: [apiGroup], resources: [resource], verbs: [verb] });
        for (const name of names) {
          atoms.push({
            apiGroups: [apiGroup],
            resources: [resource],
            verbs: [verb],
            resourceNames: [name],
          });
        }
      }
    }
  }
  for (const url of rule.nonResourceURLs ?? []) {
    for (const verb of rule.verbs ?? []) atoms.push({ nonResourceURLs: [url], verbs: [verb] });
  }
  return atoms;
}

const hasAll = (set: readonly string[] | undefined, wanted: readonly string[] | undefined) =>
  (wanted ?? []).every((value) => (set ?? []).includes(value));

/** Upstream `ruleCovers`: whether an owned rule covers one broken-down rule. */
function covers(owner: PolicyRule, atom: PolicyRule): boolean {
  const verbs = (owner.verbs ?? []).includes('*') || hasAll(owner.verbs, atom.verbs);
  const groups = (owner.apiGroups ?? []).includes('*') || hasAll(owner.apiGroups, atom.apiGroups);
  const ownedResources = owner.resources ?? [];
  const resources =
    ownedResources.includes('*') ||
    (atom.resources ?? []).every(
      (resource) =>
        ownedResources.includes(resource) ||
        (resource.includes('/') &&
          ownedResources.includes(`*/${resource.split('/').slice(1).join('/')}`)),
    );
  const urls = (atom.nonResourceURLs ?? []).every((path) =>
    (owner.nonResourceURLs ?? []).some(
      (url) => url === path || (url.endsWith('*') && path.startsWith(url.replace(/\*+$/, ''))),
    ),
  );
  const ownedNames = owner.resourceNames ?? [];
  const names =
    (atom.resourceNames ?? []).length === 0
      ? ownedNames.length === 0
      : ownedNames.length === 0 || hasAll(ownedNames, atom.resourceNames);
  return verbs && groups && resources && urls && names;
}

/** Upstream `CompactRules`: single group/resource rules without names merge their verbs. */
function compact(rules: readonly PolicyRule[]): PolicyRule[] {
  const result: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const rule of rules) {
    const isSimple =
      (rule.apiGroups ?? []).length === 1 &&
      (rule.resources ?? []).length === 1 &&
      (rule.resourceNames ?? []).length === 0 &&
      (rule.nonResourceURLs ?? []).length === 0;
    if (!isSimple) {
      result.push(rule);
      continue;
    }
    const key = `${rule.apiGroups?.[0] ?? ''}\u0000${rule.resources?.[0] ?? ''}`;
    const existing = simple.get(key);
    if (existing) existing.verbs = [...(existing.verbs ?? []), ...(rule.verbs ?? [])];
    else {
      const copy = { ...rule, verbs: [...(rule.verbs ?? [])] };
      simple.set(key, copy);
      result.push(copy);
    }
  }
  return result;
}

/** Go's `%q` of a string slice: `["a" "b"]`. */
function goQuoted(values: readonly string[] | undefined): string {
  return `[${(values ?? []).map((value) => JSON.stringify(value)).join(' ')}]`;
}

/** Upstream `CompactString`, e.g. `{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}`. */
function compactString(rule: PolicyRule): string {
  const parts: string[] = [];
  if ((rule.apiGroups ?? []).length > 0) parts.push(`APIGroups:${goQuoted(rule.apiGroups)}`);
  if ((rule.resources ?? []).length > 0) parts.push(`Resources:${goQuoted(rule.resources)}`);
  if ((rule.nonResourceURLs ?? []).length > 0) {
    parts.push(`NonResourceURLs:${goQuoted(rule.nonResourceURLs)}`);
  }
  if ((rule.resourceNames ?? []).length > 0) {
    parts.push(`ResourceNames:${goQuoted(rule.resourceNames)}`);
  }
  if ((rule.verbs ?? []).length > 0) parts.push(`Verbs:${goQuoted(rule.verbs)}`);
  return `{${parts.join(', ')}}`;
}
