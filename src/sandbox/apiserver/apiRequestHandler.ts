import type { IncomingMessage, ServerResponse } from 'node:http';

import { parse as parseYaml } from 'yaml';

import { answerReview } from './answerReview.ts';
import { authenticateRequest, type RequestAuthentication } from './authenticateRequest.ts';
import { authorizeRequest } from './authorizeRequest.ts';
import {
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  sandboxKubernetesVersion,
} from './discovery.ts';
import { fieldManagerOptions, type WriteVerb } from './fieldManagerOptions.ts';
import { FieldSelectorError, parseFieldSelector, supportedFieldPaths } from './fieldSelector.ts';
import { followPodLog, logContainerName } from './followPodLog.ts';
import { decodeKubernetesProtobuf, hasProtobufForm } from './kubernetesProtobuf.ts';
import { parseLabelSelector, SelectorParseError } from './labelSelector.ts';
import type {
  DeleteOptions,
  ListOptions,
  ObjectApi,
  PatchType,
  WriteOptions,
} from './objectApi.ts';
import { PatchError } from './patchObject.ts';
import { acceptedFormats, sendProtobufResponses } from './protobufResponses.ts';
import { proxyToPod, splitNameAndPort } from './proxyToPod.ts';
import type { RbacAuthorizer } from './RbacAuthorizer.ts';
import { readyServicePort } from './readyServicePort.ts';
import { groupVersionOf, type KubeObject, type ResourceType } from './resourceType.ts';
import { patchScale, scaleOf, updateScale } from './scaleSubresource.ts';
import { isOpenApiPath, serveOpenApi } from './serveOpenApi.ts';
import {
  serveTableList,
  serveTableObject,
  tableEventObject,
  tableRequested,
} from './serveTable.ts';
import type { ServiceProxyRegistry } from './serviceProxy.ts';
import { serviceProxySubpath } from './serviceProxySubpath.ts';
import {
  badRequest,
  methodNotAllowed,
  serviceUnavailable,
  StatusError,
  unsupportedMediaType,
} from './statusError.ts';
import type { FieldValidation } from './structuralSchema.ts';
import { waitForResourceVersion } from './waitForResourceVersion.ts';
import { serveWatch } from './watchStream.ts';

/** Source of container logs for `pods/{name}/log` (the simulated kubelet provides one). */
export type PodLogSource = (input: {
  namespace: string;
  pod: KubeObject;
  container: string | undefined;
  tailLines: number | undefined;
}) => string;

/** What the request handler needs; everything is in-process. */
export interface ApiRequestContext {
  api: ObjectApi;
  proxies: ServiceProxyRegistry;
  /** Who sends each request: the admin token, ServiceAccount tokens, impersonation. */
  authentication: RequestAuthentication;
  /** Authorizes every request and access review (`--rbac`); without it all is allowed. */
  authorizer?: RbacAuthorizer;
  /** `host:port` clients reach the server on, for `/api` discovery. */
  serverAddress: () => string;
  podLogs?: PodLogSource;
}

/** Largest request body accepted, as the real API server's 3 MiB limit. */
const maxBodyBytes = 3 * 1024 * 1024;

/**
 * The sandbox's HTTP entry: discovery, every resource verb, watch, subresources, access reviews
 * and the service proxy, answering errors as Kubernetes `Status` bodies.
 */
export function createApiRequestHandler(context: ApiRequestContext) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    handle(context, request, response).catch((error: unknown) => sendError(response, error));
  };
}

