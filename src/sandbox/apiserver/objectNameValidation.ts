/**
 * Name, label-key and label-value checks with the exact messages of Kubernetes 1.35
 * (k8s.io/apimachinery v0.35: pkg/util/validation, pkg/api/validate/content,
 * pkg/api/validation/path). Each `is*` function returns Kubernetes' list of problems; an empty
 * list means valid. Lengths are counted in UTF-8 bytes, as Go's `len` does.
 */

/** How an object kind's `metadata.name` is checked (the kind's `ValidateNameFunc`). */
export type NameRule = 'subdomain' | 'label' | 'dns1035' | 'pathSegment';

/** One `metav1.StatusCause` of a 422 Invalid answer. */
export interface NameCause {
  readonly field: string;
  readonly reason: 'FieldValueInvalid' | 'FieldValueRequired';
  readonly message: string;
}

const dns1123LabelFmt = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dns1123SubdomainFmt = `${dns1123LabelFmt}(\\.${dns1123LabelFmt})*`;
const dns1035LabelFmt = '[a-z]([-a-z0-9]*[a-z0-9])?';
const labelKeyFmt = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const labelValueFmt = `(${labelKeyFmt})?`;

const dns1123LabelRegexp = new RegExp(`^${dns1123LabelFmt}$`);
const dns1123SubdomainRegexp = new RegExp(`^${dns1123SubdomainFmt}$`);
const dns1035LabelRegexp = new RegExp(`^${dns1035LabelFmt}$`);
const labelKeyRegexp = new RegExp(`^${labelKeyFmt}$`);
const labelValueRegexp = new RegExp(`^${labelValueFmt}$`);

const labelKeyErrMsg =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/** Go's `len(s)`: UTF-8 bytes. ASCII strings (nearly all names) skip the encoder. */
function byteLength(value: string): number {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(value) ? value.length : new TextEncoder().encode(value).length;
}

/** `MaxLenError`: util/validation says "characters", the newer content package says "bytes". */
function maxLenError(length: number, unit: 'characters' | 'bytes'): string {
  return `must be no more than ${length} ${unit}`;
}

function regexError(message: string, regex: string, ...examples: string[]): string {
  // Go appends "'x', " per example and " or " between them, hence the double space.
  const shown = examples.map((example) => `'${example}', `).join(' or ');
  return `${message} (e.g. ${shown}regex used for validation is '${regex}')`;
}

function subdomainErrors(value: string, unit: 'characters' | 'bytes'): string[] {
  const errors: string[] = [];
  if (byteLength(value) > 253) errors.push(maxLenError(253, unit));
  if (!dns1123SubdomainRegexp.test(value)) {
    errors.push(
      regexError(
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
        dns1123SubdomainFmt,
        'example.com',
      ),
    );
  }
  return errors;
}

/**
 * DNS subdomain (RFC 1123): at most 253 characters of `[a-z0-9.-]`, starting and ending
 * alphanumeric. The rule for most object names.
 */
export function isDns1123Subdomain(value: string): string[] {
  return subdomainErrors(value, 'characters');
}

/** DNS label (RFC 1123): at most 63 characters of `[a-z0-9-]`. The rule for Namespace names. */
export function isDns1123Label(value: string): string[] {
  const errors: string[] = [];
  if (byteLength(value) > 63) errors.push(maxLenError(63, 'characters'));
  if (!dns1123LabelRegexp.test(value)) {
    errors.push(
      dns1123SubdomainRegexp.test(value)
        ? 'must not contain dots'
        : regexError(
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
            dns1123LabelFmt,
            'my-name',
            '123-abc',
          ),
    );
  }
  return errors;
}

/** DNS-1035 label: like a DNS label but starting with a letter. The rule for Service names. */
export function isDns1035Label(value: string): string[] {
  const errors: string[] = [];
  if (byteLength(value) > 63) errors.push(maxLenError(63, 'characters'));
  if (!dns1035LabelRegexp.test(value)) {
    errors.push(
      regexError(
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
        dns1035LabelFmt,
        'my-name',
        'abc-123',
      ),
    );
  }
  return errors;
}

