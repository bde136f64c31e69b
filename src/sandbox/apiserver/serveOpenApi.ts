import type { IncomingMessage, ServerResponse } from 'node:http';

import { OpenApiDocuments } from './OpenApiDocuments.ts';
import type { ResourceRegistry } from './resourceRegistry.ts';
import { StatusError } from './statusError.ts';

/** What client-go asks `/openapi/v2` for (the deprecated spelling) and what is answered. */
const v2ProtobufTypes = [
  'application/com.github.proto-openapi.spec.v2@v1.0+protobuf',
  'application/com.github.proto-openapi.spec.v2.v1.0+protobuf',
];
/** Go's `mime` package cannot parse the `@` spelling, so the response names the dotted one. */
const v2ProtobufResponseType = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

/** One document cache per registry (one per sandbox), built on first use. */
const documentsByRegistry = new WeakMap<ResourceRegistry, OpenApiDocuments>();

/** Whether a path is one of the OpenAPI endpoints {@link serveOpenApi} answers. */
export function isOpenApiPath(path: string): boolean {
  return path === '/openapi/v2' || path === '/openapi/v3' || path.startsWith('/openapi/v3/');
}

/**
 * Answers `GET /openapi/v2` (JSON, or gnostic protobuf — client-go asks for protobuf only),
 * `GET /openapi/v3` (the index of group-version documents) and `GET /openapi/v3/api/v1`,
 * `/openapi/v3/apis/{group}/{version}` (JSON). A request that accepts none of the served media
 * types gets 406, as the API server answers; an unknown group version gets 404.
 */
export function serveOpenApi(
  registry: ResourceRegistry,
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
): void {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    throw new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method');
  }
  let documents = documentsByRegistry.get(registry);
  if (!documents) {
    documents = new OpenApiDocuments(registry);
    documentsByRegistry.set(registry, documents);
  }
  const accepted = acceptedTypes(request.headers.accept);
  response.setHeader('Vary', 'Accept');
  if (path === '/openapi/v2') {
    const choice = negotiate(accepted, ['application/json', ...v2ProtobufTypes]);
    if (choice === undefined) throw notAcceptable();
    if (choice === 'application/json') return sendJsonText(response, documents.v2Json());
    response.writeHead(200, { 'content-type': v2ProtobufResponseType }).end(documents.v2Protobuf());
    return;
  }
  // OpenAPI v3 is served as JSON only (kubectl and helm ask for JSON).
  if (negotiate(accepted, ['application/json']) === undefined) throw notAcceptable();
  if (path === '/openapi/v3') return sendJsonText(response, documents.v3Index());
  const groupVersion = path.slice('/openapi/v3/'.length);
  const document = documents.v3(groupVersion);
  if (document === undefined) {
    throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
  }
  const hash = new URL(request.url ?? '/', 'http://sandbox').searchParams.get('hash');
  if (hash !== null) {
    // A stale hash is redirected to the current document; a current one may be cached forever.
    if (hash !== document.hash) {
      response
        .writeHead(301, { location: `/openapi/v3/${groupVersion}?hash=${document.hash}` })
        .end();
      return;
    }
    response.setHeader('Cache-Control', 'public, immutable');
  }
  response.setHeader('Etag', `"${document.hash}"`);
  sendJsonText(response, document.text);
}

function sendJsonText(response: ServerResponse, text: string): void {
  response.writeHead(200, { 'content-type': 'application/json' }).end(text);
}

/** Media types of an Accept header in the client's order, parameters dropped; none means any. */
function acceptedTypes(header: string | undefined): string[] {
  if (!header) return ['*/*'];
  return header
    .split(',')
    .map((part) => (part.split(';')[0] ?? '').trim().toLowerCase())
    .filter(Boolean);
}

/** The first served type the client accepts, in the client's order. */
function negotiate(accepted: readonly string[], served: readonly string[]): string | undefined {
  for (const type of accepted) {
    if (type === '*/*' || type === 'application/*') return served[0];
    const match = served.find((candidate) => candidate === type);
    if (match) return match;
  }
  return undefined;
}

/** The API server's OpenAPI handlers answer 406 with an empty body; a Status says why. */
function notAcceptable(): StatusError {
  return new StatusError(406, 'NotAcceptable', 'the requested media type is not served here');
}
