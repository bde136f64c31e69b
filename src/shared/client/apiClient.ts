import type { ApiErrorBody } from '../api/apiErrorBody.ts';
import type { VersionInfo } from '../api/versionInfo.ts';
import { ApiError } from './ApiError.ts';
import { type AuthEndpoints, authEndpoints } from './authEndpoints.ts';
import { type PortalEndpoints, portalEndpoints } from './portalEndpoints.ts';

/** Options for {@link createApiClient}. */
export interface ApiClientOptions {
  /** Origin of the portal, e.g. `http://127.0.0.1:8080`. Empty means same origin (the web app). */
  baseUrl?: string;
  /** Injected for tests; defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /** Bearer API token (CLI, automation). The web app uses its session cookie instead. */
  token?: string;
  /** Returns the CSRF token to send on mutations made with a session cookie. */
  csrfToken?: () => string | undefined;
}

/** One request through the client: JSON in, JSON out, errors as {@link ApiError}. */
export interface ApiRequestInit {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** Raw bytes sent as they are (e.g. a zip), with `content-type` `application/zip`; not with `body`. */
  bytes?: Uint8Array;
  headers?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined>;
}

/** The low-level request function every endpoint group is built on. */
export type ApiRequest = <T>(path: string, init?: ApiRequestInit) => Promise<T>;

/** The typed Raydeck REST client shared by the web app and the CLI. */
export interface ApiClient extends AuthEndpoints, PortalEndpoints {
  request: ApiRequest;
  getVersion(): Promise<VersionInfo>;
}

/** Creates an {@link ApiClient}; every non-2xx answer becomes an {@link ApiError}. */
export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const baseUrl = options.baseUrl ?? '';
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);

  const request: ApiRequest = async <T>(path: string, init: ApiRequestInit = {}): Promise<T> => {
    const method = init.method ?? 'GET';
    const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    if (init.bytes !== undefined) headers['content-type'] ??= 'application/zip';
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    const csrf = method !== 'GET' ? options.csrfToken?.() : undefined;
    if (csrf) headers['x-csrf-token'] = csrf;
    const query = Object.entries(init.query ?? {}).filter(
      ([, value]) => value !== undefined && value !== '',
    );
    const search =
      query.length > 0
        ? `?${new URLSearchParams(query.map(([key, value]): [string, string] => [key, String(value)]))}`
        : '';
    const response = await doFetch(`${baseUrl}${path}${search}`, {
      method,
      headers,
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      // A copy on its own ArrayBuffer: fetch's BodyInit takes no view of a SharedArrayBuffer.
      ...(init.bytes !== undefined ? { body: init.bytes.slice() } : {}),
      credentials: 'same-origin',
    });
    const text = await response.text();
    const body: unknown = text ? parseJson(text) : undefined;
    if (!response.ok) {
      const error = (body as Partial<ApiErrorBody> | undefined)?.error;
      throw new ApiError(response.status, error, `${response.status} ${response.statusText}`);
    }
    return body as T;
  };

  return {
    request,
    getVersion: () => request<VersionInfo>('/api/v1/version'),
    ...authEndpoints(request),
    ...portalEndpoints(request),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