/**
 * Label/annotation key (`IsQualifiedName`): a name of at most 63 bytes with an optional DNS
 * subdomain prefix and `/`, e.g. `app.kubernetes.io/name`.
 */
export function isQualifiedName(value: string): string[] {
  const errors: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = value;
  } else if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    name = parts[1] ?? '';
    if (prefix.length === 0) {
      errors.push('prefix part must be non-empty');
    } else {
      errors.push(...subdomainErrors(prefix, 'bytes').map((message) => `prefix part ${message}`));
    }
  } else {
    return [
      `a valid label key ${regexError(labelKeyErrMsg, labelKeyFmt, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) {
    errors.push('name part must be non-empty');
  } else if (byteLength(name) > 63) {
    errors.push(`name part ${maxLenError(63, 'bytes')}`);
  }
  if (!labelKeyRegexp.test(name)) {
    errors.push(
      `name part ${regexError(labelKeyErrMsg, labelKeyFmt, 'MyName', 'my.name', '123-abc')}`,
    );
  }
  return errors;
}

/** Label value: empty, or at most 63 bytes of `[A-Za-z0-9_.-]` starting and ending alphanumeric. */
export function isValidLabelValue(value: string): string[] {
  const errors: string[] = [];
  if (byteLength(value) > 63) errors.push(maxLenError(63, 'bytes'));
  if (!labelValueRegexp.test(value)) {
    errors.push(
      regexError(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        labelValueFmt,
        'MyValue',
        'my_value',
        '12345',
      ),
    );
  }
  return errors;
}

/** `path.IsValidPathSegmentName`: the only rule for RBAC names (which may contain `:`). */
function pathSegmentErrors(value: string): string[] {
  if (value === '.' || value === '..') return [`may not be '${value}'`];
  return ['/', '%'].filter((bad) => value.includes(bad)).map((bad) => `may not contain '${bad}'`);
}

const ruleChecks: Readonly<Record<NameRule, (value: string) => string[]>> = {
  subdomain: isDns1123Subdomain,
  label: isDns1123Label,
  dns1035: isDns1035Label,
  pathSegment: pathSegmentErrors,
};

/** Go's `%q` for the plain strings names are made of (JSON escaping agrees on those). */
function quoted(value: string): string {
  return JSON.stringify(value);
}

/**
 * The `metadata.name` causes Kubernetes reports on create: one cause per problem (as
 * `ValidateObjectMeta` does), `Required value: name or generateName is required` for an empty
 * name, plus the CronJob limit of 52 characters (the controller appends `-<timestamp>`).
 * `kind` is the object's kind; only CronJob adds a rule. Empty result = valid.
 */
export function validateObjectMetaName(kind: string, name: string, rule: NameRule): NameCause[] {
  const field = 'metadata.name';
  if (name.length === 0) {
    return [
      {
        field,
        reason: 'FieldValueRequired',
        message: 'Required value: name or generateName is required',
      },
    ];
  }
  const problems = ruleChecks[rule](name);
  if (kind === 'CronJob' && byteLength(name) > 52)
    problems.push('must be no more than 52 characters');
  return problems.map((problem) => ({
    field,
    reason: 'FieldValueInvalid',
    message: `Invalid value: ${quoted(name)}: ${problem}`,
  }));
}

const labelNamedKinds = new Set(['/Namespace', 'apps/StatefulSet']);
const rbacKinds = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);

/**
 * Which name rule Kubernetes 1.35 applies to a kind: Namespace and StatefulSet → DNS label,
 * Service → DNS-1035 label, RBAC roles and bindings → path segment, everything else
 * (including custom resources) → DNS subdomain. `group` is '' for the core group.
 */
export function nameRuleFor(group: string, kind: string): NameRule {
  if (labelNamedKinds.has(`${group}/${kind}`)) return 'label';
  if (group === '' && kind === 'Service') return 'dns1035';
  if (group === 'rbac.authorization.k8s.io' && rbacKinds.has(kind)) return 'pathSegment';
  return 'subdomain';
}
