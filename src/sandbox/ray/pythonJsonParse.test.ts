import { describe, expect, it } from 'vitest';

import {
  isPyDict,
  isPyInt,
  isPyNumber,
  PyFloat,
  PyJsonDecodeError,
  pyNumberValue,
  pythonJsonParse,
  pyTypeName,
  toPlainJson,
} from './pythonJsonParse.ts';

describe('pythonJsonParse', () => {
  it('keeps integral floats apart from integers', () => {
    const parsed = pythonJsonParse('{"a": 1, "b": 1.0, "c": 1e3, "d": 2.5, "e": -0}');
    expect(isPyDict(parsed)).toBe(true);
    if (!isPyDict(parsed)) return;
    expect(parsed.a).toBe(1);
    expect(parsed.b).toBeInstanceOf(PyFloat);
    expect(parsed.c).toEqual(new PyFloat(1000));
    expect(parsed.d).toBe(2.5);
    expect(['a', 'b', 'c', 'd'].map((key) => pyTypeName(parsed[key] ?? null))).toEqual([
      "<class 'int'>",
      "<class 'float'>",
      "<class 'float'>",
      "<class 'float'>",
    ]);
    expect(toPlainJson(parsed)).toEqual({ a: 1, b: 1, c: 1000, d: 2.5, e: -0 });
  });

  it('accepts NaN and Infinity as Python does, and treats bools as ints', () => {
    expect(toPlainJson(pythonJsonParse('[NaN, Infinity, -Infinity]'))).toEqual([
      Number.NaN,
      Infinity,
      -Infinity,
    ]);
    expect(isPyInt(true)).toBe(true);
    expect(isPyNumber(false)).toBe(true);
    expect(pyNumberValue(true)).toBe(1);
    expect(isPyNumber('1')).toBe(false);
  });

  it('parses strings with escapes, nested values and whitespace', () => {
    expect(
      toPlainJson(pythonJsonParse(' { "a" : [ "x\\n\\u00e9", {"b": null}, false ] } ')),
    ).toEqual({
      a: ['x\né', { b: null }, false],
    });
  });

  it.each([
    ['', 'Expecting value: line 1 column 1 (char 0)'],
    ['{"a" 1}', "Expecting ':' delimiter: line 1 column 6 (char 5)"],
    ['[1 2]', "Expecting ',' delimiter: line 1 column 4 (char 3)"],
    ['{1: 2}', 'Expecting property name enclosed in double quotes: line 1 column 2 (char 1)'],
    ['1 2', 'Extra data: line 1 column 3 (char 2)'],
    ['"a\u0001"', 'Invalid control character at: line 1 column 1 (char 0)'],
  ])('rejects %j with Python’s message', (text, message) => {
    expect(() => pythonJsonParse(text)).toThrow(PyJsonDecodeError);
    expect(() => pythonJsonParse(text)).toThrow(message);
  });
});
