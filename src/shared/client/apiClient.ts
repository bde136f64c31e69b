import type { ApiErrorBody } from '../api/apiErrorBody.ts';
import type { VersionInfo } from '../api/versionInfo.ts';
import { ApiError } from './ApiError.ts';

/** Options for {@link createApiClient}. */
export interface ApiClientOptions {
  /** Origin of the portal, e.g. `http://127.0.0.1:8080`. Empty means same origin (the web app). */
  baseUrl?: string;
  /** Injected for tests and for Node < 18 polyfills; defaults to the global `fetch`. */
  fetch?: typeof fetch;
}

/** The typed Raydeck REST client shared by the web app and the CLI. */
export interface ApiClient {
  getVersion(): Promise<VersionInfo>;
}

/** Creates an {@link ApiClient}; every non-2xx answer becomes an {@link ApiError}. */
export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const baseUrl = options.baseUrl ?? '';
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);

  async function request<T>(path: string): Promise<T> {
    const response = await doFetch(`${baseUrl}${path}`, {
      headers: { accept: 'application/json' },
    });
    const text = await response.text();
    const body: unknown = text ? parseJson(text) : undefined;
    if (!response.ok) {
      const error = (body as Partial<ApiErrorBody> | undefined)?.error;
      throw new ApiError(response.status, error, `${response.status} ${response.statusText}`);
    }
    return body as T;
  }

  return {
    getVersion: () => request<VersionInfo>('/api/v1/version'),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
