import type { ServerResponse } from 'node:http';

import {
  builtinPrinterColumns,
  type TableColumn,
  type TablePrinter,
} from './builtinPrinterColumns.ts';
import { ageOf } from './humanDuration.ts';
import type { ListOptions, ObjectApi } from './objectApi.ts';
import type { StoredRecord } from './objectStore.ts';
import type { KubeObject, PrinterColumn, ResourceType } from './resourceType.ts';
import { badRequest } from './statusError.ts';

/** `includeObject` of a Table request: what each row carries besides its cells. */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

/**
 * The Table version an Accept header asks for (`application/json;as=Table;v=v1;g=meta.k8s.io`,
 * what `kubectl get` sends first), or undefined when it asks for plain objects.
 */
export function tableRequested(accept: string | undefined): 'v1' | 'v1beta1' | undefined {
  for (const clause of (accept ?? '').split(',')) {
    const [type, ...parameters] = clause.split(';').map((part) => part.trim());
    if (type !== 'application/json' && type !== '*/*') continue;
    const values = new Map(
      parameters.map((parameter) => {
        const [key = '', value = ''] = parameter.split('=');
        return [key.trim(), value.trim()] as const;
      }),
    );
    if (values.get('as') !== 'Table' || values.get('g') !== 'meta.k8s.io') {
      // A plain JSON clause before any Table clause means the client prefers objects.
      if (!values.has('as')) return undefined;
      continue;
    }
    const version = values.get('v');
    if (version === 'v1' || version === 'v1beta1') return version;
  }
  return undefined;
}

/** The `includeObject` query parameter; `Metadata` when absent, as the API server defaults. */
export function includeObjectOf(query: URLSearchParams): IncludeObject {
  const value = query.get('includeObject');
  if (value === null || value === '') return 'Metadata';
  if (value === 'None' || value === 'Metadata' || value === 'Object') return value;
  throw badRequest(
    `includeObject: Unsupported value: "${value}": supported values: "None", "Metadata", "Object"`,
  );
}

/** What one Table answers: rows of these records and the list's metadata. */
export interface TableInput {
  records: readonly StoredRecord[];
  version: 'v1' | 'v1beta1';
  includeObject: IncludeObject;
  resourceVersion: string;
  continueToken?: string;
  remainingItemCount?: number;
}

/**
 * Answers a list or get as a `meta.k8s.io` Table: the kind's columns (Kubernetes' printers for
 * built-in kinds, `additionalPrinterColumns` for custom resources, else Name and Created At),
 * one row per object with its cells and, per `includeObject`, the object, its metadata as a
 * PartialObjectMetadata, or nothing. Ages are computed at the sandbox clock's now. Full objects
 * reuse each record's cached serialisation, so large lists cost one pass.
 */
export function serveTable(
  api: ObjectApi,
  type: ResourceType,
  response: ServerResponse,
  input: TableInput,
): void {
  const metadata = {
    resourceVersion: input.resourceVersion,
    ...(input.continueToken ? { continue: input.continueToken } : {}),
    ...(input.remainingItemCount !== undefined
      ? { remainingItemCount: input.remainingItemCount }
      : {}),
  };
  const body = tableJson(api, type, input.records, input.version, input.includeObject, metadata);
  response.writeHead(200, { 'content-type': 'application/json' }).end(body);
}

/**
 * The object of each watch event when `kubectl get -w` asks for Tables: a one-row Table at the
 * object's resourceVersion, column definitions included (kubectl prints the header once).
 */
export function tableEventObject(
  api: ObjectApi,
  type: ResourceType,
  version: 'v1' | 'v1beta1',
  query: URLSearchParams,
): (record: StoredRecord) => string {
  const includeObject = includeObjectOf(query);
  return (record) =>
    tableJson(api, type, [record], version, includeObject, {
      resourceVersion: String(record.resourceVersion),
    });
}

function tableJson(
  api: ObjectApi,
  type: ResourceType,
  records: readonly StoredRecord[],
  version: 'v1' | 'v1beta1',
  includeObject: IncludeObject,
  metadata: object,
): string {
  const printer = printerFor(type);
  const now = Date.parse(api.timestamp());
  const apiVersion = `meta.k8s.io/${version}`;
  const rows = records.map((record) => {
    const object = api.view(type, record);
    const cells = JSON.stringify(printer.cells(object, now));
    if (includeObject === 'None') return `{"cells":${cells}}`;
    const included =
      includeObject === 'Object'
        ? api.serialize(type, record)
        : JSON.stringify({
            kind: 'PartialObjectMetadata',
            apiVersion,
            metadata: object.metadata ?? {},
          });
    return `{"cells":${cells},"object":${included}}`;
  });
  return `{"kind":"Table","apiVersion":"${apiVersion}","metadata":${JSON.stringify(metadata)},"columnDefinitions":${JSON.stringify(printer.columns)},"rows":[${rows.join(',')}]}`;
}

const printers = new WeakMap<ResourceType, TablePrinter>();

function printerFor(type: ResourceType): TablePrinter {
  let printer = printers.get(type);
  if (!printer) {
    printer =
      builtinPrinterColumns[`${type.group}/${type.kind}`] ??
      (type.printerColumns && type.printerColumns.length > 0
        ? customPrinter(type.printerColumns)
        : type.schema
          ? customPrinter([ageColumn])
          : defaultPrinter);
    printers.set(type, printer);
  }
  return printer;
}

