import { Ajv, type Options as AjvOptions, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify';

import { sendApiError } from './sendApiError.ts';

/**
 * Longest time a client may take to send a whole request, headers and body, in ms (120 s).
 * Node's headers timeout (60 s) still applies first. Fastify's default is no limit, so a slow body held a socket forever, even unauthenticated on
 * `/auth/login`. Two minutes still lets a 100 MiB job package upload at about 1 MB/s.
 */
export const requestTimeoutMs = 120_000;

/**
 * The Fastify options every portal app uses (the server and the in-process test apps alike):
 * caller-supplied request ids, request timeouts, and framework errors (a URL that does not
 * decode) answered in the one `ApiErrorBody` shape.
 */
export function portalFastifyOptions(logger: FastifyServerOptions['logger']): FastifyServerOptions {
  return {
    logger,
    // Request ids come from the caller when it sends one (reverse proxies, the CLI's retries).
    requestIdHeader: 'x-request-id',
    requestTimeout: requestTimeoutMs,
    // One line per request instead, by registerRequestLogging.
    logController: new LogController({ disableRequestLogging: true }),
    frameworkErrors: (error, _request, reply) =>
      sendApiError(reply, {
        status: 400,
        reason: 'BadRequest',
        message:
          error.code === 'FST_ERR_BAD_URL'
            ? 'the URL is not valid percent-encoding'
            : error.message,
      }),
  };
}

const shared: AjvOptions = { allErrors: true, useDefaults: true, strict: false };

/**
 * Bodies: no type coercion (`"1"` is not an integer, `["team-a"]` is not a string) and unknown
 * fields are errors, not silently dropped. Every object schema with `properties` that does not
 * say otherwise is closed (`additionalProperties: false`) when compiled, so no route can forget.
 */
const bodyAjv = addFormats.default(
  new Ajv({ ...shared, coerceTypes: false, removeAdditional: false }),
);
/**
 * Query strings and path parameters arrive as text, so they are coerced (`?limit=50` → 50);
 * unknown query parameters are dropped.
 */
const textAjv = addFormats.default(
  new Ajv({ ...shared, coerceTypes: 'array', removeAdditional: true }),
);

/**
 * `schema` with every open object that lists its properties closed, recursively (a copy). `$id`s
 * are dropped from the copy: body schemas are inlined (no `$ref`), and a named schema nested in
 * two bodies must not be registered twice with one Ajv.
 */
export function closeObjectSchemas(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closeObjectSchemas);
  if (typeof schema !== 'object' || schema === null) return schema;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key !== '$id') copy[key] = closeObjectSchemas(value);
  }
  if (copy['type'] === 'object' && copy['properties'] && !('additionalProperties' in copy)) {
    copy['additionalProperties'] = false;
  }
  return copy;
}

/** Compiled body validators by route schema, so a schema shared by routes compiles once. */
const bodyValidators = new WeakMap<object, ValidateFunction>();

/** Installs the body and text validators on `app` (call before registering routes). */
export function useStrictValidation(app: FastifyInstance): void {
  app.setValidatorCompiler(({ schema, httpPart }) => {
    if (httpPart !== 'body') return textAjv.compile(schema);
    let validate = bodyValidators.get(schema);
    if (!validate) {
      validate = bodyAjv.compile(closeObjectSchemas(schema) as object);
      bodyValidators.set(schema, validate);
    }
    return validate;
  });
}
