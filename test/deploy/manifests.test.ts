import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import {
  admitWithSchema,
  type JsonSchemaProps,
} from '../../src/sandbox/apiserver/structuralSchema.ts';
import { describeWithUpstream, upstreamKuberayDir } from '../support/upstream.ts';
import { type KubeObject, parseYamlObjects, repoRoot } from './buildOverlay.ts';
import { validatePodTemplate } from './validateCoreObject.ts';

const manifestsDir = join(repoRoot, 'manifests');
const manifestFiles = readdirSync(manifestsDir)
  .filter((file) => file.endsWith('.yaml'))
  .sort();

/** Each manifest file with its text and objects. */
const manifests = manifestFiles.map((file) => {
  const text = readFileSync(join(manifestsDir, file), 'utf8');
  return { file, text, objects: parseYamlObjects(text, file) };
});
const rayObjects = manifests.flatMap(({ file, objects }) =>
  objects.filter((o) => o.apiVersion.startsWith('ray.io/')).map((object) => ({ file, object })),
);

/** Plurals of the upstream CRD files, by kind. */
const crdFiles: Readonly<Record<string, string>> = {
  RayCluster: 'ray.io_rayclusters.yaml',
  RayJob: 'ray.io_rayjobs.yaml',
  RayService: 'ray.io_rayservices.yaml',
};

/** KubeRay's name limits (validation.go): the names it derives for pods and services. */
const maxNameLength: Readonly<Record<string, number>> = {
  RayCluster: 53,
  RayJob: 47,
  RayService: 47,
};

/**
 * The default sandbox world these manifests are written for: GPU products by node label, and
 * the taint on the A100 node.
 */
