/**
 * Label selectors as Kubernetes 1.35 parses and matches them (k8s.io/apimachinery
 * pkg/labels/selector.go and pkg/apis/meta/v1 LabelSelectorAsSelector), with the same error
 * messages, so a bad `?labelSelector=` becomes the same 400 BadRequest text.
 */
import { isQualifiedName, isValidLabelValue } from './objectNameValidation.ts';

/**
 * Requirement operators, spelled as Kubernetes' `selection.Operator`: `!` is "does not exist",
 * `gt`/`lt` compare integers (`a>5`).
 */
export type LabelOperator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

/**
 * One requirement. `values` are sorted and unique when parsed from a string (Kubernetes keeps a
 * string set), and in the given order for a `metav1.LabelSelector`.
 */
export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  readonly values: readonly string[];
}

/**
 * A parsed selector: all requirements must hold (AND). `matchesNothing` marks the selector of a
 * null `metav1.LabelSelector`, which matches no object; no requirements otherwise means "everything".
 */
export interface LabelSelector {
  readonly requirements: readonly LabelRequirement[];
  readonly matchesNothing: boolean;
}

/** A selector string or `metav1.LabelSelector` Kubernetes would reject; the message is Kubernetes'. */
export class SelectorParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SelectorParseError';
  }
}

/** `metav1.LabelSelector` as it appears in specs (Deployment selector, PDB, quota scopes...). */
export interface MetaLabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>> | null;
  readonly matchExpressions?:
    | readonly {
        readonly key: string;
        readonly operator: string;
        readonly values?: readonly string[] | null;
      }[]
    | null;
}

// ---- field.Error rendering (pkg/util/validation/field) -------------------------------------

/** Go's `%q` / `json.Marshal` for the bad values shown in `Invalid value: ...`. */
function invalid(
  path: string,
  badValue: string | readonly string[] | null,
  detail: string,
): string {
  return `${path}: Invalid value: ${JSON.stringify(badValue)}: ${detail}`;
}

/** `ErrorList.ToAggregate().Error()`: one message alone, several (deduplicated) in brackets. */
function aggregate(messages: readonly string[]): string {
  const unique = [...new Set(messages)];
  return unique.length === 1 ? (unique[0] ?? '') : `[${unique.join(', ')}]`;
}

const unaryOperators: readonly LabelOperator[] = ['exists', '!'];
const binaryOperatorNames = 'in, notin, =, ==, !=, gt, lt';

/**
 * `labels.NewRequirement`: validates the key, the value count for the operator, and each value,
 * reporting every problem under Go's field paths from a nil root (`key`, `values[0][app]`).
 */
function newRequirement(
  key: string,
  operator: LabelOperator,
  values: readonly string[] | null,
): LabelRequirement {
  const errors: string[] = [];
  const keyErrors = isQualifiedName(key);
  if (keyErrors.length > 0) errors.push(invalid('key', key, keyErrors.join('; ')));
  const list = values ?? [];
  if (operator === 'in' || operator === 'notin') {
    if (list.length === 0) {
      errors.push(
        invalid('values', values, "for 'in', 'notin' operators, values set can't be empty"),
      );
    }
  } else if (operator === '=' || operator === '==' || operator === '!=') {
    if (list.length !== 1) {
      errors.push(invalid('values', values, 'exact-match compatibility requires one single value'));
    }
  } else if (unaryOperators.includes(operator)) {
    if (list.length !== 0) {
      errors.push(
        invalid('values', values, 'values set must be empty for exists and does not exist'),
      );
    }
  } else {
    if (list.length !== 1) {
      errors.push(
        invalid('values', values, "for 'Gt', 'Lt' operators, exactly one value is required"),
      );
    }
    list.forEach((value, index) => {
      if (!isGoInt64(value)) {
        errors.push(
          invalid(
            `values[${index}]`,
            value,
            "for 'Gt', 'Lt' operators, the value must be an integer",
          ),
        );
      }
    });
  }
  list.forEach((value, index) => {
    const valueErrors = isValidLabelValue(value);
    if (valueErrors.length > 0) {
      errors.push(invalid(`values[${index}][${key}]`, value, valueErrors.join('; ')));
    }
  });
  if (errors.length > 0) throw new SelectorParseError(aggregate(errors));
  return { key, operator, values: list };
}

const int64Min = -(2n ** 63n);
const int64Max = 2n ** 63n - 1n;

/** Go's `strconv.ParseInt(s, 10, 64)` succeeds. */
function isGoInt64(text: string): boolean {
  if (!/^[+-]?\d+$/.test(text)) return false;
  const value = BigInt(text);
  return value >= int64Min && value <= int64Max;
}

// ---- lexer (Kubernetes' byte-wise Lexer) ----------------------------------------------------

type TokenKind =
  | 'error'
  | 'end'
  | ')'
  | ','
  | '!'
  | '=='
  | '='
  | '>'
  | 'identifier'
  | 'in'
  | '<'
  | '!='
  | 'notin'
  | '(';