async function handle(
  context: ApiRequestContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://sandbox');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  if (path === '/healthz' || path === '/readyz' || path === '/livez') {
    response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    return;
  }
  const user = authenticateRequest(context.authentication, request);
  authorizeRequest(context.authorizer, user, request.method ?? 'GET', url);
  if (path === '/version') return sendJson(response, 200, sandboxKubernetesVersion);
  if (path === '/api') return sendJson(response, 200, apiVersions(context.serverAddress()));
  if (path === '/apis') return sendJson(response, 200, apiGroupList(context.api.registry));
  if (isOpenApiPath(path)) return serveOpenApi(context.api.registry, request, response, path);

  const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === 'api' && segments[1]) {
    [group, version, rest] = ['', segments[1], segments.slice(2)];
  } else if (segments[0] === 'apis' && segments[1]) {
    if (!segments[2]) {
      const body = apiGroup(context.api.registry, segments[1]);
      return body ? sendJson(response, 200, body) : sendError(response, pathNotFound());
    }
    [group, version, rest] = [segments[1], segments[2], segments.slice(3)];
  } else {
    return sendError(response, pathNotFound());
  }
  if (rest.length === 0) {
    const body = apiResourceList(context.api.registry, group, version);
    return body ? sendJson(response, 200, body) : sendError(response, pathNotFound());
  }

  const registry = context.api.registry;
  let namespace: string | undefined;
  let plural: string;
  let name: string | undefined;
  let subresource: string[];
  const namespacedType =
    rest[0] === 'namespaces' && rest[2] ? registry.lookup(group, version, rest[2]) : undefined;
  if (namespacedType?.namespaced) {
    [namespace, plural, name, subresource] = [rest[1], rest[2] as string, rest[3], rest.slice(4)];
  } else {
    [plural, name, subresource] = [rest[0] as string, rest[1], rest.slice(2)];
  }
  const type = registry.lookup(group, version, plural);
  if (!type) return sendError(response, pathNotFound());

  if (type.kind === 'Service' && name && subresource[0] === 'proxy') {
    return proxyToService(context, request, response, {
      namespace: namespace ?? '',
      name,
      // The path after `/proxy`, decoded once as Kubernetes does (`%2F` is a slash), trailing
      // slash kept: it matters to Ray (`/api/jobs/`).
      subpath: serviceProxySubpath(url.pathname),
      search: url.search,
    });
  }
  if (type.kind === 'Pod' && !type.group && name && subresource[0] === 'proxy') {
    const pod = context.api.get(type, namespace, splitNameAndPort(name)[0]);
    return proxyToPod(request, response, {
      namespace: namespace ?? '',
      pod,
      nameAndPort: name,
      pathname: url.pathname,
      search: url.search,
      ports: context.proxies.podPorts,
    });
  }
  const query = url.searchParams;
  const sub = subresource[0];
  const method = request.method ?? 'GET';
  const applying = method === 'PATCH' && isApplyPatch(request.headers['content-type']);
  const writeVerb: WriteVerb | undefined = applying
    ? 'apply'
    : ({ POST: 'create', PUT: 'update', PATCH: 'patch' } as const)[
        method as 'POST' | 'PUT' | 'PATCH'
      ];
  const fieldManager = writeVerb
    ? fieldManagerOptions(query, request.headers['user-agent'], writeVerb)
    : undefined;
  const writeOptions: WriteOptions = {
    user,
    dryRun: query.getAll('dryRun').includes('All'),
    fieldValidation: parseFieldValidation(query.get('fieldValidation')),
    ...optional('fieldManager', fieldManager?.fieldManager),
  };
  if (type.kind === 'Pod' && !type.group && name && sub === 'portforward') {
    // Port-forward is served on upgrades (createUpgradeHandler.ts); a plain request gets the
    // kubelet's refusal to upgrade it, in plain text as the API server passes it on.
    context.api.get(type, namespace, name);
    response
      .writeHead(400, { 'content-type': 'text/plain; charset=utf-8' })
      .end('unable to upgrade: missing upgrade headers in request');
    return;
  }
  if (type.kind === 'Pod' && !type.group && name && sub && sub in containerStreamVerbs) {
    context.api.get(type, namespace, name);
    throw badRequest(
      `the Raydeck sandbox runs no containers; ${containerStreamVerbs[sub] ?? sub} is not supported`,
    );
  }
  if (sub !== undefined && !type.subresources.includes(sub as never))
    return sendError(response, pathNotFound());
  // Built-in kinds answer in protobuf when the client prefers it; custom resources have no
  // protobuf form, so they answer JSON when that is acceptable too, else 406.
  const formats = acceptedFormats(request.headers.accept);
  if (formats.protobuf) {
    if (hasProtobufForm(groupVersionOf(type), type.kind)) sendProtobufResponses(response);
    else if (!formats.jsonAccepted) {
      return sendError(
        response,
        new StatusError(
          406,
          'NotAcceptable',
          `the server was unable to respond with a content type that the client supports`,
        ),
      );
    }
  }

  if (type.review) {
    if (method !== 'POST') return sendError(response, methodNotAllowed());
    const body = await readBody(request);
    return sendJson(response, 201, answerReview(type, body, user, context.authorizer));
  }
  if (sub === 'token') {
    if (method !== 'POST') return sendError(response, methodNotAllowed());
    const body = await readBody(request);
    const tokens = context.authentication.tokens;
    return sendJson(response, 201, tokens.request(namespace ?? '', name ?? '', body));
  }

  if (method === 'GET') {
    if (!name) {
      const filter = listFilter(type, namespace, query);
      const resourceVersion = query.get('resourceVersion') ?? undefined;
      if (isTrue(query.get('watch'))) {
        // A plain watch from a future resourceVersion waits for it; a streaming list first
        // waits for the cache to reach it, then fails in the stream, as the watch cache does.
        if (isTrue(query.get('sendInitialEvents'))) {
          const failure = await waitForResourceVersion(context.api.store, resourceVersion).then(
            () => undefined,
            (error: unknown) => error,
          );
          if (failure instanceof StatusError) return sendWatchError(response, failure);
        }
        const table = tableRequested(request.headers.accept);
        return serveWatch(request, response, {
          api: context.api,
          type,
          filter,
          ...optional('eventObject', table && tableEventObject(context.api, type, table, query)),
          resourceVersion: query.get('resourceVersion') ?? undefined,
          allowBookmarks: isTrue(query.get('allowWatchBookmarks')),
          sendInitialEvents: isTrue(query.get('sendInitialEvents')),
          timeoutSeconds: numberParam(query, 'timeoutSeconds'),
        });
      }
      await waitForResourceVersion(context.api.store, resourceVersion);
      const listOptions = {
        ...filter,
        ...optional('limit', numberParam(query, 'limit')),
        ...optional('continueToken', query.get('continue') ?? undefined),
      };
      const table = tableRequested(request.headers.accept);
      if (table) return serveTableList(context.api, type, response, table, query, listOptions);
      return sendList(context.api, type, response, listOptions);
    }
    await waitForResourceVersion(context.api.store, query.get('resourceVersion') ?? undefined);
    if (sub === 'log')
      return sendPodLog(context, request, response, type, namespace ?? '', name, query);
    if (sub === 'scale')
      return sendJson(response, 200, scaleOf(context.api.get(type, namespace, name)));
    const table = sub === undefined ? tableRequested(request.headers.accept) : undefined;
    if (table) {
      const record = context.api.getRecord(type, namespace, name);
      return serveTableObject(context.api, type, response, table, query, record);
    }
    return sendRecord(
      context.api,
      type,
      response,
      200,
      context.api.getRecord(type, namespace, name),
    );
  }
  if (method === 'POST') {
    if (name && sub === 'binding') {
      const body = (await readBody(request)) as { target?: { name?: string } };
      return sendJson(
        response,
        201,
        bindPod(context.api, type, namespace ?? '', name, body.target?.name, writeOptions),
      );
    }
    if (name) return sendError(response, methodNotAllowed());
    const result = context.api.create(type, namespace, await readBody(request), writeOptions);
    return sendWrite(response, 201, result.object, result.warnings);
  }
  if (!name) {
    if (method === 'DELETE')
      return deleteCollection(context.api, type, response, namespace, query, writeOptions);
    return sendError(response, methodNotAllowed());
  }
  const statusSubresource = sub === 'status' ? { subresource: 'status' as const } : {};
  if (method === 'PUT' && sub === 'scale') {
    const body = await readBody(request);
    return sendJson(
      response,
      200,
      updateScale(context.api, type, namespace, name, body, writeOptions),
    );
  }
  if (method === 'PATCH' && sub === 'scale') {
    const patchType = patchTypeOf(request.headers['content-type']);
    const body = await readBody(request, 'json');
    return sendJson(
      response,
      200,
      patchScale(context.api, type, namespace, name, patchType, body, writeOptions),
    );
  }
  if (method === 'PUT') {
    const result = context.api.update(type, namespace, name, await readBody(request), {
      ...writeOptions,
      ...statusSubresource,
    });
    return sendWrite(response, 200, result.object, result.warnings);
  }
  if (applying && sub !== 'scale') {
    // Server-side apply; a missing object is created (201).
    const result = context.api.apply(type, namespace, name, await readBody(request), {
      ...writeOptions,
      fieldManager: fieldManager?.fieldManager ?? '',
      force: fieldManager?.force ?? false,
      ...statusSubresource,
    });
    return sendWrite(response, result.created ? 201 : 200, result.object, result.warnings);
  }
  if (method === 'PATCH') {
    const patchType = patchTypeOf(request.headers['content-type']);
    const result = context.api.patch(
      type,
      namespace,
      name,
      patchType,
      await readBody(request, 'json'),
      {
        ...writeOptions,
        ...statusSubresource,
      },
    );
    return sendWrite(response, 200, result.object, result.warnings);
  }
  if (method === 'DELETE') {
    const options = await deleteOptionsOf(request, query, writeOptions);
    const result = context.api.delete(type, namespace, name, options);
    return sendJson(response, 200, result.object);
  }
  return sendError(response, methodNotAllowed());
}

