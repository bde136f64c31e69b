import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { kubectlBinary } from '../../../test/support/kubectlBinary.ts';
import {
  type LabelSelector,
  labelSelectorFromMeta,
  matchesLabels,
  parseLabelSelector,
  SelectorParseError,
} from './labelSelector.ts';

function requirementsOf(text: string): [string, string, ...string[]][] {
  return parseLabelSelector(text).requirements.map((r) => [r.key, r.operator, ...r.values]);
}

function parseError(text: string): string {
  try {
    parseLabelSelector(text);
  } catch (error) {
    expect(error).toBeInstanceOf(SelectorParseError);
    return (error as Error).message;
  }
  throw new Error(`${text} parsed`);
}

describe('parseLabelSelector', () => {
  it.each<[string, [string, string, ...string[]][]]>([
    ['', []],
    ['   ', []],
    ['app=web', [['app', '=', 'web']]],
    ['app==web', [['app', '==', 'web']]],
    ['app!=web', [['app', '!=', 'web']]],
    ['app', [['app', 'exists']]],
    ['!app', [['app', '!']]],
    ['tier in (b,a,b)', [['tier', 'in', 'a', 'b']]],
    ['tier notin (a)', [['tier', 'notin', 'a']]],
    ['k in ()', [['k', 'in', '']]],
    ['k in (,a,,)', [['k', 'in', '', 'a']]],
    ['k=', [['k', '=', '']]],
    [
      'k=,j',
      [
        ['j', 'exists'],
        ['k', '=', ''],
      ],
    ],
    [
      'n>3,n<10',
      [
        ['n', 'gt', '3'],
        ['n', 'lt', '10'],
      ],
    ],
    ['in=notin', [['in', '=', 'notin']]],
    [
      ' ray.io/node-type = head , !legacy,\tenv in ( dev , prod )\n',
      [
        ['env', 'in', 'dev', 'prod'],
        ['legacy', '!'],
        ['ray.io/node-type', '=', 'head'],
      ],
    ],
  ])('parses %j', (text, expected) => {
    expect(requirementsOf(text)).toEqual(expected);
  });

  it.each([
    ['a b', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ['a=b c', "found 'c', expected: ',' or 'end of string'"],
    ['!a=b', "found '=', expected: ',' or 'end of string'"],
    ['a,', "found '', expected: identifier after ','"],
    [',a', "found ',', expected: !, identifier, or 'end of string'"],
    ['a=(b)', "unable to parse requirement: found '(', expected: identifier"],
    ['a in (b', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['a in b', "unable to parse requirement: found 'b' expected: '('"],
    ['a in (b c)', "unable to parse requirement: found 'c', expected: ',' or ')'"],
    ['a in (=)', "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
    ['a in (b,=)', "unable to parse requirement: found '=', expected: ',', or identifier"],
    ['!', "unable to parse requirement: found '', expected: identifier"],
    ['a!b', "unable to parse requirement: found '!', expected: in, notin, =, ==, !=, gt, lt"],
    [
      'a>b',
      "unable to parse requirement: values[0]: Invalid value: \"b\": for 'Gt', 'Lt' operators, the value must be an integer",
    ],
  ])('rejects %j like Kubernetes', (text, message) => {
    expect(parseError(text)).toBe(message);
  });

  it('validates keys with the parser path <nil>', () => {
    expect(parseError('A^B=c')).toBe(
      `unable to parse requirement: <nil>: Invalid value: "A^B": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    );
  });

  it('validates values under values[i][key], all of them', () => {
    const valueRule = `a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`;
    expect(parseError('a=b^c')).toBe(
      `unable to parse requirement: values[0][a]: Invalid value: "b^c": ${valueRule}`,
    );
    expect(parseError('a in (x^, y^)')).toBe(
      `unable to parse requirement: [values[0][a]: Invalid value: "x^": ${valueRule}, values[1][a]: Invalid value: "y^": ${valueRule}]`,
    );
    expect(parseError(`a=${'v'.repeat(64)}`)).toBe(
      `unable to parse requirement: values[0][a]: Invalid value: "${'v'.repeat(64)}": must be no more than 63 bytes`,
    );
  });
});

describe('matchesLabels', () => {
  const labels = { app: 'web', tier: 'front', replicas: '5', empty: '' };

  it.each<[string, boolean]>([
    ['', true],
    ['app=web', true],
    ['app==web', true],
    ['app=api', false],
    ['app!=api', true],
    ['missing!=x', true],
    ['app', true],
    ['missing', false],
    ['!missing', true],
    ['!app', false],
    ['tier in (front,back)', true],
    ['tier in (back)', false],
    ['missing in (x)', false],
    ['tier notin (back)', true],
    ['tier notin (front)', false],
    ['missing notin (x)', true],
    ['empty=', true],
    ['empty in ()', true],
    ['replicas>4', true],
    ['replicas>5', false],
    ['replicas<6', true],
    ['app>1', false],
    ['missing<1', false],
    ['app=web,tier=front', true],
    ['app=web,tier=back', false],
  ])('%j → %s', (text, expected) => {
    expect(matchesLabels(parseLabelSelector(text), labels)).toBe(expected);
  });

  it('treats missing labels as none', () => {
    expect(matchesLabels(parseLabelSelector('!a'), undefined)).toBe(true);
    expect(matchesLabels(parseLabelSelector('a'), undefined)).toBe(false);
  });

  it('does not see inherited properties as labels', () => {
    expect(matchesLabels(parseLabelSelector('toString'), {})).toBe(false);
    expect(matchesLabels(parseLabelSelector('constructor notin (x)'), {})).toBe(true);
  });

  it('filters ten thousand objects with one selector', () => {
    const selector = parseLabelSelector('ray.io/cluster=c7,ray.io/node-type in (worker),!deleted');
    const objects = Array.from({ length: 10_000 }, (_, i) => ({
      'ray.io/cluster': `c${i % 10}`,
      'ray.io/node-type': i % 3 === 0 ? 'head' : 'worker',
    }));
    expect(objects.filter((labels) => matchesLabels(selector, labels))).toHaveLength(667);
  });
});

describe('labelSelectorFromMeta', () => {
  const anything = { a: 'b' };

  it('selects nothing for null or undefined, everything for {}', () => {
    expect(matchesLabels(labelSelectorFromMeta(null), anything)).toBe(false);
    expect(matchesLabels(labelSelectorFromMeta(undefined), {})).toBe(false);
    expect(matchesLabels(labelSelectorFromMeta({}), anything)).toBe(true);
    expect(
      matchesLabels(labelSelectorFromMeta({ matchLabels: {}, matchExpressions: [] }), anything),
    ).toBe(true);
  });

  it('combines matchLabels and matchExpressions, sorted by key', () => {
    const selector: LabelSelector = labelSelectorFromMeta({
      matchLabels: { 'ray.io/cluster': 'c1' },
      matchExpressions: [
        { key: 'zone', operator: 'In', values: ['b', 'a'] },
        { key: 'gpu', operator: 'Exists' },
        { key: 'cordoned', operator: 'DoesNotExist' },
        { key: 'tier', operator: 'NotIn', values: ['x'] },
      ],
    });
    expect(selector.requirements.map((r) => [r.key, r.operator, ...r.values])).toEqual([
      ['cordoned', '!'],
      ['gpu', 'exists'],
      ['ray.io/cluster', '=', 'c1'],
      ['tier', 'notin', 'x'],
      ['zone', 'in', 'b', 'a'],
    ]);
    expect(matchesLabels(selector, { 'ray.io/cluster': 'c1', gpu: '', zone: 'a' })).toBe(true);
    expect(matchesLabels(selector, { 'ray.io/cluster': 'c1', gpu: '', zone: 'c' })).toBe(false);
  });

  it.each([
    [
      { matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] },
      '"Gt" is not a valid label selector operator',
    ],
    [
      { matchExpressions: [{ key: 'a', operator: 'constructor' }] },
      '"constructor" is not a valid label selector operator',
    ],
    [
      { matchExpressions: [{ key: 'a', operator: 'In' }] },
      "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty",
    ],
    [
      { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] },
      'values: Invalid value: ["x"]: values set must be empty for exists and does not exist',
    ],
    [
      { matchLabels: { 'bad key': 'v' } },
      `key: Invalid value: "bad key": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    ],
  ])('rejects %j', (selector, message) => {
    expect(() => labelSelectorFromMeta(selector)).toThrow(new SelectorParseError(message));
  });
});

/**
 * Differential check against the real kubectl 1.35: `kubectl create poddisruptionbudget
 * --selector` parses with Kubernetes' own parser (ParseToLabelSelector) without a server, so
 * its errors and its matchLabels/matchExpressions are ground truth for ours.
 */
describe('parseLabelSelector agrees with kubectl 1.35', () => {
  const selectors = [
    'app=web,tier in (b,a),!legacy,has',
    'k in (,a,,)',
    'k in ()',
    'in=notin',
    'a==b',
    ' a = b , c ',
    'a b',
    'a=b c',
    '!a=b',
    'a,',
    ',a',
    '(',
    'a=(b)',
    'a in (b',
    'a in b',
    'a in (=)',
    'a!b',
    'A^B=c',
    'a=b^c',
    'a in (x^,y^)',
    'example.com/a/b=c',
    '/a=b',
    'Example.com/x',
    'x in(y),a=b=c',
    'a=b=c',
    '!!a',
    'a==',
    'a!=,b',
    'n>3',
    'a,!b,c in (d) , e notin (f,g)',
    'a in (b,,)',
    'a in ((b)',
    'a=b,a=c',
  ];

  function asMetaSelector(selector: LabelSelector): Record<string, unknown> {
    const matchLabels: Record<string, string> = {};
    const matchExpressions: Record<string, unknown>[] = [];
    const operators = { in: 'In', notin: 'NotIn', exists: 'Exists', '!': 'DoesNotExist' };
    for (const { key, operator, values } of selector.requirements) {
      if (operator === '=' || operator === '==') matchLabels[key] = values[0] ?? '';
      else {
        const name = operators[operator as keyof typeof operators];
        matchExpressions.push(
          values.length > 0 ? { key, operator: name, values } : { key, operator: name },
        );
      }
    }
    return {
      ...(Object.keys(matchLabels).length > 0 ? { matchLabels } : {}),
      ...(matchExpressions.length > 0 ? { matchExpressions } : {}),
    };
  }

  it('on every selector', () => {
    const dir = mkdtempSync(join(tmpdir(), 'raydeck-selector-'));
    const kubeconfig = join(dir, 'config');
    writeFileSync(kubeconfig, '');
    for (const text of selectors) {
      const args = ['--kubeconfig', kubeconfig, 'create', 'poddisruptionbudget', 'p'];
      args.push('--selector', text, '--min-available', '1', '--dry-run=client', '-o', 'json');
      const run = spawnSync(kubectlBinary(), args, { encoding: 'utf8', env: { HOME: dir } });
      const prefix = `error: couldn't parse the selector string "${text}": `;
      const error = run.stderr.trim();
      if (run.status === 0) {
        const pdb = JSON.parse(run.stdout) as { spec: { selector: unknown } };
        expect(asMetaSelector(parseLabelSelector(text)), text).toEqual(pdb.spec.selector);
      } else if (error.startsWith(prefix)) {
        expect(parseError(text), text).toBe(error.slice(prefix.length));
      } else {
        // Parsed, but not expressible as a metav1.LabelSelector (`!=`, `gt`, `lt`).
        expect(() => parseLabelSelector(text), error).not.toThrow();
      }
    }
  }, 60_000);
});