interface Token {
  readonly kind: TokenKind;
  readonly literal: string;
}

const literalTokens: ReadonlyMap<string, TokenKind> = new Map<string, TokenKind>([
  [')', ')'],
  [',', ','],
  ['!', '!'],
  ['==', '=='],
  ['=', '='],
  ['>', '>'],
  ['in', 'in'],
  ['<', '<'],
  ['!=', '!='],
  ['notin', 'notin'],
  ['(', '('],
]);

const isWhitespace = (ch: string): boolean =>
  ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
const isSpecial = (ch: string): boolean => '=!(),><'.includes(ch);

function lex(text: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  for (;;) {
    while (pos < text.length && isWhitespace(text.charAt(pos))) pos++;
    if (pos >= text.length) {
      tokens.push({ kind: 'end', literal: '' });
      return tokens;
    }
    if (isSpecial(text.charAt(pos))) {
      // Longest run of special characters that still forms a known token.
      let buffer = '';
      let last: Token | undefined;
      while (pos < text.length && isSpecial(text.charAt(pos))) {
        buffer += text.charAt(pos);
        const kind = literalTokens.get(buffer);
        if (kind) {
          last = { kind, literal: buffer };
        } else if (last) {
          break;
        }
        pos++;
      }
      tokens.push(last ?? { kind: 'error', literal: `error expected: keyword found '${buffer}'` });
    } else {
      const start = pos;
      while (pos < text.length && !isSpecial(text.charAt(pos)) && !isWhitespace(text.charAt(pos))) {
        pos++;
      }
      const word = text.slice(start, pos);
      tokens.push({ kind: literalTokens.get(word) ?? 'identifier', literal: word });
    }
  }
}

// ---- parser --------------------------------------------------------------------------------

class Parser {
  private position = 0;
  private readonly tokens: readonly Token[];

  constructor(tokens: readonly Token[]) {
    this.tokens = tokens;
  }

  /** In a values context, the keywords `in`/`notin` are plain identifiers. */
  lookahead(values: boolean): Token {
    return asContext(this.tokens[this.position] ?? endToken, values);
  }

  consume(values: boolean): Token {
    const token = this.lookahead(values);
    this.position++;
    return token;
  }
}

const endToken: Token = { kind: 'end', literal: '' };

function asContext(token: Token, values: boolean): Token {
  return values && (token.kind === 'in' || token.kind === 'notin')
    ? { kind: 'identifier', literal: token.literal }
    : token;
}

const exactOperators: ReadonlyMap<TokenKind, LabelOperator> = new Map<TokenKind, LabelOperator>([
  ['in', 'in'],
  ['=', '='],
  ['==', '=='],
  ['>', 'gt'],
  ['<', 'lt'],
  ['notin', 'notin'],
  ['!=', '!='],
]);

function parseRequirement(p: Parser): LabelRequirement {
  let operator: LabelOperator | undefined;
  let token = p.consume(true);
  if (token.kind === '!') {
    operator = '!';
    token = p.consume(true);
  }
  if (token.kind !== 'identifier') {
    throw new SelectorParseError(`found '${token.literal}', expected: identifier`);
  }
  const key = token.literal;
  const keyErrors = isQualifiedName(key);
  if (keyErrors.length > 0) {
    throw new SelectorParseError(invalid('<nil>', key, keyErrors.join('; ')));
  }
  const next = p.lookahead(true).kind;
  if (operator === '!') return newRequirement(key, '!', []);
  if (next === 'end' || next === ',') return newRequirement(key, 'exists', []);

  const opToken = p.consume(false);
  const op = exactOperators.get(opToken.kind);
  if (!op) {
    throw new SelectorParseError(`found '${opToken.literal}', expected: ${binaryOperatorNames}`);
  }
  const values = op === 'in' || op === 'notin' ? parseValueList(p) : parseExactValue(p);
  return newRequirement(key, op, [...values].sort());
}

function parseValueList(p: Parser): Set<string> {
  const open = p.consume(true);
  if (open.kind !== '(') throw new SelectorParseError(`found '${open.literal}' expected: '('`);
  const first = p.lookahead(true);
  if (first.kind === ')') {
    p.consume(true);
    return new Set(['']);
  }
  if (first.kind !== 'identifier' && first.kind !== ',') {
    throw new SelectorParseError(`found '${first.literal}', expected: ',', ')' or identifier`);
  }
  const values = new Set<string>();
  for (;;) {
    const token = p.consume(true);
    if (token.kind === 'identifier') {
      values.add(token.literal);
      const after = p.lookahead(true);
      if (after.kind === ')') break;
      if (after.kind !== ',') {
        throw new SelectorParseError(`found '${after.literal}', expected: ',' or ')'`);
      }
    } else if (token.kind === ',') {
      // "(,", ",," and ",)" each stand for the empty value.
      if (values.size === 0) values.add('');
      const after = p.lookahead(true).kind;
      if (after === ')') {
        values.add('');
        break;
      }
      if (after === ',') values.add('');
    } else {
      throw new SelectorParseError(`found '${token.literal}', expected: ',', or identifier`);
    }
  }
  if (p.consume(true).kind !== ')') {
    throw new SelectorParseError(`found '${first.literal}', expected: ')'`);
  }
  return values;
}