function pathNotFound(): StatusError {
  return new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
}

/** Pod subresources that stream into a container, with the verb a message names. */
const containerStreamVerbs: Record<string, string> = {
  exec: 'exec',
  attach: 'attach',
};

/**
 * A boolean query parameter as Kubernetes decodes it (`Convert_Slice_string_To_bool`): absent is
 * false; present, anything but `0` or `false` (any case) is true, so Python's `watch=True` and a
 * bare `?watch` both watch.
 */
function isTrue(value: string | null): boolean {
  return value !== null && value !== '0' && value.toLowerCase() !== 'false';
}

function numberParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw badRequest(`invalid value for ${name}: ${raw}`);
  return value;
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function parseFieldValidation(value: string | null): FieldValidation {
  if (value === null || value === '' || value === 'Ignore') return 'Ignore';
  if (value === 'Warn' || value === 'Strict') return value;
  throw badRequest(`fieldValidation must be one of "Ignore", "Warn" or "Strict", got "${value}"`);
}

function listFilter(
  type: ResourceType,
  namespace: string | undefined,
  query: URLSearchParams,
): Pick<ListOptions, 'namespace' | 'labelSelector' | 'fieldSelector'> {
  const labelSelector = query.get('labelSelector');
  const fieldSelector = query.get('fieldSelector');
  try {
    const parsedFields = fieldSelector ? parseFieldSelector(fieldSelector) : undefined;
    if (parsedFields) {
      const supported = supportedFieldPaths(type.group, type.kind);
      for (const requirement of parsedFields.requirements) {
        if (!supported.has(requirement.field)) {
          throw new FieldSelectorError(`field label not supported: ${requirement.field}`);
        }
      }
    }
    return {
      ...optional('namespace', namespace),
      ...optional('labelSelector', labelSelector ? parseLabelSelector(labelSelector) : undefined),
      ...optional('fieldSelector', parsedFields),
    };
  } catch (error) {
    if (error instanceof SelectorParseError || error instanceof FieldSelectorError)
      throw badRequest(error.message);
    throw error;
  }
}

