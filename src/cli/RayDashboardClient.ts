import { CliError, exitCodes } from './exitCodes.ts';

/** A Ray job as Ray's Jobs API returns it (`JobDetails`; the fields the CLI reads). */
export interface RayJobDetails {
  submission_id?: string | null;
  job_id?: string | null;
  status: string;
  entrypoint: string;
  message?: string | null;
  start_time?: number | null;
  end_time?: number | null;
}

/** Ray job states after which nothing changes. */
export const terminalRayJobStates = new Set(['SUCCEEDED', 'FAILED', 'STOPPED']);

/**
 * Ray's dashboard REST API (Jobs, packages, Serve) of one cluster, reached through the
 * portal's dashboard proxy (`/api/v1/clusters/<team>/<name>/dashboard/…`) with the API token,
 * exactly as `ray job submit --address` calls it on a head.
 */
export class RayDashboardClient {
  private readonly base: string;
  private readonly token: string;
  private readonly doFetch: typeof fetch;

  constructor(options: {
    server: string;
    token: string;
    team: string;
    name: string;
    fetch: typeof fetch;
  }) {
    this.base = `${options.server}/api/v1/clusters/${encodeURIComponent(options.team)}/${encodeURIComponent(options.name)}/dashboard`;
    this.token = options.token;
    this.doFetch = options.fetch;
  }

  /** One call; a non-2xx answer becomes a CliError with Ray's (or the portal's) text. */
  async call(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    body?: { json: unknown } | { bytes: Uint8Array },
  ): Promise<{ status: number; text: string }> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    let payload: string | Uint8Array | undefined;
    if (body && 'json' in body) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body.json);
    } else if (body) {
      headers['content-type'] = 'application/zip';
      payload = body.bytes;
    }
    const response = await this.doFetch(`${this.base}${path}`, {
      method,
      headers,
      ...(payload !== undefined ? { body: payload } : {}),
    });
    const text = await response.text();
    if (!response.ok) {
      const code =
        response.status === 401 || response.status === 403
          ? exitCodes.auth
          : response.status === 404
            ? exitCodes.notFound
            : exitCodes.error;
      throw new CliError(`${method} ${path} answered ${response.status}: ${shortText(text)}`, code);
    }
    return { status: response.status, text };
  }

  async json<T>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<T> {
    const { text } = await this.call(method, path, body === undefined ? undefined : { json: body });
    const value: T = JSON.parse(text);
    return value;
  }
}

/** The portal's JSON error message, or the first line of Ray's text/traceback. */
function shortText(text: string): string {
  try {
    const parsed: unknown = JSON.parse(text);
    const error: unknown =
      typeof parsed === 'object' && parsed !== null ? Reflect.get(parsed, 'error') : undefined;
    const message: unknown =
      typeof error === 'object' && error !== null ? Reflect.get(error, 'message') : undefined;
    if (typeof message === 'string') return message;
  } catch {
    // Not JSON: Ray answers text.
  }
  const lines = text.trim().split('\n');
  return (lines.at(-1) ?? '').slice(0, 500);
}
