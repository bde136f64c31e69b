import { describe, expect, it } from 'vitest';

import type { Template } from '../../../shared/api/templateSchemas.ts';
import {
  clusterNameProblem,
  draftFromTemplate,
  draftToRequest,
  retargetDraft,
  validateDraft,
} from './clusterDraft.ts';
import { manifestPathOfField, normalizeFieldPath, serverFieldErrors } from './serverFieldErrors.ts';

/** A GPU template like the sandbox's seeded ones. */
const gpuTemplate: Template = {
  name: 'rtx4090-1',
  description: 'One RTX 4090 per worker.',
  head: { cpu: 2, memory: '8Gi' },
  worker: {
    cpu: 8,
    memory: '32Gi',
    gpu: 1,
    gpuResource: 'nvidia.com/gpu',
    gpuProduct: 'NVIDIA-GeForce-RTX-4090',
  },
  allowedRayVersions: ['2.52.0', '2.51.1'],
  allowedImages: [],
  maxWorkers: 4,
  defaultWorkers: 1,
  defaultIdleTimeoutSeconds: 1800,
  namespace: 'raydeck',
  version: 1,
  retired: false,
  origin: 'raydeck',
};

describe('clusterNameProblem', () => {
  it.each([
    ['', 'Name is required'],
    ['Demo', 'Use lowercase letters only'],
    ['1demo', 'Start with a lowercase letter'],
    ['-demo', 'Start with a lowercase letter'],
    ['de_mo', "Use only lowercase letters, digits and '-'"],
    ['demo-', 'End with a letter or a digit'],
    ['a'.repeat(54), 'Use at most 53 characters (54 now)'],
  ])('rejects %j: %s', (name, problem) => {
    expect(clusterNameProblem(name)).toBe(problem);
  });

  it.each(['a', 'demo', 'gpu-2', 'a'.repeat(53)])('accepts %j', (name) => {
    expect(clusterNameProblem(name)).toBeUndefined();
  });
});

describe('validateDraft', () => {
  const valid = { ...draftFromTemplate(gpuTemplate, 'team-a'), name: 'demo' };

  it('accepts the template defaults with a name', () => {
    expect(validateDraft(valid, gpuTemplate)).toEqual({});
  });

  it('applies the template worker limits per group and in total, under server paths', () => {
    const [group] = valid.workerGroups;
    if (!group) throw new Error('no default group');
    const draft = {
      ...valid,
      workerGroups: [
        { ...group, replicas: 3, minReplicas: 0, maxReplicas: 4 },
        { ...group, key: 'b', name: 'big', replicas: 5, maxReplicas: 4 },
      ],
    };
    expect(validateDraft(draft, gpuTemplate)).toEqual({
      'body.workerGroups[1].replicas': 'at most 4 workers (template rtx4090-1)',
      'body.workerGroups': '8 workers in all; at most 4 workers (template rtx4090-1)',
    });
    const bounds = { ...valid, workerGroups: [{ ...group, minReplicas: 2, maxReplicas: 1 }] };
    expect(validateDraft(bounds, gpuTemplate)).toMatchObject({
      'body.workerGroups[0].minReplicas': 'at most maxReplicas (1)',
      'body.workerGroups[0].replicas': 'at least minReplicas (2)',
    });
  });

  it('checks duplicate group names, Ray version, ingress host, env names and mount paths', () => {
    const [group] = valid.workerGroups;
    if (!group) throw new Error('no default group');
    const draft = {
      ...valid,
      rayVersion: '2.0.0',
      workerGroups: [group, { ...group, key: 'x', replicas: 0 }],
      exposure: 'Ingress' as const,
      env: [{ key: 'e', name: '1BAD', value: '' }],
      volumes: [{ key: 'v', claimName: '', mountPath: 'data' }],
    };
    expect(validateDraft(draft, gpuTemplate)).toEqual({
      'body.rayVersion': 'one of 2.52.0, 2.51.1 (template rtx4090-1)',
      'body.workerGroups[1].name': 'is used by another group',
      'body.exposure': 'ClusterIP only (template rtx4090-1)',
      'body.ingressHost': 'required when exposure is Ingress',
      'body.env[0].name': 'Letters, digits and _, not starting with a digit',
      'body.volumes[0].claimName': 'Name a PersistentVolumeClaim',
      'body.volumes[0].mountPath': 'An absolute path, e.g. /data',
    });
  });
});

