/**
 * What an authorizer decides on, as Kubernetes' `authorizer.Attributes`: either a resource
 * request (verb, API group, namespace, resource, subresource, name) or a non-resource request
 * (verb and path). Empty strings stand for "none", as in Kubernetes.
 */
export interface RequestAttributes {
  resourceRequest: boolean;
  verb: string;
  /** The URL path of a non-resource request, e.g. `/healthz`. */
  path: string;
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
}

/** Path prefixes that start a resource URL: `/api/{version}/…` and `/apis/{group}/{version}/…`. */
const groupedPrefix = 'apis';
const corePrefix = 'api';
/** `/api/v1/watch/…` and `/api/v1/proxy/…` name their verb in the path. */
const specialVerbs = new Set(['proxy', 'watch']);
/** Namespace subresources: `/api/v1/namespaces/{name}/status` is not a namespaced resource. */
const namespaceSubresources = new Set(['status', 'finalize']);

/**
 * Derives the authorization attributes of a request the way Kubernetes' `RequestInfoFactory`
 * does: the verb from the method (GET on a collection is `list`, or `watch` with `watch=true`;
 * DELETE on a collection is `deletecollection`), the namespace of
 * `/api/v1/namespaces/{name}` being `{name}` itself, and a `metadata.name=` field selector naming
 * the object of a list or watch (so `resourceNames` rules can allow it). Discovery documents
 * (`/api`, `/api/v1`, `/apis/{group}/{version}`) are non-resource requests.
 */
export function requestAttributes(
  method: string,
  pathname: string,
  query: URLSearchParams,
): RequestAttributes {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const nonResource: RequestAttributes = {
    resourceRequest: false,
    verb: method.toLowerCase(),
    path: pathname,
    apiGroup: '',
    apiVersion: '',
    namespace: '',
    resource: '',
    subresource: '',
    name: '',
  };
  if (parts.length < 3 || (parts[0] !== corePrefix && parts[0] !== groupedPrefix)) {
    return nonResource;
  }
  let rest = parts.slice(1);
  let apiGroup = '';
  if (parts[0] === groupedPrefix) {
    if (rest.length < 3) return nonResource;
    apiGroup = rest[0] as string;
    rest = rest.slice(1);
  }
  const apiVersion = rest[0] as string;
  rest = rest.slice(1);
  let verb: string;
  if (specialVerbs.has(rest[0] as string) && rest.length >= 2) {
    verb = rest[0] as string;
    rest = rest.slice(1);
  } else {
    verb = verbOfMethod(method);
  }
  let namespace = '';
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1] as string;
    if (rest.length > 2 && !namespaceSubresources.has(rest[2] as string)) rest = rest.slice(2);
  }
  const resource = rest[0] ?? '';
  let name = rest[1] ?? '';
  const subresource = verb !== 'proxy' ? (rest[2] ?? '') : '';
  if (!name && verb === 'get') {
    verb = isTrue(query.get('watch')) ? 'watch' : 'list';
    name = nameFromFieldSelector(query.get('fieldSelector'));
  }
  if (!name && verb === 'delete') verb = 'deletecollection';
  return {
    resourceRequest: true,
    verb,
    path: pathname,
    apiGroup,
    apiVersion,
    namespace,
    resource,
    subresource,
    name,
  };
}

function verbOfMethod(method: string): string {
  switch (method.toUpperCase()) {
    case 'POST':
      return 'create';
    case 'GET':
    case 'HEAD':
      return 'get';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return 'delete';
    default:
      return '';
  }
}

/** A boolean query parameter as Kubernetes decodes it: present and not `0` or `false`. */
function isTrue(value: string | null): boolean {
  return value !== null && value !== '0' && value.toLowerCase() !== 'false';
}

/** The name a `metadata.name=x` (or `==x`) field selector requires, if it is a valid name. */
function nameFromFieldSelector(selector: string | null): string {
  for (const term of (selector ?? '').split(',')) {
    const match = /^\s*metadata\.name\s*==?\s*(.*?)\s*$/.exec(term);
    const value = match?.[1];
    if (value && value !== '.' && value !== '..' && !/[/%]/.test(value)) return value;
  }
  return '';
}
