import { type Exposure, ExposureSchema } from '../../shared/api/clusterSchemas.ts';
import {
  kubeRayApiServerUnavailableReason,
  notAvailableThroughKubeRayApiServer,
} from '../../shared/api/notAvailableThroughKubeRayApiServer.ts';
import type { Template, TemplateInput } from '../../shared/api/templateSchemas.ts';
import type { KubeCache } from '../k8s/KubeCache.ts';
import type { ConfigMapObject, KubeClient } from '../k8s/KubeClient.ts';
import { RaydeckLabel, raydeckManager } from './raydeckLabels.ts';
import { kubeOperation, ServiceError } from './serviceErrors.ts';

/** Labels of a compute template ConfigMap, as KubeRay APIServer writes them. */
const templateLabels = (name: string) => ({
  'ray.io/config-type': 'compute-template',
  'ray.io/compute-template': name,
});

/** Splits `32Gi` into KubeRay APIServer's integer `memory` and `memory_unit`. */
function splitMemory(quantity: string): { memory: string; unit: string } {
  const match = /^(\d+)(Ki|Mi|Gi|Ti)?$/.exec(quantity);
  return match ? { memory: match[1] ?? '0', unit: match[2] ?? '' } : { memory: quantity, unit: '' };
}

/**
 * The ConfigMap of a template in KubeRay APIServer's layout (`name`, `namespace`, `cpu`,
 * `memory`, `memory_unit`, `gpu`, `gpu_accelerator`, `extended_resources`, `tolerations`,
 * describing the worker shape), plus Raydeck's own keys prefixed `raydeck_`, so APIServer users
 * and tools still read it.
 * @see kuberay apiserver/pkg/util/cluster.go NewComputeTemplate
 */
export function templateToConfigMap(
  input: TemplateInput,
  namespace: string,
  version: number,
  retired: boolean,
): ConfigMapObject {
  const { memory, unit } = splitMemory(input.worker.memory);
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: input.name,
      namespace,
      labels: { ...templateLabels(input.name), [RaydeckLabel.managedBy]: raydeckManager },
    },
    data: {
      name: input.name,
      namespace,
      cpu: String(input.worker.cpu),
      memory,
      memory_unit: unit,
      gpu: String(input.worker.gpu),
      gpu_accelerator: input.worker.gpuResource ?? 'nvidia.com/gpu',
      extended_resources: '{}',
      ...(input.tolerations?.length ? { tolerations: JSON.stringify(input.tolerations) } : {}),
      raydeck_description: input.description,
      raydeck_head: JSON.stringify(input.head),
      ...(input.worker.gpuProduct ? { raydeck_gpu_product: input.worker.gpuProduct } : {}),
      raydeck_allowed_ray_versions: JSON.stringify(input.allowedRayVersions),
      raydeck_allowed_images: JSON.stringify(input.allowedImages),
      raydeck_allowed_exposure: JSON.stringify(input.allowedExposure ?? ['ClusterIP']),
      raydeck_max_workers: String(input.maxWorkers),
      raydeck_default_workers: String(input.defaultWorkers),
      raydeck_default_idle_timeout_seconds: String(input.defaultIdleTimeoutSeconds),
      ...(input.defaultTtlSeconds !== undefined
        ? { raydeck_default_ttl_seconds: String(input.defaultTtlSeconds) }
        : {}),
      raydeck_version: String(version),
      raydeck_retired: String(retired),
    },
  };
}