async function readBody(
  request: IncomingMessage,
  format: 'json' | 'auto' = 'auto',
): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes)
      throw new StatusError(
        413,
        'RequestEntityTooLarge',
        'Request entity too large: limit is 3145728',
      );
    chunks.push(chunk as Buffer);
  }
  const raw = Buffer.concat(chunks);
  const text = raw.toString('utf8');
  if (text.trim() === '') throw badRequest('the body of the request is empty');
  const contentType = request.headers['content-type'] ?? '';
  if (contentType.includes('protobuf')) {
    // Built-in kinds (kubectl's typed clients, Helm's release Secret); custom resources get 415.
    const decoded = decodeKubernetesProtobuf(raw);
    if (decoded) return decoded;
    throw unsupportedMediaType(
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`,
    );
  }
  if (format === 'auto' && /yaml/.test(contentType)) {
    try {
      // JSON is YAML; kubectl sends applied configurations as JSON, parsed faster as such.
      if (text.trimStart().startsWith('{')) {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          // Flow-style YAML that is not JSON: read it as YAML below.
        }
      }
      return parseYaml(text) as unknown;
    } catch (error) {
      throw badRequest(
        `couldn't get version/kind; yaml parse error: ${(error as Error).message.split('\n')[0]}`,
      );
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(error as Error).message}`);
  }
}

/** `application/apply-patch+yaml`: a server-side apply (the CBOR form is not served). */
function isApplyPatch(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]?.trim() === 'application/apply-patch+yaml';
}

function patchTypeOf(contentType: string | undefined): PatchType {
  const base = (contentType ?? '').split(';')[0]?.trim();
  if (base === 'application/merge-patch+json') return 'merge';
  if (base === 'application/json-patch+json') return 'json';
  if (base === 'application/strategic-merge-patch+json') return 'strategic';
  throw unsupportedMediaType(
    `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`,
  );
}

async function deleteOptionsOf(
  request: IncomingMessage,
  query: URLSearchParams,
  writeOptions: WriteOptions,
): Promise<DeleteOptions> {
  let body: Record<string, unknown> = {};
  const hasBody =
    Number(request.headers['content-length'] ?? 0) > 0 ||
    request.headers['transfer-encoding'] !== undefined;
  if (hasBody) {
    const parsed = await readBody(request, 'json').catch((error: unknown) => {
      if (error instanceof StatusError && error.message === 'the body of the request is empty')
        return {};
      throw error;
    });
    body = (parsed ?? {}) as Record<string, unknown>;
  }
  const policy = (query.get('propagationPolicy') ?? body['propagationPolicy']) as
    string | undefined;
  if (policy !== undefined && !['Background', 'Foreground', 'Orphan'].includes(policy)) {
    throw badRequest(
      `propagationPolicy: Unsupported value: "${policy}": supported values: "Background", "Foreground", "Orphan"`,
    );
  }
  const grace = query.get('gracePeriodSeconds') ?? body['gracePeriodSeconds'];
  const dryRun =
    writeOptions.dryRun ||
    (Array.isArray(body['dryRun']) && (body['dryRun'] as string[]).includes('All'));
  const orphan = body['orphanDependents'] === true ? 'Orphan' : undefined;
  return {
    ...writeOptions,
    dryRun,
    ...optional('propagationPolicy', (policy ?? orphan) as DeleteOptions['propagationPolicy']),
    ...optional(
      'gracePeriodSeconds',
      grace === undefined || grace === null ? undefined : Number(grace),
    ),
    ...optional('preconditions', body['preconditions'] as DeleteOptions['preconditions']),
  };
}

function deleteCollection(
  api: ObjectApi,
  type: ResourceType,
  response: ServerResponse,
  namespace: string | undefined,
  query: URLSearchParams,
  writeOptions: WriteOptions,
): void {
  const { items } = api.list(type, listFilter(type, namespace, query));
  const deleted = items.map(
    (item) =>
      api.delete(type, item.metadata?.namespace, item.metadata?.name ?? '', writeOptions).object,
  );
  sendJson(response, 200, {
    kind: type.listKind,
    apiVersion: groupVersionOf(type),
    metadata: {},
    items: deleted,
  });
}

function bindPod(
  api: ObjectApi,
  type: ResourceType,
  namespace: string,
  name: string,
  node: string | undefined,
  options: WriteOptions,
): object {
  if (!node) throw badRequest('Binding target.name is required');
  const pod = api.get(type, namespace, name);
  const current = (pod['spec'] as { nodeName?: string } | undefined)?.nodeName;
  if (current) {
    throw new StatusError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on pods/binding "${name}": pod ${name} is already assigned to node "${current}"`,
    );
  }
  api.patch(type, namespace, name, 'merge', { spec: { nodeName: node } }, options);
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
}

