import { Environment, Optional } from '@marcbachmann/cel-js';

/**
 * One entry of a schema node's `x-kubernetes-validations` (apiextensions.k8s.io/v1
 * ValidationRule). `reason` defaults to FieldValueInvalid; `fieldPath` is relative to the node.
 * @see https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#validation-rules
 */
export interface ValidationRule {
  readonly rule: string;
  readonly message?: string;
  readonly messageExpression?: string;
  readonly reason?:
    'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueDuplicate';
  readonly fieldPath?: string;
  readonly optionalOldSelf?: boolean;
}

/**
 * How a schema node types its value for CEL: integers become CEL `int`, strings of format
 * date-time or date become `timestamp` (as in Kubernetes), the rest keeps its JSON type.
 */
export interface CelTypeHint {
  readonly integer: boolean;
  readonly number: boolean;
  readonly timestamp: boolean;
  child(key: string): CelTypeHint | undefined;
  readonly items: CelTypeHint | undefined;
}

/** A rule parsed once, reused for every object validated against the schema. */
export interface CompiledRule {
  readonly rule: ValidationRule;
  /** Whether the rule reads `oldSelf` (a transition rule, skipped when there is no old value). */
  readonly usesOldSelf: boolean;
  readonly program: ((context: Record<string, unknown>) => unknown) | undefined;
  readonly messageProgram: ((context: Record<string, unknown>) => unknown) | undefined;
  /** The parse error, when the rule is not valid CEL. */
  readonly compileError: string | undefined;
}

/** The outcome of one rule on one value. */
export type RuleOutcome =
  | { readonly kind: 'pass' }
  | { readonly kind: 'fail'; readonly detail: string }
  | { readonly kind: 'error'; readonly detail: string };

// Kubernetes' CEL environment: optional types on, homogeneous list/map literals, undeclared
// variables (self, oldSelf) dynamically typed.
const environment = new Environment({
  unlistedVariablesAreDyn: true,
  enableOptionalTypes: true,
});

type Parsed =
  | {
      readonly program: (context: Record<string, unknown>) => unknown;
      readonly usesOldSelf: boolean;
    }
  | { readonly error: string };

const parseCache = new Map<string, Parsed>();

function parseCached(expression: string): Parsed {
  let parsed = parseCache.get(expression);
  if (!parsed) {
    try {
      const program = environment.parse(expression);
      parsed = { program, usesOldSelf: referencesOldSelf(program.ast) };
    } catch (error) {
      parsed = { error: firstLine(error) };
    }
    parseCache.set(expression, parsed);
  }
  return parsed;
}

/**
 * Parses a rule (programs are cached by expression text, so the many copies of one rule in a
 * CRD parse once) and records whether it reads `oldSelf`, found in the syntax tree rather than
 * the text so that string literals do not count.
 */
export function compileRule(rule: ValidationRule): CompiledRule {
  const parsed = parseCached(rule.rule);
  const message = rule.messageExpression ? parseCached(rule.messageExpression) : undefined;
  const messageProgram = message && 'program' in message ? message.program : undefined;
  if ('error' in parsed) {
    return {
      rule,
      usesOldSelf: /\boldSelf\b/.test(rule.rule),
      program: undefined,
      messageProgram,
      compileError: parsed.error,
    };
  }
  return {
    rule,
    usesOldSelf: parsed.usesOldSelf,
    program: parsed.program,
    messageProgram,
    compileError: undefined,
  };
}

/**
 * Evaluates a compiled rule against `self` (and `oldSelf` for updates). Values are converted
 * to CEL values first: schema integers become BigInt (CEL `int`), numbers stay doubles.
 */
export function evaluateRule(
  compiled: CompiledRule,
  self: unknown,
  oldSelf: unknown,
  hint: CelTypeHint | undefined,
): RuleOutcome {
  if (!compiled.program) {
    return { kind: 'error', detail: `rule compile error: ${compiled.compileError ?? ''}` };
  }
  const context: Record<string, unknown> = { self: toCelValue(self, hint) };
  if (compiled.rule.optionalOldSelf) {
    context['oldSelf'] =
      oldSelf === undefined ? Optional.none() : Optional.of(toCelValue(oldSelf, hint));
  } else if (oldSelf !== undefined) {
    context['oldSelf'] = toCelValue(oldSelf, hint);
  }
  let result: unknown;
  try {
    result = compiled.program(context);
  } catch (error) {
    const text = firstLine(error);
    const detail = text.startsWith('no such overload')
      ? `'${text}': call arguments did not match a supported operator, function or macro signature for rule: ${ruleErrorString(compiled.rule)}`
      : `${text} evaluating rule: ${ruleErrorString(compiled.rule)}`;
    return { kind: 'error', detail };
  }
  if (result === true) return { kind: 'pass' };
  let detail = ruleMessageOrDefault(compiled.rule);
  if (compiled.messageProgram) {
    try {
      const message = compiled.messageProgram(context);
      if (typeof message === 'string' && message.trim() !== '') detail = message;
    } catch {
      // Kubernetes falls back to the static message when messageExpression fails.
    }
  }
  return { kind: 'fail', detail };
}

/** The message Kubernetes shows for a failed rule: its message, else `failed rule: <rule>`. */
export function ruleMessageOrDefault(rule: ValidationRule): string {
  return rule.message && rule.message.length > 0
    ? rule.message.trim()
    : `failed rule: ${ruleErrorString(rule)}`;
}

function ruleErrorString(rule: ValidationRule): string {
  return rule.message && rule.message.length > 0 ? rule.message.trim() : rule.rule.trim();
}

function toCelValue(value: unknown, hint: CelTypeHint | undefined): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' && hint?.timestamp) {
    const time = new Date(value);
    return Number.isNaN(time.getTime()) ? value : time;
  }
  if (typeof value === 'number') {
    if (Number.isInteger(value) && (hint === undefined || hint.integer || !hint.number)) {
      return BigInt(value);
    }
    return value;
  }
  if (Array.isArray(value)) {
    const items = hint?.items;
    return value.map((item: unknown) => toCelValue(item, items));
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      out[key] = toCelValue(child, hint?.child(key));
    }
    return out;
  }
  return value;
}

function referencesOldSelf(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(referencesOldSelf);
  if (typeof node !== 'object' || node === null) return false;
  const record = node as { op?: unknown; args?: unknown };
  if (record.op === 'id' && record.args === 'oldSelf') return true;
  return referencesOldSelf(record.args);
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.split('\n')[0] ?? '';
  // cel-go spells its runtime errors in lower case ("no such key: x"); so do we.
  return line.length > 0 ? line.charAt(0).toLowerCase() + line.slice(1) : line;
}
