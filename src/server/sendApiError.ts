import type { FastifyReply } from 'fastify';

import type { ApiErrorBody, FieldError } from '../shared/api/apiErrorBody.ts';

/** What a route or the error handler knows about a failed request. */
export interface ApiErrorInput {
  status: number;
  reason: string;
  message: string;
  fields?: FieldError[];
}

/** Replies with the one error shape every `/api` client understands. */
export function sendApiError(reply: FastifyReply, input: ApiErrorInput): FastifyReply {
  const body: ApiErrorBody = {
    error: {
      status: input.status,
      reason: input.reason,
      message: input.message,
      requestId: String(reply.request.id),
      ...(input.fields ? { fields: input.fields } : {}),
    },
  };
  return reply.code(input.status).type('application/json').send(body);
}
