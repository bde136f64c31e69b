import { describe, expect, it } from 'vitest';

import { yamlLineOfPath } from './yamlLineOfPath.ts';

// Shaped like `yaml`'s stringify output of a RayCluster (sequences indented under their key).
const manifest = [
  'apiVersion: ray.io/v1', // 1
  'kind: RayCluster', // 2
  'metadata:', // 3
  '  name: demo', // 4
  '  labels:', // 5
  '    raydeck.dev/owner: alice', // 6
  'spec:', // 7
  '  rayVersion: 2.52.0', // 8
  '  headGroupSpec:', // 9
  '    rayStartParams: {}', // 10
  '    template:', // 11
  '      spec:', // 12
  '        containers:', // 13
  '          - name: ray-head', // 14
  '            image: rayproject/ray:2.52.0', // 15
  '  workerGroupSpecs:', // 16
  '    - groupName: small', // 17
  '      replicas: 1', // 18
  '      template:', // 19
  '        spec:', // 20
  '          containers:', // 21
  '            - name: ray-worker', // 22
  '    - groupName: big', // 23
  '      # a comment line', // 24
  '      replicas: 3', // 25
  '      maxReplicas: 4', // 26
  '      template:', // 27
  '        spec:', // 28
  '          containers:', // 29
  '            - name: ray-worker', // 30
  '              resources:', // 31
  '                limits:', // 32
  '                  "nvidia.com/gpu": "1"', // 33
  'status: {}', // 34
].join('\n');

describe('yamlLineOfPath', () => {
  it.each([
    ['kind', 2],
    ['metadata.name', 4],
    ['spec.rayVersion', 8],
    ['spec.headGroupSpec.template.spec.containers[0].image', 15],
    ['spec.workerGroupSpecs[0].replicas', 18],
    ['spec.workerGroupSpecs[1]', 23],
    ['spec.workerGroupSpecs[1].groupName', 23],
    ['spec.workerGroupSpecs[1].replicas', 25],
    ['spec.workerGroupSpecs[1].maxReplicas', 26],
    ['spec.workerGroupSpecs[1].template.spec.containers[0].resources.limits', 32],
    ['spec.workerGroupSpecs[1].template.spec.containers[0].resources.limits[nvidia.com/gpu]', 33],
    ['metadata.labels[raydeck.dev/owner]', 6],
    ['status', 34],
  ])('finds %s on line %i', (path, line) => {
    expect(yamlLineOfPath(manifest, path)).toBe(line);
  });

  it('does not confuse a key of a sibling item with the indexed one', () => {
    // maxReplicas exists only in the second group: the first group's block must not reach it.
    expect(yamlLineOfPath(manifest, 'spec.workerGroupSpecs[0].maxReplicas')).toBe(17);
  });

  it('points at the deepest part found when the field is missing', () => {
    expect(yamlLineOfPath(manifest, 'spec.workerGroupSpecs[1].minReplicas')).toBe(23);
    expect(yamlLineOfPath(manifest, 'spec.workerGroupSpecs[5].replicas')).toBe(16);
    expect(yamlLineOfPath(manifest, 'spec.suspend')).toBe(7);
  });

  it('answers undefined when not even the first key is there', () => {
    expect(yamlLineOfPath(manifest, 'data.value')).toBeUndefined();
    expect(yamlLineOfPath('', 'spec')).toBeUndefined();
  });

  it('follows sequences written at their key’s indentation', () => {
    const flat = ['items:', '- name: a', '  size: 1', '- name: b', '  size: 2', 'after: x'].join(
      '\n',
    );
    expect(yamlLineOfPath(flat, 'items[1].size')).toBe(5);
    expect(yamlLineOfPath(flat, 'after')).toBe(6);
  });
});