function sendPodLog(
  context: ApiRequestContext,
  request: IncomingMessage,
  response: ServerResponse,
  type: ResourceType,
  namespace: string,
  name: string,
  query: URLSearchParams,
): void {
  const pod = context.api.get(type, namespace, name);
  const container = query.get('container') ?? undefined;
  const text =
    context.podLogs?.({ namespace, pod, container, tailLines: numberParam(query, 'tailLines') }) ??
    '';
  const source = context.podLogs;
  if (!isTrue(query.get('follow')) || !source) {
    response.writeHead(200, { 'content-type': 'text/plain' }).end(text);
    return;
  }
  followPodLog({
    request,
    response,
    api: context.api,
    type,
    namespace,
    name,
    container: logContainerName(pod, container),
    initial: text,
    readLog: (current) => source({ namespace, pod: current, container, tailLines: undefined }),
  });
}

/** A watch that fails before it starts: 200 and one ERROR event, as Kubernetes streams it. */
function sendWatchError(response: ServerResponse, error: StatusError): void {
  response
    .writeHead(200, { 'content-type': 'application/json' })
    .end(`${JSON.stringify({ type: 'ERROR', object: error.toBody() })}\n`);
}

function proxyToService(
  context: ApiRequestContext,
  request: IncomingMessage,
  response: ServerResponse,
  target: { namespace: string; name: string; subpath: string; search: string },
): void {
  const [serviceName, portPart] = target.name.split(':') as [string, string | undefined];
  const identifiers = readyServicePort(context.api, target.namespace, serviceName, portPart);
  const handler = context.proxies.find(target.namespace, serviceName, identifiers);
  if (!handler) throw serviceUnavailable(`no endpoints available for service "${serviceName}"`);
  handler(request, response, `${target.subpath}${target.search}`);
}

