import { describe, expect, it } from 'vitest';

import {
  rayCustomResourceDefinitions,
  rayNameLengthLimits,
  validateRayObjectName,
} from './rayCustomResourceDefinitions.ts';
import { formatCause, type JsonSchemaProps, validateAgainstCrd } from './structuralSchema.ts';

function crdOf(kind: string) {
  const crd = rayCustomResourceDefinitions.find((candidate) => candidate.spec.names.kind === kind);
  if (!crd) throw new Error(`no CRD for ${kind}`);
  return crd;
}

const podTemplate = {
  spec: { containers: [{ name: 'ray', image: 'rayproject/ray:2.52.0' }] },
};

function rayCluster(spec: Record<string, unknown>) {
  return {
    apiVersion: 'ray.io/v1',
    kind: 'RayCluster',
    metadata: { name: 'demo', namespace: 'default' },
    spec: { headGroupSpec: { template: podTemplate }, ...spec },
  };
}

function check(kind: string, object: unknown, oldObject?: unknown) {
  const result = validateAgainstCrd(crdOf(kind), object, {
    fieldValidation: 'Strict',
    ...(oldObject === undefined ? {} : { oldObject }),
  });
  return { ...result, texts: result.causes.map(formatCause) };
}

describe('the ray.io CustomResourceDefinitions', () => {
  it('define the four kinds, namespaced, in category all, with a status subresource', () => {
    expect(
      rayCustomResourceDefinitions.map((crd) => [
        crd.metadata.name,
        crd.spec.names.kind,
        crd.spec.names.listKind,
      ]),
    ).toEqual([
      ['rayclusters.ray.io', 'RayCluster', 'RayClusterList'],
      ['rayjobs.ray.io', 'RayJob', 'RayJobList'],
      ['rayservices.ray.io', 'RayService', 'RayServiceList'],
      ['raycronjobs.ray.io', 'RayCronJob', 'RayCronJobList'],
    ]);
    for (const crd of rayCustomResourceDefinitions) {
      expect(crd.spec.group).toBe('ray.io');
      expect(crd.spec.scope).toBe('Namespaced');
      expect(crd.spec.names.categories).toEqual(['all']);
      expect(crd.spec.versions.map((v) => [v.name, v.served, v.storage])).toEqual([
        ['v1', true, true],
      ]);
      expect(crd.spec.versions[0]?.subresources).toEqual({ status: {} });
    }
  });

  it('carry the printer columns of kuberay-api.md §1', () => {
    const columns = (kind: string) =>
      crdOf(kind).spec.versions[0]?.additionalPrinterColumns.map(
        (column) => `${column.name}|${column.jsonPath}|${column.type}|${column.priority ?? 0}`,
      );
    expect(columns('RayCluster')).toEqual([
      'desired workers|.status.desiredWorkerReplicas|integer|0',
      'available workers|.status.availableWorkerReplicas|integer|0',
      'cpus|.status.desiredCPU|string|0',
      'memory|.status.desiredMemory|string|0',
      'gpus|.status.desiredGPU|string|0',
      'tpus|.status.desiredTPU|string|1',
      'status|.status.state|string|0',
      'age|.metadata.creationTimestamp|date|0',
      'head pod IP|.status.head.podIP|string|1',
      'head service IP|.status.head.serviceIP|string|1',
    ]);
    expect(columns('RayJob')).toEqual([
      'job status|.status.jobStatus|string|0',
      'deployment status|.status.jobDeploymentStatus|string|0',
      'ray cluster name|.status.rayClusterName|string|0',
      'start time|.status.startTime|string|0',
      'end time|.status.endTime|string|0',
      'age|.metadata.creationTimestamp|date|0',
    ]);
    expect(columns('RayService')).toEqual([
      'service status|.status.serviceStatus|string|0',
      'num serve endpoints|.status.numServeEndpoints|string|0',
    ]);
    expect(columns('RayCronJob')).toEqual([
      'schedule|.spec.schedule|string|0',
      'timezone|.spec.timeZone|string|0',
      'last schedule|.status.lastScheduleTime|date|0',
      'age|.metadata.creationTimestamp|date|0',
      'suspend|.spec.suspend|boolean|0',
    ]);
  });

  it('have structural schemas: typed nodes, declared required fields and list-map keys', () => {
    const problems: string[] = [];
    const walk = (node: JsonSchemaProps, path: string): void => {
      const preserve = node['x-kubernetes-preserve-unknown-fields'] === true;
      if (!node.type && !node['x-kubernetes-int-or-string'] && !preserve)
        problems.push(`${path}: no type`);
      if (node.properties && typeof node.additionalProperties === 'object') {
        problems.push(`${path}: properties and additionalProperties`);
      }
      for (const key of node.required ?? []) {
        if (!node.properties?.[key]) problems.push(`${path}: required ${key} is not a property`);
      }
      for (const key of node['x-kubernetes-list-map-keys'] ?? []) {
        const item = node.items?.properties?.[key];
        if (!item) problems.push(`${path}: list-map key ${key} is not an item property`);
        else if (!node.items?.required?.includes(key) && item.default === undefined) {
          problems.push(`${path}: list-map key ${key} is neither required nor defaulted`);
        }
      }
      for (const [key, child] of Object.entries(node.properties ?? {}))
        walk(child, `${path}.${key}`);
      if (node.items) walk(node.items, `${path}[]`);
      if (typeof node.additionalProperties === 'object')
        walk(node.additionalProperties, `${path}{}`);
    };
    for (const crd of rayCustomResourceDefinitions) {
      const schema = crd.spec.versions[0]?.schema.openAPIV3Schema;
      if (schema) walk(schema, crd.spec.names.kind);
    }
    expect(problems).toEqual([]);
  });
});

