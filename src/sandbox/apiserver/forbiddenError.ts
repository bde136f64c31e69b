import type { RequestAttributes } from './requestAttributes.ts';
import { StatusError } from './statusError.ts';

/**
 * The 403 a Kubernetes API server answers when authorization denies a request, worded as
 * upstream's `responsewriters.Forbidden` + `apierrors.NewForbidden` word it, e.g.
 * `pods is forbidden: User "u" cannot list resource "pods" in API group "" in the namespace "ns"`,
 * `secrets "s" is forbidden: …`, `… at the cluster scope` for cluster-wide requests,
 * `resource "pods/log"` for subresources, and `forbidden: User "u" cannot get path "/x"` for
 * non-resource URLs. A non-empty authorizer reason is appended after `: `. `details.kind` is the
 * plural resource (without subresource) and empty fields are left out, as upstream's JSON does.
 */
export function forbiddenError(
  username: string,
  attributes: RequestAttributes,
  reason = '',
): StatusError {
  const user = JSON.stringify(username);
  let why: string;
  if (!attributes.resourceRequest) {
    why = `User ${user} cannot ${attributes.verb} path ${JSON.stringify(attributes.path)}`;
  } else {
    const resource = attributes.subresource
      ? `${attributes.resource}/${attributes.subresource}`
      : attributes.resource;
    const scope = attributes.namespace
      ? `in the namespace ${JSON.stringify(attributes.namespace)}`
      : 'at the cluster scope';
    why = `User ${user} cannot ${attributes.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(attributes.apiGroup)} ${scope}`;
  }
  if (reason) why = `${why}: ${reason}`;
  const qualified = attributes.resourceRequest
    ? attributes.apiGroup
      ? `${attributes.resource}.${attributes.apiGroup}`
      : attributes.resource
    : '';
  const message = !qualified
    ? `forbidden: ${why}`
    : attributes.name
      ? `${qualified} ${JSON.stringify(attributes.name)} is forbidden: ${why}`
      : `${qualified} is forbidden: ${why}`;
  return new StatusError(403, 'Forbidden', message, {
    ...(attributes.name ? { name: attributes.name } : {}),
    ...(attributes.apiGroup ? { group: attributes.apiGroup } : {}),
    ...(attributes.resource ? { kind: attributes.resource } : {}),
  });
}