function parseExactValue(p: Parser): Set<string> {
  const next = p.lookahead(true);
  if (next.kind === 'end' || next.kind === ',') return new Set(['']);
  const token = p.consume(true);
  if (token.kind === 'identifier') return new Set([token.literal]);
  throw new SelectorParseError(`found '${token.literal}', expected: identifier`);
}

function byKey(a: LabelRequirement, b: LabelRequirement): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/**
 * Parses a `labelSelector` query parameter (`app=x,tier in (a,b),!legacy,env!=prod`). The empty
 * string selects everything. Throws SelectorParseError with Kubernetes' message, e.g.
 * `unable to parse requirement: found '', expected: identifier`.
 */
export function parseLabelSelector(text: string): LabelSelector {
  const p = new Parser(lex(text));
  const requirements: LabelRequirement[] = [];
  for (;;) {
    const token = p.lookahead(true);
    if (token.kind === 'end') break;
    if (token.kind !== 'identifier' && token.kind !== '!') {
      throw new SelectorParseError(
        `found '${token.literal}', expected: !, identifier, or 'end of string'`,
      );
    }
    try {
      requirements.push(parseRequirement(p));
    } catch (error) {
      if (!(error instanceof SelectorParseError)) throw error;
      throw new SelectorParseError(`unable to parse requirement: ${error.message}`);
    }
    const separator = p.consume(true);
    if (separator.kind === 'end') break;
    if (separator.kind !== ',') {
      throw new SelectorParseError(
        `found '${separator.literal}', expected: ',' or 'end of string'`,
      );
    }
    const after = p.lookahead(true);
    if (after.kind !== 'identifier' && after.kind !== '!') {
      throw new SelectorParseError(`found '${after.literal}', expected: identifier after ','`);
    }
  }
  return { requirements: requirements.sort(byKey), matchesNothing: false };
}

const metaOperators: Readonly<Record<string, LabelOperator>> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
};

/**
 * Converts a `metav1.LabelSelector` (LabelSelectorAsSelector). Kubernetes' rule, kept here:
 * null/undefined selects NOTHING, while `{}` (no matchLabels, no matchExpressions) selects
 * EVERYTHING. Operators are `In`, `NotIn`, `Exists`, `DoesNotExist`; others throw
 * SelectorParseError (`"Gt" is not a valid label selector operator`).
 */
export function labelSelectorFromMeta(
  selector: MetaLabelSelector | null | undefined,
): LabelSelector {
  if (selector === null || selector === undefined)
    return { requirements: [], matchesNothing: true };
  const requirements: LabelRequirement[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    requirements.push(newRequirement(key, '=', [value]));
  }
  for (const expression of selector.matchExpressions ?? []) {
    const operator = Object.hasOwn(metaOperators, expression.operator)
      ? metaOperators[expression.operator]
      : undefined;
    if (!operator) {
      throw new SelectorParseError(
        `${JSON.stringify(expression.operator)} is not a valid label selector operator`,
      );
    }
    requirements.push(newRequirement(expression.key, operator, expression.values ?? null));
  }
  return { requirements: requirements.sort(byKey), matchesNothing: false };
}

function compareInt(label: string, bound: string, operator: 'gt' | 'lt'): boolean {
  if (!isGoInt64(label) || !isGoInt64(bound)) return false;
  const left = BigInt(label);
  const right = BigInt(bound);
  return operator === 'gt' ? left > right : left < right;
}

function requirementMatches(
  requirement: LabelRequirement,
  labels: Readonly<Record<string, string>>,
): boolean {
  const { key, operator, values } = requirement;
  const present = Object.hasOwn(labels, key);
  switch (operator) {
    case 'in':
    case '=':
    case '==':
      return present && values.includes(labels[key] ?? '');
    case 'notin':
    case '!=':
      return !present || !values.includes(labels[key] ?? '');
    case 'exists':
      return present;
    case '!':
      return !present;
    case 'gt':
    case 'lt':
      return (
        present && values.length === 1 && compareInt(labels[key] ?? '', values[0] ?? '', operator)
      );
  }
}

/**
 * Whether an object's labels satisfy the selector. Missing labels (`undefined`) behave like `{}`.
 * Cost is one property lookup per requirement, with no allocation, for list filtering.
 */
export function matchesLabels(
  selector: LabelSelector,
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  if (selector.matchesNothing) return false;
  const actual = labels ?? {};
  for (const requirement of selector.requirements) {
    if (!requirementMatches(requirement, actual)) return false;
  }
  return true;
}
