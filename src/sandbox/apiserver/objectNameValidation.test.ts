import { describe, expect, it } from 'vitest';

import {
  isDns1035Label,
  isDns1123Label,
  isDns1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  nameRuleFor,
  validateObjectMetaName,
} from './objectNameValidation.ts';

const subdomainMessage =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const labelMessage =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const dns1035Message =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const labelKeyNameMessage =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const labelValueMessage =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('isDns1123Subdomain', () => {
  it.each(['a', 'raycluster-gpu', 'my.app.example.com', '0', 'a-b.c-d', 'x'.repeat(253)])(
    'accepts %s',
    (name) => {
      expect(isDns1123Subdomain(name)).toEqual([]);
    },
  );

  it.each(['Upper', 'a_b', '-a', 'a-', 'a..b', '.a', 'a.', '', 'ä'])('rejects %j', (name) => {
    expect(isDns1123Subdomain(name)).toEqual([subdomainMessage]);
  });

  it('reports both the length and the pattern, length first', () => {
    expect(isDns1123Subdomain('a'.repeat(254))).toEqual(['must be no more than 253 characters']);
    expect(isDns1123Subdomain(`${'a'.repeat(253)}-`)).toEqual([
      'must be no more than 253 characters',
      subdomainMessage,
    ]);
  });
});

describe('isDns1123Label', () => {
  it('accepts labels up to 63 characters', () => {
    expect(isDns1123Label('kube-system')).toEqual([]);
    expect(isDns1123Label('a'.repeat(63))).toEqual([]);
    expect(isDns1123Label('a'.repeat(64))).toEqual(['must be no more than 63 characters']);
  });

  it('says "must not contain dots" for a valid subdomain', () => {
    expect(isDns1123Label('a.b')).toEqual(['must not contain dots']);
  });

  it('explains the pattern otherwise', () => {
    expect(isDns1123Label('Team_A')).toEqual([labelMessage]);
  });
});

describe('isDns1035Label', () => {
  it('requires a leading letter', () => {
    expect(isDns1035Label('head-svc')).toEqual([]);
    expect(isDns1035Label('1svc')).toEqual([dns1035Message]);
    expect(isDns1035Label('a.b')).toEqual([dns1035Message]);
  });
});

