/**
 * Field selectors as Kubernetes 1.35 parses, admits and evaluates them: the parser and escapes of
 * k8s.io/apimachinery pkg/fields/selector.go, the per-kind field label conversions of
 * pkg/apis/{core,batch,events}/v1 (which labels a kind accepts, and the error for others), and
 * the per-kind selectable field values of pkg/registry (e.g. a Job's `status.successful`).
 */
import { supportsStrategicMergePatch } from './patchObject.ts';

/** One `field=value` / `field==value` (both `=`) or `field!=value` term, value unescaped. */
export interface FieldRequirement {
  readonly field: string;
  readonly operator: '=' | '!=';
  readonly value: string;
}

/** Terms that must all hold; none means "everything". */
export interface FieldSelector {
  readonly requirements: readonly FieldRequirement[];
}

/** A selector Kubernetes answers with 400 BadRequest; the message is Kubernetes' own. */
export class FieldSelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FieldSelectorError';
  }
}

const nameAndNamespace = ['metadata.name', 'metadata.namespace'] as const;

interface Conversion {
  readonly fields: ReadonlySet<string>;
  readonly unsupported: (label: string) => string;
  /** Old spellings Kubernetes still accepts and rewrites (Pod `spec.host`). */
  readonly aliases?: Readonly<Record<string, string>>;
}

const notSupported = (label: string): string => `field label not supported: ${label}`;

/** Registered `AddFieldLabelConversionFunc`s, keyed `group/Kind`. */
const conversions: ReadonlyMap<string, Conversion> = new Map<string, Conversion>([
  [
    '/Pod',
    {
      fields: new Set([
        ...nameAndNamespace,
        'spec.nodeName',
        'spec.restartPolicy',
        'spec.schedulerName',
        'spec.serviceAccountName',
        'spec.hostNetwork',
        'status.phase',
        'status.podIP',
        'status.podIPs',
        'status.nominatedNodeName',
      ]),
      unsupported: notSupported,
      aliases: { 'spec.host': 'spec.nodeName' },
    },
  ],
  [
    '/Node',
    { fields: new Set(['metadata.name', 'spec.unschedulable']), unsupported: notSupported },
  ],
  [
    '/ReplicationController',
    { fields: new Set([...nameAndNamespace, 'status.replicas']), unsupported: notSupported },
  ],
  [
    '/Event',
    {
      fields: new Set([
        ...nameAndNamespace,
        ...['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'].map(
          (part) => `involvedObject.${part}`,
        ),
        'reason',
        'reportingComponent',
        'source',
        'type',
      ]),
      unsupported: notSupported,
    },
  ],
  ['/Namespace', { fields: new Set(['metadata.name', 'status.phase']), unsupported: notSupported }],
  ['/Secret', { fields: new Set([...nameAndNamespace, 'type']), unsupported: notSupported }],
  [
    '/Service',
    {
      fields: new Set([...nameAndNamespace, 'spec.clusterIP', 'spec.type']),
      unsupported: notSupported,
    },
  ],
  [
    'events.k8s.io/Event',
    {
      fields: new Set([
        ...nameAndNamespace,
        ...['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'].map(
          (part) => `regarding.${part}`,
        ),
        'reason',
        'reportingController',
        'source',
        'type',
      ]),
      unsupported: notSupported,
    },
  ],
  [
    'batch/Job',
    {
      fields: new Set([...nameAndNamespace, 'status.successful']),
      unsupported: (label) => `field label ${JSON.stringify(label)} not supported for Job`,
    },
  ],
]);

/** Built-in kinds without a registered conversion: `runtime.DefaultMetaV1FieldSelectorConversion`. */
const builtinDefault: Conversion = {
  fields: new Set(nameAndNamespace),
  unsupported: (label) =>
    `${JSON.stringify(label)} is not a known field selector: only "metadata.name", "metadata.namespace"`,
};

/** Custom resources (apiextensions `crConverter`, no `selectableFields`). */
const customResource: Conversion = { fields: new Set(nameAndNamespace), unsupported: notSupported };

function conversionFor(group: string, kind: string): Conversion {
  return (
    conversions.get(`${group}/${kind}`) ??
    // Built-in groups are exactly those with compiled-in Go types, which is also what decides
    // strategic merge patch support.
    (supportsStrategicMergePatch(group) ? builtinDefault : customResource)
  );
}

/**
 * The field labels `?fieldSelector=` accepts for a kind (`group` '' = core). Every kind has
 * `metadata.name`; namespaced kinds `metadata.namespace` (Node and Namespace, cluster-scoped,
 * do not); Pod, Event, Secret, Namespace, Node, Service, ReplicationController, events.k8s.io
 * Event and batch Job add their own, as in Kubernetes.
 */
export function supportedFieldPaths(group: string, kind: string): ReadonlySet<string> {
  return conversionFor(group, kind).fields;
}

