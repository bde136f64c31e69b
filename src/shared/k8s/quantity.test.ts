import { describe, expect, it } from 'vitest';

import { formatQuantity, parseQuantity, QuantityError, toMillis } from './quantity.ts';

const formatWrong =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const badSuffix = "unable to parse quantity's suffix";

describe('parseQuantity', () => {
  it.each<[string | number, number]>([
    // CPU
    ['500m', 0.5],
    ['0.5', 0.5],
    ['2', 2],
    ['2000m', 2],
    ['1.5', 1.5],
    ['100m', 0.1],
    ['250u', 0.00025],
    ['1n', 1e-9],
    // Memory and storage
    ['1Ki', 1024],
    ['1Mi', 1048576],
    ['1Gi', 1073741824],
    ['1.5Gi', 1610612736],
    ['0.5Gi', 536870912],
    ['1536Mi', 1610612736],
    ['100Ti', 109951162777600],
    ['1Pi', 1125899906842624],
    ['512M', 512e6],
    ['1k', 1000],
    ['1G', 1e9],
    ['1T', 1e12],
    ['1P', 1e15],
    ['2E', 2e18],
    // Exponents
    ['1e3', 1000],
    ['1E3', 1000],
    ['12e6', 12e6],
    ['1e-3', 0.001],
    ['1.5e+2', 150],
    // Signs and odd but valid forms
    ['+5', 5],
    ['-5', -5],
    ['-1.5', -1.5],
    ['-500m', -0.5],
    ['.5', 0.5],
    ['5.', 5],
    ['00010', 10],
    ['0', 0],
    ['-0', 0],
    ['.', 0],
    ['-', 0],
    ['e3', 0],
    // Numbers, and strings with spaces around them, as when decoding JSON
    [2, 2],
    [0.25, 0.25],
    [1e21, 1e21],
    [' 1Gi ', 1073741824],
  ])('%j → %d', (text, expected) => {
    expect(parseQuantity(text)).toBe(expected);
  });

  it('rounds up below one nano unit, as Kubernetes does', () => {
    expect(parseQuantity('0.1n')).toBe(1e-9);
    expect(parseQuantity('1.0000000001')).toBe(1.000000001);
    expect(parseQuantity('1.2345678901234567890')).toBe(1.234567891);
    expect(parseQuantity('-0.1n')).toBe(-1e-9);
    expect(parseQuantity('1e-50')).toBe(1e-9);
  });

  it('caps binary quantities at 2^63-1', () => {
    expect(parseQuantity('8Ei')).toBe(Number(2n ** 63n - 1n));
    expect(parseQuantity('1Ei')).toBe(2 ** 60);
  });

  it.each([
    ['', formatWrong],
    ['   ', formatWrong],
    ['1.2.3', formatWrong],
    ['1Mb', formatWrong],
    ['abc', formatWrong],
    ['1e3Ki', formatWrong],
    ['1 Gi', formatWrong],
    ['1e', badSuffix],
    ['1mi', badSuffix],
    ['1K', badSuffix],
    ['1Ki3', badSuffix],
    ['1e-', badSuffix],
  ])('rejects %j with Kubernetes` message', (text, message) => {
    expect(() => parseQuantity(text)).toThrow(new QuantityError(message));
  });
});

describe('toMillis', () => {
  it.each<[string | number, number]>([
    ['500m', 500],
    ['2', 2000],
    ['1.5', 1500],
    ['0.1m', 1],
    ['1500u', 2],
    ['100n', 1],
    ['0', 0],
    ['-250m', -250],
    [4, 4000],
    ['1k', 1_000_000],
  ])('%j → %d', (text, expected) => {
    expect(toMillis(text)).toBe(expected);
  });

  it('throws QuantityError for malformed input', () => {
    expect(() => toMillis('two')).toThrow(QuantityError);
  });
});

describe('formatQuantity', () => {
  it.each<[number, string]>([
    [0.5, '500m'],
    [2, '2'],
    [1.5, '1500m'],
    [0.1, '100m'],
    [0.25, '250m'],
    [0.000001, '1u'],
    [0.0005, '500u'],
    [1e-9, '1n'],
    [1000, '1k'],
    [12, '12'],
    [-1.5, '-1500m'],
    [0, '0'],
    [0.1 + 0.2, '300m'],
  ])('cpu %d → %s', (value, expected) => {
    expect(formatQuantity(value, 'cpu')).toBe(expected);
  });

  it.each<[number, string]>([
    [1073741824, '1Gi'],
    [4 * 2 ** 30, '4Gi'],
    [1610612736, '1536Mi'],
    [536870912, '512Mi'],
    [2621440, '2560Ki'],
    [1024, '1Ki'],
    [1024512, '1024512'],
    [1048064, '1048064'],
    [512e6, '500000Ki'],
    [500e6, '500000000'],
    [100 * 2 ** 40, '100Ti'],
    [2 ** 60, '1Ei'],
    [1023, '1023'],
    [1000, '1k'],
    [512, '512'],
    [0.1024, '102400u'],
    [307.2, '307200m'],
    [3543348019.2, '3543348019200m'],
    [-2 * 2 ** 30, '-2Gi'],
  ])('memory %d → %s', (value, expected) => {
    expect(formatQuantity(value, 'memory')).toBe(expected);
  });

  it.each<[number, string]>([
    [110, '110'],
    [1, '1'],
    [8, '8'],
    [1000, '1k'],
    [1500, '1500'],
    [2_000_000, '2M'],
    [5e18, '5E'],
    [5e19, '50E'],
  ])('count %d → %s', (value, expected) => {
    expect(formatQuantity(value, 'count')).toBe(expected);
  });

  it('round-trips through parseQuantity', () => {
    for (const text of ['500m', '2', '1536Mi', '4Gi', '250u', '3', '1Ki', '10Gi', '100m']) {
      const value = parseQuantity(text);
      const kind = /i$/.test(text) ? 'memory' : 'cpu';
      expect(formatQuantity(value, kind)).toBe(text);
      expect(parseQuantity(formatQuantity(value, kind))).toBe(value);
    }
  });

  it('refuses NaN and infinities', () => {
    expect(() => formatQuantity(Number.NaN, 'cpu')).toThrow(QuantityError);
    expect(() => formatQuantity(Number.POSITIVE_INFINITY, 'memory')).toThrow(QuantityError);
  });
});