describe('isQualifiedName', () => {
  it.each(['app', 'app.kubernetes.io/name', 'ray.io/node-type', 'A_b.c-D', 'x/y'])(
    'accepts %s',
    (key) => {
      expect(isQualifiedName(key)).toEqual([]);
    },
  );

  it('rejects an empty prefix and an empty name', () => {
    expect(isQualifiedName('/name')).toEqual(['prefix part must be non-empty']);
    expect(isQualifiedName('example.com/')).toEqual([
      'name part must be non-empty',
      labelKeyNameMessage,
    ]);
  });

  it('counts the name part in bytes (content package wording)', () => {
    expect(isQualifiedName('a'.repeat(64))).toEqual(['name part must be no more than 63 bytes']);
  });

  it('prefixes subdomain problems of the prefix', () => {
    expect(isQualifiedName('Example.com/x')).toEqual([`prefix part ${subdomainMessage}`]);
    expect(isQualifiedName(`${'a'.repeat(254)}/x`)).toEqual([
      'prefix part must be no more than 253 bytes',
    ]);
  });

  it('rejects more than one slash with the full explanation', () => {
    expect(isQualifiedName('a/b/c')).toEqual([
      "a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ]);
  });

  it('rejects bad characters in the name part', () => {
    expect(isQualifiedName('a b')).toEqual([labelKeyNameMessage]);
  });
});

describe('isValidLabelValue', () => {
  it('accepts the empty value and ordinary values', () => {
    expect(isValidLabelValue('')).toEqual([]);
    expect(isValidLabelValue('v1.2_3-x')).toEqual([]);
  });

  it('limits values to 63 bytes, counting UTF-8 bytes', () => {
    expect(isValidLabelValue('a'.repeat(64))).toEqual(['must be no more than 63 bytes']);
    expect(isValidLabelValue('é'.repeat(32))).toEqual([
      'must be no more than 63 bytes',
      labelValueMessage,
    ]);
  });

  it('rejects values that do not start and end alphanumeric', () => {
    expect(isValidLabelValue('-a')).toEqual([labelValueMessage]);
    expect(isValidLabelValue('a b')).toEqual([labelValueMessage]);
  });
});

describe('validateObjectMetaName', () => {
  it('returns nothing for a valid name', () => {
    expect(validateObjectMetaName('Pod', 'head-0', 'subdomain')).toEqual([]);
  });

  it('returns one cause per problem, shaped like a StatusCause', () => {
    const name = `${'A'.repeat(253)}x`;
    expect(validateObjectMetaName('ConfigMap', name, 'subdomain')).toEqual([
      {
        field: 'metadata.name',
        reason: 'FieldValueInvalid',
        message: `Invalid value: "${name}": must be no more than 253 characters`,
      },
      {
        field: 'metadata.name',
        reason: 'FieldValueInvalid',
        message: `Invalid value: "${name}": ${subdomainMessage}`,
      },
    ]);
  });

  it('applies the rule it is given', () => {
    expect(validateObjectMetaName('Namespace', 'a.b', 'label')).toEqual([
      {
        field: 'metadata.name',
        reason: 'FieldValueInvalid',
        message: 'Invalid value: "a.b": must not contain dots',
      },
    ]);
    expect(validateObjectMetaName('Service', '9lives', 'dns1035')[0]?.message).toBe(
      `Invalid value: "9lives": ${dns1035Message}`,
    );
  });

  it('allows RBAC names with colons but not slashes', () => {
    expect(validateObjectMetaName('ClusterRole', 'system:kuberay', 'pathSegment')).toEqual([]);
    expect(validateObjectMetaName('ClusterRole', 'a/b%c', 'pathSegment')).toEqual([
      {
        field: 'metadata.name',
        reason: 'FieldValueInvalid',
        message: `Invalid value: "a/b%c": may not contain '/'`,
      },
      {
        field: 'metadata.name',
        reason: 'FieldValueInvalid',
        message: `Invalid value: "a/b%c": may not contain '%'`,
      },
    ]);
    expect(validateObjectMetaName('Role', '..', 'pathSegment')[0]?.message).toBe(
      `Invalid value: "..": may not be '..'`,
    );
  });

  it('requires a name', () => {
    expect(validateObjectMetaName('Pod', '', 'subdomain')).toEqual([
      {
        field: 'metadata.name',
        reason: 'FieldValueRequired',
        message: 'Required value: name or generateName is required',
      },
    ]);
  });

  it('limits CronJob names to 52 characters', () => {
    expect(validateObjectMetaName('CronJob', 'c'.repeat(52), 'subdomain')).toEqual([]);
    expect(validateObjectMetaName('CronJob', 'c'.repeat(53), 'subdomain')).toEqual([
      {
        field: 'metadata.name',
        reason: 'FieldValueInvalid',
        message: `Invalid value: "${'c'.repeat(53)}": must be no more than 52 characters`,
      },
    ]);
  });
});

describe('nameRuleFor', () => {
  it.each([
    ['', 'Namespace', 'label'],
    ['', 'Service', 'dns1035'],
    ['', 'Pod', 'subdomain'],
    ['', 'ConfigMap', 'subdomain'],
    ['', 'Node', 'subdomain'],
    ['apps', 'Deployment', 'subdomain'],
    ['apps', 'StatefulSet', 'label'],
    ['batch', 'Job', 'subdomain'],
    ['rbac.authorization.k8s.io', 'ClusterRole', 'pathSegment'],
    ['rbac.authorization.k8s.io', 'RoleBinding', 'pathSegment'],
    ['ray.io', 'RayCluster', 'subdomain'],
    ['example.com', 'Service', 'subdomain'],
  ] as const)('%s/%s → %s', (group, kind, rule) => {
    expect(nameRuleFor(group, kind)).toBe(rule);
  });
});
