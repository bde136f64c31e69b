import type { ApiErrorBody, FieldError } from '../api/apiErrorBody.ts';

/** An error answer from the Raydeck REST API, as seen by the web app and the CLI. */
export class ApiError extends Error {
  readonly status: number;
  readonly reason: string;
  readonly requestId: string | undefined;
  readonly fields: readonly FieldError[];

  constructor(status: number, body: ApiErrorBody['error'] | undefined, fallbackMessage: string) {
    super(body?.message ?? fallbackMessage);
    this.name = 'ApiError';
    this.status = status;
    this.reason = body?.reason ?? 'Unknown';
    this.requestId = body?.requestId;
    this.fields = body?.fields ?? [];
  }
}
