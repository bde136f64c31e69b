import { describe, expect, it } from 'vitest';

import { KubeApiError, kubeApiErrorOfResponse } from '../k8s/k8sErrors.ts';
import type { ServiceError } from './serviceErrors.ts';
import { kubeOperation, serviceErrorOfKube } from './serviceErrors.ts';

const plain = (error: ServiceError) => ({
  statusCode: error.statusCode,
  reason: error.reason,
  message: error.message,
  fields: error.fields,
});

describe('serviceErrorOfKube', () => {
  it.each([
    [403, 'Forbidden', 'rayclusters.ray.io "a" is forbidden: no'],
    [404, 'NotFound', 'rayclusters.ray.io "a" not found'],
    [409, 'AlreadyExists', 'rayclusters.ray.io "a" already exists'],
    [409, 'Conflict', 'Operation cannot be fulfilled: the object has been modified'],
    [422, 'Invalid', 'RayCluster.ray.io "a" is invalid'],
  ])('keeps a cluster %i %s with its message', (status, reason, message) => {
    expect(plain(serviceErrorOfKube(new KubeApiError(status, reason, message)))).toEqual({
      statusCode: status,
      reason,
      message,
      fields: [],
    });
  });

  it('turns Invalid causes into field errors under manifest.', () => {
    const error = new KubeApiError(422, 'Invalid', 'RayCluster.ray.io "a" is invalid', [
      { field: 'spec.workerGroupSpecs[0].replicas', message: 'must be >= 0' },
    ]);
    expect(plain(serviceErrorOfKube(error))).toMatchObject({
      statusCode: 400,
      reason: 'ValidationFailed',
      fields: [{ path: 'manifest.spec.workerGroupSpecs[0].replicas', message: 'must be >= 0' }],
    });
  });

  it('says 503 ClusterUnavailable for an unreachable cluster, 502 without details for its 500s', () => {
    expect(
      plain(serviceErrorOfKube(new KubeApiError(503, 'ServiceUnavailable', 'unreachable'))),
    ).toMatchObject({ statusCode: 503, reason: 'ClusterUnavailable', message: 'unreachable' });
    const internal = serviceErrorOfKube(
      new KubeApiError(500, 'InternalError', 'etcd at 10.0.0.3:2379 timed out'),
    );
    expect(plain(internal)).toMatchObject({ statusCode: 502, reason: 'ClusterError' });
    expect(internal.message).not.toContain('10.0.0.3');
  });

  it('kubeOperation rethrows anything that is not a Kubernetes error unchanged', async () => {
    const bug = new TypeError('not a function');
    await expect(kubeOperation(() => Promise.reject(bug))).rejects.toBe(bug);
  });
});

describe('kubeApiErrorOfResponse', () => {
  it('reads a Status body, and names the reason by HTTP code when the body is not one', () => {
    expect(
      kubeApiErrorOfResponse(
        409,
        JSON.stringify({ kind: 'Status', reason: 'AlreadyExists', message: 'exists' }),
      ),
    ).toMatchObject({ status: 409, reason: 'AlreadyExists', message: 'exists' });
    expect(kubeApiErrorOfResponse(403, '<html>denied by proxy</html>')).toMatchObject({
      status: 403,
      reason: 'Forbidden',
      message: 'Kubernetes API answered 403',
    });
  });
});