function sendList(
  api: ObjectApi,
  type: ResourceType,
  response: ServerResponse,
  options: ListOptions,
): void {
  const result = api.list(type, options);
  const metadata = JSON.stringify({
    resourceVersion: result.resourceVersion,
    ...optional('continue', result.continueToken),
    ...optional('remainingItemCount', result.remainingItemCount),
  });
  // Items are joined from cached per-object JSON: no object is serialised twice.
  const items = result.records.map((record) => api.serialize(type, record)).join(',');
  const body = `{"kind":"${type.listKind}","apiVersion":"${groupVersionOf(type)}","metadata":${metadata},"items":[${items}]}`;
  response.writeHead(200, { 'content-type': 'application/json' }).end(body);
}

function sendRecord(
  api: ObjectApi,
  type: ResourceType,
  response: ServerResponse,
  code: number,
  record: Parameters<ObjectApi['serialize']>[1],
): void {
  response.writeHead(code, { 'content-type': 'application/json' }).end(api.serialize(type, record));
}

function sendWrite(
  response: ServerResponse,
  code: number,
  object: unknown,
  warnings: readonly string[],
): void {
  if (warnings.length > 0) {
    response.setHeader(
      'Warning',
      warnings.map((warning) => `299 - ${JSON.stringify(warning)}`),
    );
  }
  sendJson(response, code, object);
}

function sendJson(response: ServerResponse, code: number, body: unknown): void {
  response.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function sendError(response: ServerResponse, error: unknown): void {
  const status =
    error instanceof StatusError
      ? error
      : error instanceof PatchError
        ? new StatusError(422, 'Invalid', error.message)
        : new StatusError(
            500,
            'InternalError',
            `Internal error occurred: ${(error as Error).message ?? String(error)}`,
          );
  if (response.headersSent) {
    response.end();
    return;
  }
  sendJson(response, status.code, status.toBody());
}
