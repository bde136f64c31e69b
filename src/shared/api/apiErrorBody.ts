import { type Static, Type } from 'typebox';

/** One invalid input field: a JSON path such as `body.spec.workerGroups[0].replicas`. */
export const FieldError = Type.Object(
  { path: Type.String(), message: Type.String() },
  { additionalProperties: false },
);
export type FieldError = Static<typeof FieldError>;

/**
 * The single error shape of every `/api` response with a 4xx or 5xx status. 5xx bodies carry a
 * generic message only; details stay in the server log under the same `requestId`.
 */
export const ApiErrorBody = Type.Object(
  {
    error: Type.Object(
      {
        /** HTTP status code, repeated for clients that only see the body. */
        status: Type.Integer(),
        /** Stable machine-readable reason, e.g. `ValidationFailed`, `NotFound`. */
        reason: Type.String(),
        message: Type.String(),
        requestId: Type.String(),
        fields: Type.Optional(Type.Array(FieldError)),
      },
      { additionalProperties: false },
    ),
  },
  { $id: 'ApiErrorBody', additionalProperties: false },
);
export type ApiErrorBody = Static<typeof ApiErrorBody>;
