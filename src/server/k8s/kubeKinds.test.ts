import { describe, expect, it } from 'vitest';

import { cachedKinds, isKubeKind, kindSpec, kubeKinds, kubePermissions } from './kubeKinds.ts';

describe('kubeKinds', () => {
  it('isKubeKind accepts the registry’s kinds only, not inherited keys', () => {
    expect(Object.keys(kubeKinds).every(isKubeKind)).toBe(true);
    expect(isKubeKind('Secret')).toBe(false);
    expect(isKubeKind('toString')).toBe(false);
    expect(isKubeKind('rayclusters')).toBe(false);
  });

  it('caches the kinds with an informer, in registry order', () => {
    expect(cachedKinds).toEqual([
      'RayCluster',
      'RayJob',
      'RayService',
      'Pod',
      'Node',
      'Event',
      'ConfigMap',
      'ResourceQuota',
    ]);
  });

  it('kindSpec is the registry entry itself', () => {
    expect(kindSpec('Pod')).toBe(kubeKinds.Pod);
    expect(kubePermissions()).toContainEqual({
      group: '',
      resource: 'services/proxy',
      verb: 'get',
      scope: 'cluster',
      kind: 'Service',
      namespaced: true,
    });
  });
});
