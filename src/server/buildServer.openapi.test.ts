import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startTestPortal, type TestPortal } from '../../test/support/startTestPortal.ts';
import { streamEventNames } from '../shared/api/streamSchemas.ts';

/** The parts of the OpenAPI document these checks read. */
interface OpenApiDocument {
  tags?: { name: string }[];
  security?: unknown[];
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown> };
}

interface Operation {
  tags?: string[];
  summary?: string;
  description?: string;
  security?: unknown[];
  requestBody?: { content?: Record<string, { example?: unknown; examples?: unknown }> };
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

/** Operations anyone may call: health, metrics, version and sign-in. */
const publicOperations = [
  'GET /healthz',
  'GET /readyz',
  'GET /metrics',
  'GET /api/v1/version',
  'POST /api/v1/auth/login',
  'GET /api/v1/auth/methods',
];

/** Where in `schema` a value may be anything (`{}`: a `Type.Unknown()`), as JSON paths. */
function unconstrained(schema: unknown, path: string): string[] {
  if (typeof schema !== 'object' || schema === null) return [];
  const keys = Object.keys(schema);
  const constraining = ['type', '$ref', 'anyOf', 'oneOf', 'allOf', 'const', 'enum', 'not'];
  if (!keys.some((key) => constraining.includes(key))) return [path];
  const record = schema as Record<string, unknown>;
  const nested: [string, unknown][] = [
    ...Object.entries((record['properties'] as Record<string, unknown> | undefined) ?? {}).map(
      ([key, value]): [string, unknown] => [`${path}.${key}`, value],
    ),
    ...Object.entries(
      (record['patternProperties'] as Record<string, unknown> | undefined) ?? {},
    ).map(([, value]): [string, unknown] => [`${path}[*]`, value]),
    ...(typeof record['items'] === 'object'
      ? [[`${path}[]`, record['items']] as [string, unknown]]
      : []),
    ...(['anyOf', 'oneOf', 'allOf'] as const).flatMap((key) =>
      ((record[key] as unknown[] | undefined) ?? []).map((value, index): [string, unknown] => [
        `${path}.${key}[${index}]`,
        value,
      ]),
    ),
    ...(typeof record['additionalProperties'] === 'object'
      ? [[`${path}[*]`, record['additionalProperties']] as [string, unknown]]
      : []),
  ];
  return nested.flatMap(([childPath, child]) => unconstrained(child, childPath));
}

let portal: TestPortal;
let document: OpenApiDocument;
let operations: [string, Operation][];
beforeAll(async () => {
  portal = await startTestPortal();
  document = await portal.admin.request<OpenApiDocument>('/api/openapi.json');
  operations = Object.entries(document.paths).flatMap(([path, byMethod]) =>
    Object.entries(byMethod).map(([method, operation]): [string, Operation] => [
      `${method.toUpperCase()} ${path}`,
      operation,
    ]),
  );
}, 120_000);
afterAll(() => portal.close());

describe('the OpenAPI document at /api/openapi.json', () => {
  it('gives every operation a declared tag and a summary', () => {
    const declared = new Set(document.tags?.map((tag) => tag.name));
    const missing = operations
      .filter(([, operation]) => !operation.summary || !operation.tags?.length)
      .map(([name]) => name);
    expect(missing).toEqual([]);
    const undeclared = operations.flatMap(([name, operation]) =>
      (operation.tags ?? []).filter((tag) => !declared.has(tag)).map((tag) => `${name}: ${tag}`),
    );
    expect(undeclared).toEqual([]);
  });

  it('shows no security on public operations, and bearer security on every other', () => {
    expect(document.security).toEqual([{ bearer: [] }]);
    const names = operations.map(([name]) => name);
    expect(names).toEqual(expect.arrayContaining(publicOperations));
    for (const [name, operation] of operations) {
      if (publicOperations.includes(name)) expect(operation.security, name).toEqual([]);
      else expect(operation.security, name).toBeUndefined();
    }
  });

  it('documents the dashboard proxy once, with the routes it forwards', () => {
    const proxy = operations.filter(([name]) => name.includes('/dashboard/'));
    expect(proxy.map(([name]) => name)).toEqual([
      'GET /api/v1/clusters/{team}/{name}/dashboard/{*}',
    ]);
    expect(proxy[0]?.[1].description).toContain('/api/jobs/');
  });

  it('has examples on the main request bodies', () => {
    for (const name of [
      'POST /api/v1/clusters',
      'POST /api/v1/clusters/{team}/{name}/scale',
      'POST /api/v1/templates',
    ]) {
      const media = operations.find(([candidate]) => candidate === name)?.[1].requestBody
        ?.content?.['application/json'];
      expect(media?.example ?? media?.examples, name).toBeDefined();
    }
  });

  it('lists every stream event with its schema, linked from the stream operation', () => {
    const stream = operations.find(([name]) => name === 'GET /api/v1/stream')?.[1];
    for (const event of streamEventNames) {
      expect(document.components?.schemas?.[`StreamEvent.${event}`], event).toBeDefined();
      expect(stream?.description).toContain(`#/components/schemas/StreamEvent.${event}`);
    }
  });

  it('documents the error shape of every operation', () => {
    const undocumented = operations
      .filter(([, operation]) => {
        const schema = operation.responses?.['4XX']?.content?.['application/json']?.schema;
        return !JSON.stringify(schema ?? {}).includes('"requestId"');
      })
      .map(([name]) => name);
    expect(undocumented).toEqual([]);
  });

  it('constrains every JSON response body (no schema that allows anything)', () => {
    const loose = operations.flatMap(([name, operation]) =>
      Object.entries(operation.responses ?? {}).flatMap(([status, response]) =>
        Object.entries(response.content ?? {})
          .filter(([type]) => type === 'application/json')
          .flatMap(([, media]) => unconstrained(media.schema, `${name} ${status}`)),
      ),
    );
    expect(loose).toEqual([]);
  });
});
