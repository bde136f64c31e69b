import { describe, expect, it } from 'vitest';

import { DashboardRouter, splitPath } from './dashboardHttp.ts';

describe('splitPath', () => {
  it('separates decoded segments and the query, keeping a trailing empty segment', () => {
    const { path, segments, query } = splitPath('/api/jobs/raysubmit%5F1/?api_type=declarative');
    expect(path).toBe('/api/jobs/raysubmit%5F1/');
    expect(segments).toEqual(['api', 'jobs', 'raysubmit_1', '']);
    expect(query.get('api_type')).toBe('declarative');
    expect(splitPath('').segments).toEqual(['']);
  });
});

describe('DashboardRouter', () => {
  const router = new DashboardRouter();
  const noop = (): void => undefined;
  router.add('GET', '/api/jobs/', noop);
  router.add('POST', '/api/jobs/', noop);
  router.add('GET', '/api/jobs/{id}', noop);
  router.add('DELETE', '/api/jobs/{id}', noop);

  it('matches exact segments and captures parameters', () => {
    expect(router.resolve('GET', ['api', 'jobs', 'abc'])).toMatchObject({
      kind: 'route',
      params: { id: 'abc' },
    });
    expect(router.resolve('HEAD', ['api', 'jobs', ''])).toMatchObject({
      kind: 'route',
      params: {},
    });
  });

  it('does not fold trailing slashes and does not match empty parameters', () => {
    expect(router.resolve('GET', ['api', 'jobs'])).toEqual({ kind: 'not-found' });
    expect(router.resolve('GET', ['api', 'jobs', 'abc', ''])).toEqual({ kind: 'not-found' });
  });

  it('lists the allowed methods of a known path', () => {
    expect(router.resolve('PUT', ['api', 'jobs', 'x'])).toEqual({
      kind: 'method-not-allowed',
      allowed: ['DELETE', 'GET', 'HEAD'],
    });
  });
});