describe('RayCluster', () => {
  it('accepts a minimal cluster and applies the worker-group and container defaults', () => {
    const result = check(
      'RayCluster',
      rayCluster({
        workerGroupSpecs: [
          {
            groupName: 'gpu',
            template: {
              spec: {
                containers: [{ name: 'ray', ports: [{ containerPort: 8265, name: 'dashboard' }] }],
              },
            },
          },
        ],
      }),
    );
    expect(result.causes).toEqual([]);
    expect(result.unknownFields).toEqual([]);
    expect(result.object).toMatchObject({
      spec: {
        workerGroupSpecs: [
          {
            groupName: 'gpu',
            replicas: 0,
            minReplicas: 0,
            maxReplicas: 2147483647,
            numOfHosts: 1,
            priority: 0,
            template: { spec: { containers: [{ ports: [{ protocol: 'TCP' }] }] } },
          },
        ],
      },
    });
  });

  it('defaults networkPolicy.mode only when networkPolicy is set', () => {
    expect(check('RayCluster', rayCluster({})).object).not.toHaveProperty('spec.networkPolicy');
    expect(check('RayCluster', rayCluster({ networkPolicy: {} })).object).toMatchObject({
      spec: { networkPolicy: { mode: 'DenyAll' } },
    });
  });

  it('requires the head group, its template, and the worker group fields', () => {
    const object = rayCluster({ workerGroupSpecs: [{ replicas: 1 }] });
    delete (object.spec as Record<string, unknown>)['headGroupSpec'];
    expect(check('RayCluster', object).texts).toEqual([
      'spec.workerGroupSpecs[0].groupName: Required value',
      'spec.workerGroupSpecs[0].template: Required value',
      'spec.headGroupSpec: Required value',
      '<nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
    ]);
  });

  it('checks the enums of the reference', () => {
    const result = check(
      'RayCluster',
      rayCluster({
        upgradeStrategy: { type: 'Sideways' },
        authOptions: { mode: 'Token' },
        autoscalerOptions: { version: 'v3', upscalingMode: 'Fast' },
        gcsFaultToleranceOptions: { backend: 'etcd', storage: { deletionPolicy: 'Keep' } },
        headGroupSpec: { template: podTemplate, ingressOptions: { pathType: 'Glob' } },
      }),
    );
    expect(result.texts).toEqual([
      'spec.authOptions.mode: Unsupported value: "Token": supported values: "disabled", "token"',
      'spec.autoscalerOptions.upscalingMode: Unsupported value: "Fast": supported values: "Default", "Aggressive", "Conservative"',
      'spec.autoscalerOptions.version: Unsupported value: "v3": supported values: "v1", "v2"',
      'spec.gcsFaultToleranceOptions.backend: Unsupported value: "etcd": supported values: "redis", "rocksdb"',
      'spec.gcsFaultToleranceOptions.storage.deletionPolicy: Unsupported value: "Keep": supported values: "DeleteWithCluster", "Retain"',
      'spec.headGroupSpec.ingressOptions.pathType: Unsupported value: "Glob": supported values: "Exact", "Prefix", "ImplementationSpecific"',
      'spec.upgradeStrategy.type: Unsupported value: "Sideways": supported values: "Recreate", "None"',
      '<nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
    ]);
  });

  it('enforces managedBy values and immutability, and an immutable GCS backend', () => {
    expect(check('RayCluster', rayCluster({ managedBy: 'me' })).texts).toEqual([
      `spec.managedBy: Invalid value: "me": the managedBy field value must be either 'ray.io/kuberay-operator' or 'kueue.x-k8s.io/multikueue'`,
    ]);
    const created = check(
      'RayCluster',
      rayCluster({
        managedBy: 'ray.io/kuberay-operator',
        gcsFaultToleranceOptions: { backend: 'redis' },
      }),
    ).object;
    const updated = rayCluster({
      managedBy: 'kueue.x-k8s.io/multikueue',
      gcsFaultToleranceOptions: { backend: 'rocksdb' },
    });
    expect(check('RayCluster', updated, created).texts).toEqual([
      'spec.gcsFaultToleranceOptions.backend: Invalid value: "rocksdb": gcsFaultToleranceOptions.backend is immutable',
      'spec.managedBy: Invalid value: "kueue.x-k8s.io/multikueue": the managedBy field is immutable',
    ]);
  });

  it('rejects duplicate container names and resources that are not quantities', () => {
    const result = check(
      'RayCluster',
      rayCluster({
        headGroupSpec: {
          template: {
            spec: {
              containers: [
                { name: 'ray', resources: { limits: { cpu: '2 cores' } } },
                { name: 'ray' },
              ],
            },
          },
        },
      }),
    );
    expect(result.causes.map((cause) => [cause.field, cause.reason])).toEqual([
      ['spec.headGroupSpec.template.spec.containers[0].resources.limits.cpu', 'FieldValueInvalid'],
      ['spec.headGroupSpec.template.spec.containers[1]', 'FieldValueDuplicate'],
    ]);
  });
});

