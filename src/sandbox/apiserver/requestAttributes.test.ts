import { describe, expect, it } from 'vitest';

import { requestAttributes } from './requestAttributes.ts';

function attributes(method: string, url: string) {
  const parsed = new URL(url, 'http://sandbox');
  return requestAttributes(method, parsed.pathname, parsed.searchParams);
}

describe('requestAttributes', () => {
  it('derives the verb as Kubernetes does', () => {
    expect(attributes('GET', '/api/v1/namespaces/a/pods')).toMatchObject({
      resourceRequest: true,
      verb: 'list',
      namespace: 'a',
      resource: 'pods',
      name: '',
    });
    expect(attributes('GET', '/api/v1/namespaces/a/pods?watch=true').verb).toBe('watch');
    expect(attributes('GET', '/api/v1/namespaces/a/pods?watch=false').verb).toBe('list');
    expect(attributes('GET', '/api/v1/namespaces/a/pods/p').verb).toBe('get');
    expect(attributes('POST', '/api/v1/namespaces/a/pods').verb).toBe('create');
    expect(attributes('PUT', '/api/v1/namespaces/a/pods/p').verb).toBe('update');
    expect(attributes('PATCH', '/api/v1/namespaces/a/pods/p').verb).toBe('patch');
    expect(attributes('DELETE', '/api/v1/namespaces/a/pods/p').verb).toBe('delete');
    expect(attributes('DELETE', '/api/v1/namespaces/a/pods').verb).toBe('deletecollection');
  });

  it('reads group, subresource and cluster scope', () => {
    expect(attributes('PUT', '/apis/ray.io/v1/namespaces/a/rayclusters/c/status')).toMatchObject({
      apiGroup: 'ray.io',
      apiVersion: 'v1',
      namespace: 'a',
      resource: 'rayclusters',
      name: 'c',
      subresource: 'status',
      verb: 'update',
    });
    expect(attributes('GET', '/api/v1/namespaces/a/pods/p/log')).toMatchObject({
      resource: 'pods',
      subresource: 'log',
      verb: 'get',
    });
    expect(
      attributes('GET', '/api/v1/namespaces/a/services/ray-head:8265/proxy/api/jobs/'),
    ).toMatchObject({ resource: 'services', name: 'ray-head:8265', subresource: 'proxy' });
    expect(attributes('GET', '/api/v1/nodes')).toMatchObject({
      namespace: '',
      resource: 'nodes',
      verb: 'list',
    });
  });

  it('treats a namespace as being in itself, except its status and finalize', () => {
    expect(attributes('GET', '/api/v1/namespaces/team-a')).toMatchObject({
      namespace: 'team-a',
      resource: 'namespaces',
      name: 'team-a',
      verb: 'get',
    });
    expect(attributes('GET', '/api/v1/namespaces')).toMatchObject({
      namespace: '',
      resource: 'namespaces',
      verb: 'list',
    });
    expect(attributes('PUT', '/api/v1/namespaces/team-a/finalize')).toMatchObject({
      resource: 'namespaces',
      name: 'team-a',
      subresource: 'finalize',
    });
  });

  it('names the object of a list filtered by metadata.name', () => {
    expect(
      attributes('GET', '/api/v1/namespaces/a/configmaps?fieldSelector=metadata.name%3Dsettings'),
    ).toMatchObject({ verb: 'list', name: 'settings' });
    expect(
      attributes('GET', '/api/v1/namespaces/a/configmaps?fieldSelector=metadata.name!%3Dx').name,
    ).toBe('');
  });

  it('treats discovery documents and other paths as non-resource requests', () => {
    for (const path of [
      '/api',
      '/api/v1',
      '/apis',
      '/apis/ray.io',
      '/apis/ray.io/v1',
      '/version',
    ]) {
      expect(attributes('GET', path), path).toMatchObject({
        resourceRequest: false,
        verb: 'get',
        path,
      });
    }
    expect(attributes('POST', '/metrics').verb).toBe('post');
  });
});
