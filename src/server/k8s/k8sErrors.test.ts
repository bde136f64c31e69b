import { describe, expect, it } from 'vitest';

import { fieldOf, kubeApiErrorOfResponse, toKubeApiError } from './k8sErrors.ts';

describe('fieldOf', () => {
  it('reads a property of any object, own or inherited, and nothing of other values', () => {
    expect(fieldOf({ code: 'ECONNREFUSED' }, 'code')).toBe('ECONNREFUSED');
    expect(fieldOf(new TypeError('x'), 'name')).toBe('TypeError');
    expect(fieldOf({}, 'code')).toBeUndefined();
    expect(fieldOf(null, 'code')).toBeUndefined();
    expect(fieldOf(undefined, 'code')).toBeUndefined();
    expect(fieldOf('text', 'length')).toBeUndefined();
  });
});

describe('kubeApiErrorOfResponse', () => {
  it('reads a Status body’s reason, message and field causes', () => {
    const error = kubeApiErrorOfResponse(
      422,
      JSON.stringify({
        kind: 'Status',
        reason: 'Invalid',
        message: 'bad replicas',
        details: { causes: [{ field: 'spec.replicas', message: 'must be ≥ 0' }, {}] },
      }),
    );
    expect(error).toMatchObject({ status: 422, reason: 'Invalid', message: 'bad replicas' });
    expect(error.causes).toEqual([
      { field: 'spec.replicas', message: 'must be ≥ 0' },
      { field: '', message: '' },
    ]);
  });

  it('falls back to the HTTP code for bodies that are not a Status or are ill-typed', () => {
    for (const body of ['<html>bad gateway</html>', 'null', '42', { reason: 7, details: 'x' }]) {
      const error = kubeApiErrorOfResponse(404, body);
      expect(error).toMatchObject({ reason: 'NotFound', message: 'Kubernetes API answered 404' });
      expect(error.causes).toEqual([]);
    }
  });
});

describe('toKubeApiError', () => {
  it('answers 503 for an unreachable server and rethrows anything else', () => {
    expect(toKubeApiError({ code: 'ECONNREFUSED' }).status).toBe(503);
    expect(() => toKubeApiError(null)).toThrow();
    expect(() => toKubeApiError({ code: 42 })).toThrow();
  });
});