/** splitTerms: commas split terms unless escaped with `\`. */
function splitTerms(text: string): string[] {
  if (text.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    if (escaped) escaped = false;
    else if (ch === '\\') escaped = true;
    else if (ch === ',') {
      terms.push(text.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(text.slice(start));
  return terms;
}

/** UnescapeValue: `\\`, `\,` and `\=` are the only escapes; bare `,` or `=` are errors. */
function unescapeValue(value: string): string {
  if (!/[\\,=]/.test(value)) return value;
  let result = '';
  let escaped = false;
  for (const ch of value) {
    if (escaped) {
      if (ch !== '\\' && ch !== ',' && ch !== '=') {
        throw new FieldSelectorError(`invalid field selector: invalid escape sequence: \\${ch}`);
      }
      result += ch;
      escaped = false;
    } else if (ch === '\\') {
      escaped = true;
    } else if (ch === ',' || ch === '=') {
      // Go prints the rune with %v, i.e. its code point.
      throw new FieldSelectorError(
        `invalid field selector: unescaped character in value: ${ch.codePointAt(0) ?? 0}`,
      );
    } else {
      result += ch;
    }
  }
  if (escaped) throw new FieldSelectorError('invalid field selector: invalid escape sequence: \\');
  return result;
}

/**
 * Parses `?fieldSelector=` (`status.phase=Running,spec.nodeName!=`). Whitespace is not trimmed,
 * as in Kubernetes. With `target`, also admits each field like the API server does for that
 * kind: unsupported labels throw FieldSelectorError with the kind's own message (e.g.
 * `field label not supported: spec.foo`), and Pod `spec.host` becomes `spec.nodeName`.
 */
export function parseFieldSelector(
  text: string,
  target?: { readonly group: string; readonly kind: string },
): FieldSelector {
  const requirements: FieldRequirement[] = [];
  // Kubernetes sorts the raw terms first, so the first error reported is the same.
  for (const term of splitTerms(text).sort()) {
    if (term === '') continue;
    const match = /!=|==|=/.exec(term);
    if (!match) {
      throw new FieldSelectorError(`invalid selector: '${text}'; can't understand '${term}'`);
    }
    requirements.push({
      field: term.slice(0, match.index),
      operator: match[0] === '!=' ? '!=' : '=',
      value: unescapeValue(term.slice(match.index + match[0].length)),
    });
  }
  if (!target) return { requirements };
  const conversion = conversionFor(target.group, target.kind);
  return {
    requirements: requirements.map((requirement) => {
      const aliases = conversion.aliases ?? {};
      const field = Object.hasOwn(aliases, requirement.field)
        ? (aliases[requirement.field] ?? requirement.field)
        : requirement.field;
      if (!conversion.fields.has(field)) {
        throw new FieldSelectorError(conversion.unsupported(requirement.field));
      }
      return { ...requirement, field };
    }),
  };
}

/**
 * Whether an object passes the selector. `fieldValue` gives the object's value for a field
 * label; `undefined` counts as the empty string, as Kubernetes' `fields.Set` lookup does.
 */
export function matchesFields(
  selector: FieldSelector,
  fieldValue: (path: string) => string | undefined,
): boolean {
  for (const { field, operator, value } of selector.requirements) {
    const actual = fieldValue(field) ?? '';
    if ((actual === value) !== (operator === '=')) return false;
  }
  return true;
}

type Json = unknown;

function at(object: Json, path: string): Json {
  let current = object;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as Record<string, Json>)[part];
  }
  return current;
}

/** Go's rendering of a scalar; objects, arrays and null have no field value. */
function scalarText(value: Json): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  return undefined;
}

/** Pod `status.podIP` is the first of `status.podIPs`, as the registry computes it. */
function podIp(pod: Json): Json {
  const first: Json = at(pod, 'status.podIPs');
  return (Array.isArray(first) ? at(first[0], 'ip') : undefined) ?? at(pod, 'status.podIP');
}

/** Selectable fields whose value is not simply the JSON at that path (group/Kind → label). */
const computed: ReadonlyMap<string, (object: Json) => Json> = new Map<
  string,
  (object: Json) => Json
>([
  ['/Pod spec.host', (pod) => at(pod, 'spec.nodeName')],
  ['/Pod spec.hostNetwork', (pod) => at(pod, 'spec.hostNetwork') ?? false],
  ['/Pod status.podIP', podIp],
  ['/Node spec.unschedulable', (node) => at(node, 'spec.unschedulable') ?? false],
  ['/ReplicationController status.replicas', (rc) => at(rc, 'status.replicas') ?? 0],
  ['batch/Job status.successful', (job) => at(job, 'status.succeeded') ?? 0],
  [
    '/Event source',
    (event) => scalarText(at(event, 'source.component')) || at(event, 'reportingComponent'),
  ],
  [
    'events.k8s.io/Event source',
    (event) =>
      scalarText(at(event, 'deprecatedSource.component')) || at(event, 'reportingController'),
  ],
]);

/**
 * The value Kubernetes selects on for `path` (a dotted field label) in a served object: the
 * JSON at that path as a string (booleans and numbers printed as Go does), or the registry's
 * computed value for the few labels that differ (Job `status.successful` counts
 * `status.succeeded`, Node `spec.unschedulable` defaults to `false`, Event `source` falls back
 * to the reporting controller...). The kind comes from the object's apiVersion and kind.
 * `undefined` when absent or not a scalar.
 */
export function fieldValueOf(object: Json, path: string): string | undefined {
  const apiVersion = scalarText(at(object, 'apiVersion')) ?? '';
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const special = computed.get(`${group}/${scalarText(at(object, 'kind')) ?? ''} ${path}`);
  return scalarText(special ? special(object) : at(object, path));
}