/** What the apiextensions defaulting gives a CRD version without printer columns. */
const ageColumn: PrinterColumn = {
  name: 'Age',
  type: 'date',
  jsonPath: '.metadata.creationTimestamp',
};

const nameColumn: TableColumn = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace. Cannot be updated.',
  priority: 0,
};

/** The API server's default table: Name and Created At (an RFC 3339 timestamp). */
const defaultPrinter: TablePrinter = {
  columns: [
    nameColumn,
    {
      name: 'Created At',
      type: 'date',
      format: '',
      description: 'Time the object was created.',
      priority: 0,
    },
  ],
  cells: (object) => [object.metadata?.name ?? '', object.metadata?.creationTimestamp ?? ''],
};

/** A custom resource's `additionalPrinterColumns`, after the Name column. */
function customPrinter(columns: readonly PrinterColumn[]): TablePrinter {
  const paths = columns.map((column) => parseJsonPath(column.jsonPath));
  return {
    columns: [
      nameColumn,
      ...columns.map((column) => ({
        name: column.name,
        type: column.type,
        format: column.format ?? '',
        description: column.description ?? '',
        priority: column.priority ?? 0,
      })),
    ],
    cells: (object, now) => [
      object.metadata?.name ?? '',
      ...columns.map((column, index) => cellOf(column, valueAt(object, paths[index] ?? []), now)),
    ],
  };
}

/** A cell as apiextensions' table convertor writes it: dates as ages, missing as null. */
function cellOf(column: PrinterColumn, value: unknown, now: number): unknown {
  if (value === undefined || value === null) return null;
  if (column.type === 'date') return typeof value === 'string' ? ageOf(value, now) : null;
  if (column.type === 'integer') return typeof value === 'number' ? Math.trunc(value) : null;
  if (column.type === 'number') return typeof value === 'number' ? value : null;
  if (column.type === 'boolean') return typeof value === 'boolean' ? value : null;
  if (column.type === 'string')
    return typeof value === 'string'
      ? value
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);
  return value;
}

/** A filter step, `[?(@.type=='Admitted')]`: the first list item whose field equals the value. */
interface FilterStep {
  field: string;
  equals: string;
}

type PathStep = string | number | FilterStep;

/**
 * The simple JSONPaths CRDs use: `.status.head.podIP`, `.spec.items[0].name`,
 * `.metadata.labels['a.b/c']`, and equality filters on a list such as Kueue's
 * `.status.conditions[?(@.type=='Admitted')].status` (the first match, as kubectl prints one
 * value for one match). Anything else (wildcards, other filters) finds nothing.
 */
function parseJsonPath(path: string): PathStep[] {
  const steps: PathStep[] = [];
  const pattern =
    /\.([^.[\]]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]|\[\?\(@\.([A-Za-z0-9_]+)\s*==\s*(?:'([^']*)'|"([^"]*)")\)\]/y;
  const source = path.replace(/^\{|\}$/g, '');
  let position = 0;
  while (position < source.length) {
    pattern.lastIndex = position;
    const match = pattern.exec(source);
    if (!match) return ['\u0000']; // unsupported: a key no object has
    if (match[1] !== undefined) steps.push(match[1]);
    else if (match[2] !== undefined) steps.push(Number(match[2]));
    else if (match[5] !== undefined)
      steps.push({ field: match[5], equals: match[6] ?? match[7] ?? '' });
    else steps.push(match[3] ?? match[4] ?? '');
    position = pattern.lastIndex;
  }
  return steps;
}

function valueAt(object: KubeObject, path: readonly PathStep[]): unknown {
  let current: unknown = object;
  for (const step of path) {
    if (current === null || typeof current !== 'object') return undefined;
    if (typeof step === 'object') {
      if (!Array.isArray(current)) return undefined;
      current = current.find(
        (item: unknown) =>
          typeof item === 'object' &&
          item !== null &&
          Reflect.get(item, step.field) === step.equals,
      );
      continue;
    }
    current = (current as Record<string | number, unknown>)[step];
  }
  return current;
}

/** A list answered as a Table (`kubectl get pods`), paged as the plain list would be. */
export function serveTableList(
  api: ObjectApi,
  type: ResourceType,
  response: ServerResponse,
  version: 'v1' | 'v1beta1',
  query: URLSearchParams,
  options: ListOptions,
): void {
  const includeObject = includeObjectOf(query);
  const result = api.list(type, options);
  serveTable(api, type, response, {
    records: result.records,
    version,
    includeObject,
    resourceVersion: result.resourceVersion,
    ...(result.continueToken ? { continueToken: result.continueToken } : {}),
    ...(result.remainingItemCount !== undefined
      ? { remainingItemCount: result.remainingItemCount }
      : {}),
  });
}

/** One object answered as a one-row Table (`kubectl get pod x`). */
export function serveTableObject(
  api: ObjectApi,
  type: ResourceType,
  response: ServerResponse,
  version: 'v1' | 'v1beta1',
  query: URLSearchParams,
  record: StoredRecord,
): void {
  serveTable(api, type, response, {
    records: [record],
    version,
    includeObject: includeObjectOf(query),
    resourceVersion: String(record.resourceVersion),
  });
}
