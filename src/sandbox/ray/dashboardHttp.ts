import type { IncomingMessage, ServerResponse } from 'node:http';

import { pythonJsonDumps, toGoogleStyle } from './pythonJson.ts';

/**
 * HTTP as the Ray dashboard (aiohttp) speaks it: routes matched segment by segment with no
 * trailing-slash folding, `404: Not Found` and `405: Method Not Allowed` plain-text bodies,
 * JSON written by Python's `json.dumps`, and `rest_response` envelopes.
 */

/** What a route handler gets. */
export interface RouteContext {
  request: IncomingMessage;
  response: ServerResponse;
  /** Values of `{name}` segments, percent-decoded. */
  params: Record<string, string>;
  query: URLSearchParams;
}

/** A route handler; a rejected promise becomes aiohttp's 500. */
export type RouteHandler = (context: RouteContext) => void | Promise<void>;

interface Route {
  method: string;
  segments: string[];
  handler: RouteHandler;
}

/** aiohttp's body for an unmatched path. */
export const notFoundText = '404: Not Found';
/** aiohttp's body for a known path with another method. */
export const methodNotAllowedText = '405: Method Not Allowed';
/** aiohttp's body for an exception in a handler. */
export const internalErrorText = '500 Internal Server Error\n\nServer got itself in trouble';

/** Answers with plain text (`text/plain; charset=utf-8`), as aiohttp's `Response(text=…)`. */
export function sendText(
  response: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  const body = Buffer.from(text, 'utf8');
  response.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(body.length),
    ...headers,
  });
  response.end(body);
}

/** Answers with JSON as Python's `json.dumps` writes it. */
export function sendJson(response: ServerResponse, status: number, value: unknown): void {
  const body = Buffer.from(pythonJsonDumps(value), 'utf8');
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(body.length),
  });
  response.end(body);
}

/** An empty 200, as aiohttp's bare `Response()`. */
export function sendEmpty(response: ServerResponse): void {
  response.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': '0' });
  response.end();
}

/**
 * Ray's `rest_response`: `{"result": …, "msg": …, "data": …}` with `data`'s keys renamed by
 * `to_google_style`.
 */
export function sendRest(
  response: ServerResponse,
  result: boolean,
  msg: string,
  data: Record<string, unknown>,
): void {
  sendJson(response, 200, { result, msg, data: toGoogleStyle(data) });
}

/** The whole request body as text. */
export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Splits `/a/b?x=1` into decoded path segments and the query. */
export function splitPath(pathWithQuery: string): {
  path: string;
  segments: string[];
  query: URLSearchParams;
} {
  const at = pathWithQuery.indexOf('?');
  const rawPath = (at === -1 ? pathWithQuery : pathWithQuery.slice(0, at)) || '/';
  const path = rawPath.startsWith('/') ? rawPath : `/${rawPath}`;
  const query = new URLSearchParams(at === -1 ? '' : pathWithQuery.slice(at + 1));
  return { path, segments: path.split('/').slice(1).map(safeDecode), query };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Routes like aiohttp's: `GET` also answers `HEAD`; a path with other methods gets 405. */
export class DashboardRouter {
  private readonly routes: Route[] = [];

  /** Adds a route; `pattern` is a path with `{name}` segments, e.g. `/api/jobs/{id}/stop`. */
  add(method: string, pattern: string, handler: RouteHandler): void {
    this.routes.push({ method, segments: pattern.split('/').slice(1), handler });
  }

  /**
   * The handler for `method` and `segments`, or what aiohttp answers: `not-found`, or
   * `method-not-allowed` with the methods the path has.
   */
  resolve(
    method: string,
    segments: readonly string[],
  ):
    | { kind: 'route'; handler: RouteHandler; params: Record<string, string> }
    | { kind: 'not-found' }
    | { kind: 'method-not-allowed'; allowed: string[] } {
    const allowed: string[] = [];
    for (const route of this.routes) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      if (route.method === method || (method === 'HEAD' && route.method === 'GET')) {
        return { kind: 'route', handler: route.handler, params };
      }
      allowed.push(route.method);
      if (route.method === 'GET') allowed.push('HEAD');
    }
    if (allowed.length === 0) return { kind: 'not-found' };
    return { kind: 'method-not-allowed', allowed: [...new Set(allowed)].sort() };
  }
}

function matchSegments(
  pattern: readonly string[],
  segments: readonly string[],
): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, part] of pattern.entries()) {
    const segment = segments[index] ?? '';
    if (part.startsWith('{') && part.endsWith('}')) {
      if (segment === '') return undefined;
      params[part.slice(1, -1)] = segment;
    } else if (part !== segment) {
      return undefined;
    }
  }
  return params;
}