describe('RayJob, RayService and RayCronJob', () => {
  const job = (spec: Record<string, unknown>) => ({
    apiVersion: 'ray.io/v1',
    kind: 'RayJob',
    metadata: { name: 'job' },
    spec: { entrypoint: 'python main.py', ...spec },
  });

  it('defaults the RayJob submission mode, retries and TTL', () => {
    expect(check('RayJob', job({})).object).toMatchObject({
      spec: { submissionMode: 'K8sJobMode', backoffLimit: 0, ttlSecondsAfterFinished: 0 },
    });
  });

  it('enforces the deletion strategy rules and deadlines', () => {
    expect(
      check(
        'RayJob',
        job({
          preRunningDeadlineSeconds: 0,
          deletionStrategy: {
            onSuccess: { policy: 'DeleteCluster' },
            deletionRules: [
              {
                policy: 'DeleteSelf',
                condition: { jobStatus: 'FAILED', jobDeploymentStatus: 'Failed' },
              },
              { policy: 'DeleteSelf', condition: {} },
            ],
          },
        }),
      ).texts,
    ).toEqual([
      'spec.preRunningDeadlineSeconds: Invalid value: 0: spec.preRunningDeadlineSeconds in body should be greater than or equal to 1',
      'spec.deletionStrategy: Invalid value: legacy policies (onSuccess/onFailure) and deletionRules cannot be used together within the same deletionStrategy',
      'spec.deletionStrategy.deletionRules[0].condition: Invalid value: JobStatus and JobDeploymentStatus cannot be used together within the same deletion condition.',
      'spec.deletionStrategy.deletionRules[1].condition: Invalid value: the deletion condition requires either the JobStatus or the JobDeploymentStatus field.',
    ]);
    expect(check('RayJob', job({ deletionStrategy: { deletionRules: [] } })).texts).toEqual([
      'spec.deletionStrategy.deletionRules: Invalid value: 0: spec.deletionStrategy.deletionRules in body should have at least 1 items',
    ]);
    expect(
      check('RayJob', job({ deletionStrategy: { onSuccess: { policy: 'DeleteSelf' } } })).texts,
    ).toEqual([
      'spec.deletionStrategy: Invalid value: deletionStrategy requires either BOTH onSuccess and onFailure, OR the deletionRules field (cannot be empty)',
    ]);
  });

  it('requires the RayService cluster config and defaults the surge of incremental upgrades', () => {
    const service = {
      apiVersion: 'ray.io/v1',
      kind: 'RayService',
      metadata: { name: 'serve' },
      spec: {
        upgradeStrategy: {
          clusterUpgradeOptions: {
            gatewayClassName: 'istio',
            intervalSeconds: 5,
            stepSizePercent: 10,
          },
        },
      },
    };
    const result = check('RayService', service);
    expect(result.texts).toEqual([
      'spec.rayClusterConfig: Required value',
      '<nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
    ]);
    expect(result.object).toMatchObject({
      spec: { upgradeStrategy: { clusterUpgradeOptions: { maxSurgePercent: 100 } } },
    });
  });

  it('requires a RayCronJob schedule and job template, and a non-empty time zone', () => {
    expect(
      check('RayCronJob', {
        apiVersion: 'ray.io/v1',
        kind: 'RayCronJob',
        metadata: { name: 'c' },
        spec: { timeZone: '' },
      }).texts,
    ).toEqual([
      'spec.timeZone: Invalid value: "": spec.timeZone in body should be at least 1 chars long',
      'spec.jobTemplate: Required value',
      'spec.schedule: Required value',
      '<nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
    ]);
  });
});