describe('draftToRequest', () => {
  it('sends the shape the server validates', () => {
    const draft = {
      ...draftFromTemplate(gpuTemplate, 'team-a'),
      name: 'demo',
      autoscaling: true,
      idleTimeoutSeconds: 120,
      env: [{ key: 'k', name: 'HF_HOME', value: '/data/hf' }],
    };
    expect(draftToRequest(draft, 'rtx4090-1')).toEqual({
      name: 'demo',
      team: 'team-a',
      template: 'rtx4090-1',
      rayVersion: '2.52.0',
      workerGroups: [{ name: 'workers', replicas: 1, minReplicas: 0, maxReplicas: 4 }],
      autoscaling: { enabled: true, idleTimeoutSeconds: 120 },
      exposure: 'ClusterIP',
      env: [{ name: 'HF_HOME', value: '/data/hf' }],
    });
  });

  it('keeps name and team but takes the new template’s versions and workers on retarget', () => {
    const draft = {
      ...draftFromTemplate(gpuTemplate, 'team-b'),
      name: 'keep',
      rayVersion: '2.51.1',
    };
    const other = {
      ...gpuTemplate,
      allowedRayVersions: ['2.53.0'],
      maxWorkers: 2,
      defaultWorkers: 2,
    };
    const moved = retargetDraft(draft, other);
    expect(moved).toMatchObject({ name: 'keep', team: 'team-b', rayVersion: '2.53.0' });
    expect(moved.workerGroups).toMatchObject([{ replicas: 2, maxReplicas: 2 }]);
    // Exposure stays only where the new template allows it.
    const ingress = { ...draft, exposure: 'Ingress' as const };
    expect(retargetDraft(ingress, other).exposure).toBe('ClusterIP');
    const open = { ...other, allowedExposure: ['ClusterIP' as const, 'Ingress' as const] };
    expect(retargetDraft(ingress, open).exposure).toBe('Ingress');
  });
});

describe('serverFieldErrors', () => {
  it('normalises schema paths to the service spelling', () => {
    expect(normalizeFieldPath('body.workerGroups.0.replicas')).toBe(
      'body.workerGroups[0].replicas',
    );
    expect(normalizeFieldPath('body.env.12.name')).toBe('body.env[12].name');
    expect(normalizeFieldPath('body.workerGroups[0].replicas')).toBe(
      'body.workerGroups[0].replicas',
    );
  });

  it('splits input errors from manifest errors and joins repeated paths', () => {
    expect(
      serverFieldErrors([
        { path: 'body.name', message: 'is already used in this team' },
        { path: 'body.workerGroups.0.replicas', message: 'must be <= 1000' },
        { path: 'body.workerGroups[0].replicas', message: 'must not exceed maxReplicas (4)' },
        { path: 'manifest.spec.workerGroupSpecs[0].replicas', message: 'Invalid value' },
        { path: 'headers.idempotency-key', message: 'must be printable' },
      ]),
    ).toEqual({
      inputs: {
        'body.name': 'is already used in this team',
        'body.workerGroups[0].replicas': 'must be <= 1000; must not exceed maxReplicas (4)',
      },
      manifest: [{ path: 'spec.workerGroupSpecs[0].replicas', message: 'Invalid value' }],
    });
  });
});

describe('manifestPathOfField', () => {
  it.each([
    ['body.name', 'metadata.name'],
    ['body.workerGroups[1].replicas', 'spec.workerGroupSpecs[1].replicas'],
    ['body.workerGroups[0].name', 'spec.workerGroupSpecs[0].groupName'],
    ['body.workerGroups', 'spec.workerGroupSpecs'],
    ['body.env[2].name', 'spec.headGroupSpec.template.spec.containers[0].env[2]'],
    ['body.autoscaling.idleTimeoutSeconds', 'spec.autoscalerOptions.idleTimeoutSeconds'],
  ])('puts %s at %s', (field, place) => {
    expect(manifestPathOfField(field)).toBe(place);
  });

  it('has no place for headers', () => {
    expect(manifestPathOfField('headers.idempotency-key')).toBeUndefined();
  });
});