const world = {
  gpuProducts: ['NVIDIA-GeForce-RTX-4090', 'NVIDIA-A100-SXM4-80GB'],
  taintedProducts: {
    'NVIDIA-A100-SXM4-80GB': { key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' },
  } as Record<string, { key: string; value: string; effect: string }>,
};

interface Container {
  name: string;
  image: string;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}
interface PodTemplate {
  spec: {
    containers: Container[];
    nodeSelector?: Record<string, string>;
    tolerations?: { key: string; operator?: string; value?: string; effect?: string }[];
  };
}
interface WorkerGroup {
  groupName: string;
  minReplicas: number;
  maxReplicas: number;
  template: PodTemplate;
}
interface RayClusterSpec {
  rayVersion: string;
  enableInTreeAutoscaling?: boolean;
  headGroupSpec: {
    serviceType?: string;
    rayStartParams?: Record<string, string>;
    template: PodTemplate;
  };
  workerGroupSpecs?: WorkerGroup[];
}

/** The RayCluster spec of a RayCluster, RayJob or RayService. */
function clusterSpecOf(object: KubeObject): RayClusterSpec {
  const spec = object['spec'] as Record<string, unknown>;
  if (object.kind === 'RayJob') return spec['rayClusterSpec'] as RayClusterSpec;
  if (object.kind === 'RayService') return spec['rayClusterConfig'] as RayClusterSpec;
  return spec as unknown as RayClusterSpec;
}

/** Every pod template of a Ray object, labelled head or the worker group's name. */
function templatesOf(object: KubeObject): { group: string; template: PodTemplate }[] {
  const spec = clusterSpecOf(object);
  return [
    { group: 'head', template: spec.headGroupSpec.template },
    ...(spec.workerGroupSpecs ?? []).map((g) => ({ group: g.groupName, template: g.template })),
  ];
}

function gpusOf(template: PodTemplate): number {
  return template.spec.containers.reduce(
    (sum, container) => sum + Number(container.resources?.limits?.['nvidia.com/gpu'] ?? 0),
    0,
  );
}

describe('manifest library', () => {
  it('has a file for every shape the library promises', () => {
    const clusters = rayObjects.filter(({ object }) => object.kind === 'RayCluster');
    const groups = (object: KubeObject) => clusterSpecOf(object).workerGroupSpecs ?? [];
    const totalGpus = (object: KubeObject) =>
      templatesOf(object).reduce((sum, { template }) => sum + gpusOf(template), 0);
    const shapes: Record<string, (object: KubeObject) => boolean> = {
      'CPU only': (o) => totalGpus(o) === 0,
      '1 GPU': (o) => totalGpus(o) === 1 && groups(o).every((g) => g.maxReplicas === 1),
      'multi-GPU worker group': (o) => groups(o).some((g) => gpusOf(g.template) >= 2),
      'autoscaling GPU workers': (o) =>
        clusterSpecOf(o).enableInTreeAutoscaling === true &&
        groups(o).some((g) => gpusOf(g.template) > 0 && g.minReplicas < g.maxReplicas),
      'head exposed by NodePort': (o) => clusterSpecOf(o).headGroupSpec.serviceType === 'NodePort',
      'GPUs behind a taint': (o) =>
        groups(o).some(
          (g) => (g.template.spec.tolerations ?? []).length > 0 && gpusOf(g.template) > 0,
        ),
    };
    for (const [shape, matches] of Object.entries(shapes)) {
      expect(
        clusters.filter(({ object }) => matches(object)).map(({ file }) => file),
        shape,
      ).not.toEqual([]);
    }
    expect(rayObjects.map(({ object }) => object.kind)).toEqual(
      expect.arrayContaining(['RayJob', 'RayService']),
    );
  });

  it.each(manifests)('$file starts with a comment saying when to use it and how', ({ text }) => {
    expect(text).toMatch(/^# When to use: \S/);
    const header = text.slice(0, text.search(/^apiVersion:/m));
    expect(header).toMatch(/kubectl apply -n \w[\w-]* -f manifests\//);
  });

  it.each(manifests)('$file holds exactly one Ray object and sets no namespace', ({ objects }) => {
    expect(objects).toHaveLength(1);
    expect(objects[0]?.apiVersion).toBe('ray.io/v1');
    expect(objects[0]?.metadata.namespace).toBeUndefined();
  });

  it.each(rayObjects)('$file: name is a DNS-1035 label within KubeRay limits', ({ object }) => {
    expect(object.metadata.name).toMatch(/^[a-z]([-a-z0-9]*[a-z0-9])?$/);
    expect(object.metadata.name.length).toBeLessThanOrEqual(maxNameLength[object.kind] ?? 0);
  });

  it('gives every object a distinct name per kind', () => {
    const keys = rayObjects.map(({ object }) => `${object.kind}/${object.metadata.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it.each(rayObjects)(
    '$file: images match rayVersion, with -gpu exactly on GPU pods',
    ({ object }) => {
      const { rayVersion } = clusterSpecOf(object);
      expect(rayVersion).toMatch(/^\d+\.\d+\.\d+$/);
      for (const { group, template } of templatesOf(object)) {
        const ray = template.spec.containers[0];
        const suffix = gpusOf(template) > 0 ? '-gpu' : '';
        expect(ray?.image, group).toBe(`rayproject/ray:${rayVersion}${suffix}`);
        expect(ray?.name, group).toBe(group === 'head' ? 'ray-head' : 'ray-worker');
      }
    },
  );

  it.each(rayObjects)(
    '$file: GPUs in limits, CPU and memory requested as limited',
    ({ object }) => {
      for (const { group, template } of templatesOf(object)) {
        for (const container of template.spec.containers) {
          const { requests = {}, limits = {} } = container.resources ?? {};
          const gpuRequest = requests['nvidia.com/gpu'];
          if (gpuRequest !== undefined) expect(limits['nvidia.com/gpu'], group).toBe(gpuRequest);
          expect(requests['cpu'], group).toBe(limits['cpu']);
          expect(requests['memory'], group).toBe(limits['memory']);
          expect(limits['memory'], group).toBeDefined();
        }
      }
    },
  );

  it.each(rayObjects)('$file: GPU heads run no tasks, GPU pods fit the GPU nodes', ({ object }) => {
    const spec = clusterSpecOf(object);
    const groups = spec.workerGroupSpecs ?? [];
    if (groups.some((g) => gpusOf(g.template) > 0)) {
      expect(spec.headGroupSpec.rayStartParams?.['num-cpus']).toBe('0');
    }
    for (const { group, template } of templatesOf(object)) {
      const product = template.spec.nodeSelector?.['nvidia.com/gpu.product'];
      if (product === undefined) continue;
      expect(world.gpuProducts, group).toContain(product);
      expect(gpusOf(template), `${group} selects a GPU node but asks for no GPU`).toBeGreaterThan(
        0,
      );
      const taint = world.taintedProducts[product];
      if (taint) {
        expect(template.spec.tolerations, group).toContainEqual({ ...taint, operator: 'Equal' });
      }
    }
  });

  it.each(rayObjects)(
    '$file: every pod template validates as a core PodTemplateSpec',
    ({ object }) => {
      for (const { group, template } of templatesOf(object)) {
        expect(validatePodTemplate(template), group).toBeUndefined();
      }
    },
  );
});

describeWithUpstream('manifest library against the upstream KubeRay CRDs', () => {
  const schemas = new Map<string, JsonSchemaProps>();
  beforeAll(() => {
    for (const [kind, file] of Object.entries(crdFiles)) {
      const crd = parse(readFileSync(join(upstreamKuberayDir, 'crds', file), 'utf8')) as {
        spec: {
          names: { kind: string };
          versions: {
            name: string;
            served: boolean;
            storage: boolean;
            schema: { openAPIV3Schema: JsonSchemaProps };
          }[];
        };
      };
      expect(crd.spec.names.kind).toBe(kind);
      // v1 is the served storage version; v1alpha1 is served but deprecated.
      const v1 = crd.spec.versions.find((version) => version.name === 'v1');
      expect(v1?.served && v1.storage, `${kind} v1 served and stored`).toBe(true);
      schemas.set(kind, (v1 as NonNullable<typeof v1>).schema.openAPIV3Schema);
    }
  });

  it.each(rayObjects)('$file is admitted with strict field validation', ({ object }) => {
    const schema = schemas.get(object.kind);
    expect(schema, `a CRD for ${object.kind}`).toBeDefined();
    const result = admitWithSchema(schema as JsonSchemaProps, object, {
      fieldValidation: 'Strict',
    });
    expect(result.unknownFields).toEqual([]);
    expect(result.causes).toEqual([]);
  });

  it('rejects a manifest with a misspelt field (the check has teeth)', () => {
    const cluster = rayObjects.find(({ object }) => object.kind === 'RayCluster')?.object;
    const broken = structuredClone(cluster) as KubeObject;
    const spec = broken['spec'] as Record<string, unknown>;
    spec['workerGroupSpec'] = spec['workerGroupSpecs'];
    delete spec['headGroupSpec'];
    const result = admitWithSchema(schemas.get('RayCluster') as JsonSchemaProps, broken, {
      fieldValidation: 'Strict',
    });
    expect(result.unknownFields).toEqual([expect.stringMatching(/spec\.workerGroupSpec$/)]);
    expect(result.causes.map((cause) => cause.field)).toContain('spec.headGroupSpec');
  });
});
