import { describe, expect, it } from 'vitest';

import { forbiddenError } from './forbiddenError.ts';
import type { RequestAttributes } from './requestAttributes.ts';

const base: RequestAttributes = {
  resourceRequest: true,
  verb: 'list',
  path: '',
  apiGroup: '',
  apiVersion: 'v1',
  namespace: 'team-a',
  resource: 'pods',
  subresource: '',
  name: '',
};
const user = 'system:serviceaccount:raydeck:raydeck';

describe('forbiddenError', () => {
  it('words a namespaced list in the core group', () => {
    const error = forbiddenError(user, base);
    expect(error.code).toBe(403);
    expect(error.toBody()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `pods is forbidden: User "${user}" cannot list resource "pods" in API group "" in the namespace "team-a"`,
      reason: 'Forbidden',
      details: { kind: 'pods' },
      code: 403,
    });
  });

  it('names the object, the group and the subresource', () => {
    expect(
      forbiddenError(user, {
        ...base,
        verb: 'update',
        apiGroup: 'ray.io',
        resource: 'rayclusters',
        subresource: 'status',
        name: 'c1',
      }).toBody(),
    ).toMatchObject({
      message: `rayclusters.ray.io "c1" is forbidden: User "${user}" cannot update resource "rayclusters/status" in API group "ray.io" in the namespace "team-a"`,
      details: { name: 'c1', group: 'ray.io', kind: 'rayclusters' },
    });
  });

  it('words cluster-scoped and non-resource requests, and appends a reason', () => {
    expect(forbiddenError('bob', { ...base, namespace: '', resource: 'nodes' }).message).toBe(
      'nodes is forbidden: User "bob" cannot list resource "nodes" in API group "" at the cluster scope',
    );
    expect(
      forbiddenError('bob', { ...base, resourceRequest: false, verb: 'get', path: '/metrics' })
        .message,
    ).toBe('forbidden: User "bob" cannot get path "/metrics"');
    expect(
      forbiddenError('bob', base, 'RBAC: role.rbac.authorization.k8s.io "x" not found').message,
    ).toBe(
      'pods is forbidden: User "bob" cannot list resource "pods" in API group "" in the namespace "team-a": RBAC: role.rbac.authorization.k8s.io "x" not found',
    );
  });
});