function json<T>(text: string | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

const exposures = new Set<string>(ExposureSchema.anyOf.map((literal) => literal.const));

/**
 * `raydeck_allowed_exposure` as stored; absent (KubeRay APIServer templates, templates written
 * before the field) or unreadable: ClusterIP only, since exposing the head is an admin's grant.
 */
function allowedExposureOf(text: string | undefined): Exposure[] {
  const stored = json<unknown>(text, []);
  const valid = Array.isArray(stored)
    ? stored.filter((entry): entry is Exposure => typeof entry === 'string' && exposures.has(entry))
    : [];
  return ['ClusterIP', ...new Set(valid.filter((entry) => entry !== 'ClusterIP'))];
}

/** Reads a template ConfigMap, Raydeck's or one written by KubeRay APIServer. */
export function templateFromConfigMap(configMap: ConfigMapObject): Template {
  const data = configMap.data ?? {};
  const raydeck = data['raydeck_version'] !== undefined;
  const workerMemory = `${data['memory'] ?? '0'}${data['memory_unit'] ?? (raydeck ? '' : 'Gi')}`;
  return {
    name: configMap.metadata?.name ?? data['name'] ?? '',
    namespace: configMap.metadata?.namespace ?? data['namespace'] ?? '',
    description: data['raydeck_description'] ?? 'KubeRay APIServer compute template',
    head: json(data['raydeck_head'], { cpu: Number(data['cpu'] ?? 1), memory: workerMemory }),
    worker: {
      cpu: Number(data['cpu'] ?? 1),
      memory: workerMemory,
      gpu: Number(data['gpu'] ?? 0),
      gpuResource: data['gpu_accelerator'] || 'nvidia.com/gpu',
      ...(data['raydeck_gpu_product'] ? { gpuProduct: data['raydeck_gpu_product'] } : {}),
    },
    tolerations: json(data['tolerations'], []),
    allowedRayVersions: json(data['raydeck_allowed_ray_versions'], ['2.52.0']),
    allowedImages: json(data['raydeck_allowed_images'], []),
    allowedExposure: allowedExposureOf(data['raydeck_allowed_exposure']),
    maxWorkers: Number(data['raydeck_max_workers'] ?? 4),
    defaultWorkers: Number(data['raydeck_default_workers'] ?? 1),
    defaultIdleTimeoutSeconds: Number(data['raydeck_default_idle_timeout_seconds'] ?? 3600),
    ...(data['raydeck_default_ttl_seconds']
      ? { defaultTtlSeconds: Number(data['raydeck_default_ttl_seconds']) }
      : {}),
    version: Number(data['raydeck_version'] ?? 1),
    retired: data['raydeck_retired'] === 'true',
    ...(configMap.metadata?.creationTimestamp
      ? { updatedAt: new Date(configMap.metadata.creationTimestamp).toISOString() }
      : {}),
    origin: raydeck ? 'raydeck' : 'kuberay-apiserver',
  };
}

/** Templates that a fresh sandbox starts with, fitting its default world. */
export const sandboxTemplates: readonly TemplateInput[] = [
  {
    name: 'cpu-small',
    description: 'CPU only: a 2-CPU head and 4-CPU workers, for trying Ray.',
    head: { cpu: 2, memory: '8Gi' },
    worker: { cpu: 4, memory: '16Gi', gpu: 0 },
    allowedRayVersions: ['2.52.0', '2.51.1'],
    allowedImages: [],
    maxWorkers: 4,
    defaultWorkers: 1,
    defaultIdleTimeoutSeconds: 3600,
  },
  {
    name: 'rtx4090-1',
    description: '1× NVIDIA GeForce RTX 4090 per worker, 8 CPU, 32 GiB.',
    head: { cpu: 2, memory: '8Gi' },
    worker: { cpu: 8, memory: '32Gi', gpu: 1, gpuProduct: 'NVIDIA-GeForce-RTX-4090' },
    allowedRayVersions: ['2.52.0'],
    allowedImages: [],
    maxWorkers: 2,
    defaultWorkers: 1,
    defaultIdleTimeoutSeconds: 1800,
  },
  {
    name: 'a100-1',
    description: '1× NVIDIA A100 80 GB per worker, 8 CPU, 64 GiB.',
    head: { cpu: 2, memory: '8Gi' },
    worker: { cpu: 8, memory: '64Gi', gpu: 1, gpuProduct: 'NVIDIA-A100-SXM4-80GB' },
    tolerations: [
      { key: 'nvidia.com/gpu', operator: 'Equal', value: 'present', effect: 'NoSchedule' },
    ],
    allowedRayVersions: ['2.52.0'],
    allowedImages: [],
    maxWorkers: 4,
    defaultWorkers: 1,
    defaultIdleTimeoutSeconds: 1800,
  },
];

/**
 * Governed templates, stored Kubernetes-natively as ConfigMaps in the templates namespace and read
 * from the watch-fed cache. Updates bump `raydeck_version`; retiring keeps the template for existing
 * clusters but hides it from new ones.
 */
export class TemplateService {
  private readonly cache: KubeCache;
  private readonly client: KubeClient;
  readonly namespace: string;
  /**
   * Set through a KubeRay APIServer (`--apiserver-url`), which forwards no ConfigMaps: the
   * templates are its v1 compute templates (KubeRayTemplateSource), read-only here.
   */
  private readonly kubeRayTemplates: { configMaps(): readonly ConfigMapObject[] } | undefined;

  constructor(options: {
    cache: KubeCache;
    client: KubeClient;
    namespace: string;
    kubeRayTemplates?: { configMaps(): readonly ConfigMapObject[] };
  }) {
    this.cache = options.cache;
    this.client = options.client;
    this.namespace = options.namespace;
    this.kubeRayTemplates = options.kubeRayTemplates;
  }

  /** Template ConfigMaps: the cache's, or the KubeRay APIServer's compute templates. */
  private configMaps(): readonly ConfigMapObject[] {
    return this.kubeRayTemplates?.configMaps() ?? this.cache.list('ConfigMap');
  }

  /** Refuses changes through a KubeRay APIServer: templates are managed with its v1 API there. */
  private checkWritable(): void {
    if (!this.kubeRayTemplates) return;
    throw new ServiceError(
      409,
      kubeRayApiServerUnavailableReason,
      `${notAvailableThroughKubeRayApiServer('Editing templates')} Manage compute templates with the APIServer's v1 API (/apis/v1/namespaces/${this.namespace}/compute_templates).`,
    );
  }

  /**
   * Templates of the templates namespace, Raydeck's and KubeRay APIServer's. A template ConfigMap
   * anywhere else is ignored: team members can write ConfigMaps in their own namespace, and a
   * template is policy only admins set.
   */
  list(includeRetired = false): Template[] {
    return this.configMaps()
      .filter((configMap) => configMap.metadata.namespace === this.namespace)
      .map((configMap) => templateFromConfigMap(configMap))
      .filter((template) => includeRetired || !template.retired)
      .sort((left, right) => left.name.localeCompare(right.name));
  }

  /** The template `name` of the templates namespace (never a team's: see {@link list}). */
  find(name: string): Template | undefined {
    const configMap = this.kubeRayTemplates
      ? this.kubeRayTemplates
          .configMaps()
          .find(
            (entry) => entry.metadata.namespace === this.namespace && entry.metadata.name === name,
          )
      : this.cache.get('ConfigMap', this.namespace, name);
    return configMap && templateFromConfigMap(configMap);
  }

  async create(input: TemplateInput): Promise<Template> {
    this.checkWritable();
    this.checkShape(input);
    if (this.find(input.name)) {
      throw new ServiceError(409, 'AlreadyExists', `template "${input.name}" already exists`, [
        { path: 'body.name', message: 'is already used by another template' },
      ]);
    }
    await kubeOperation(() => this.client.ensureNamespace(this.namespace));
    const created = await kubeOperation(() =>
      this.client.createConfigMap(
        this.namespace,
        templateToConfigMap(input, this.namespace, 1, false),
      ),
    );
    return templateFromConfigMap(created);
  }

  async update(name: string, input: TemplateInput, retired?: boolean): Promise<Template> {
    this.checkWritable();
    this.checkShape(input);
    if (input.name !== name) {
      throw new ServiceError(400, 'ValidationFailed', 'a template cannot be renamed', [
        { path: 'body.name', message: `must be "${name}"` },
      ]);
    }
    const current = this.find(name);
    if (!current || current.namespace !== this.namespace)
      throw new ServiceError(404, 'NotFound', `template "${name}" not found`);
    if (current.origin !== 'raydeck') {
      throw new ServiceError(
        409,
        'NotManaged',
        `template "${name}" belongs to KubeRay APIServer; edit it there`,
      );
    }
    const next = templateToConfigMap(
      input,
      this.namespace,
      current.version + 1,
      retired ?? current.retired,
    );
    // Replace only the version read: a concurrent edit gets 409 instead of being overwritten.
    const stored = this.cache.get('ConfigMap', this.namespace, name);
    next.metadata = { ...next.metadata, resourceVersion: stored?.metadata?.resourceVersion };
    const updated = await kubeOperation(() =>
      this.client.replaceConfigMap(this.namespace, name, next),
    );
    return templateFromConfigMap(updated);
  }

  async delete(name: string): Promise<void> {
    this.checkWritable();
    if (!this.find(name)) throw new ServiceError(404, 'NotFound', `template "${name}" not found`);
    await kubeOperation(() => this.client.deleteConfigMap(this.namespace, name));
  }

  /** Creates the sandbox's starter templates when none exist yet. */
  async seed(templates: readonly TemplateInput[]): Promise<void> {
    for (const template of templates) {
      if (!this.find(template.name)) await this.create(template);
    }
  }

  private checkShape(input: TemplateInput): void {
    if (input.defaultWorkers > input.maxWorkers) {
      throw new ServiceError(
        400,
        'ValidationFailed',
        'body.defaultWorkers: must not exceed maxWorkers',
        [
          {
            path: 'body.defaultWorkers',
            message: `must not exceed maxWorkers (${input.maxWorkers})`,
          },
        ],
      );
    }
  }
}