describe('validateRayObjectName', () => {
  it('applies the per-kind length limits', () => {
    expect(rayNameLengthLimits).toEqual({
      RayCluster: 53,
      RayJob: 47,
      RayService: 47,
      RayCronJob: 36,
    });
    for (const [kind, limit] of Object.entries(rayNameLengthLimits)) {
      expect(validateRayObjectName(kind, 'a'.repeat(limit))).toEqual([]);
      expect(validateRayObjectName(kind, 'a'.repeat(limit + 1))).toHaveLength(1);
    }
  });

  it('words the causes as KubeRay does', () => {
    expect(validateRayObjectName('RayCluster', 'a'.repeat(54))).toEqual([
      {
        reason: 'FieldValueInvalid',
        field: 'metadata.name',
        message: `Invalid value: "${'a'.repeat(54)}": RayCluster name should be no more than 53 characters`,
      },
    ]);
    expect(validateRayObjectName('RayJob', 'x'.repeat(48))[0]?.message).toBe(
      `Invalid value: "${'x'.repeat(48)}": The RayJob metadata is invalid: RayJob name should be no more than 47 characters`,
    );
    expect(validateRayObjectName('RayService', '1abc')[0]?.message).toBe(
      `Invalid value: "1abc": The RayService metadata is invalid: RayService name should be a valid DNS1035 label: [a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')]`,
    );
  });

  it('rejects names that are not DNS-1035 labels and ignores other kinds', () => {
    for (const name of ['Demo', 'my.cluster', 'a_b', '-a', 'a-', '']) {
      expect(validateRayObjectName('RayCluster', name)).toHaveLength(1);
    }
    expect(validateRayObjectName('RayCronJob', 'nightly-train')).toEqual([]);
    expect(validateRayObjectName('ConfigMap', 'Not_A_Label')).toEqual([]);
  });
});
