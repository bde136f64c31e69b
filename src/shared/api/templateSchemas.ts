import { type Static, Type } from 'typebox';

import { TeamName } from './adminSchemas.ts';
import { ExposureSchema } from './clusterSchemas.ts';

const quantityPattern = '^([0-9]+(\\.[0-9]+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$';

/** A governed compute template: what users pick from when they create a cluster. */
export const TemplateInput = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', minLength: 1, maxLength: 63 }),
    description: Type.String({ maxLength: 500 }),
    head: Type.Object(
      {
        cpu: Type.Number({ minimum: 0.5, maximum: 256 }),
        memory: Type.String({ pattern: quantityPattern }),
      },
      { additionalProperties: false },
    ),
    worker: Type.Object(
      {
        cpu: Type.Number({ minimum: 0.5, maximum: 256 }),
        memory: Type.String({ pattern: quantityPattern }),
        gpu: Type.Integer({ minimum: 0, maximum: 16 }),
        /** Extended resource, `nvidia.com/gpu` by default (KubeRay's `gpu_accelerator`). */
        gpuResource: Type.Optional(Type.String({ minLength: 1 })),
        /** `nvidia.com/gpu.product` the workers must land on, e.g. `NVIDIA-A100-SXM4-80GB`. */
        gpuProduct: Type.Optional(Type.String({ minLength: 1 })),
      },
      { additionalProperties: false },
    ),
    tolerations: Type.Optional(
      Type.Array(
        Type.Object(
          {
            key: Type.String(),
            operator: Type.Union([Type.Literal('Equal'), Type.Literal('Exists')]),
            value: Type.Optional(Type.String()),
            effect: Type.Union([
              Type.Literal('NoSchedule'),
              Type.Literal('PreferNoSchedule'),
              Type.Literal('NoExecute'),
            ]),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    allowedRayVersions: Type.Array(Type.String({ pattern: '^\\d+\\.\\d+\\.\\d+$' }), {
      minItems: 1,
    }),
    /** Image repositories users may pick besides `rayproject/ray`; the tag must be the Ray version. */
    allowedImages: Type.Array(Type.String({ minLength: 1 })),
    /**
     * How users may expose a cluster's head (dashboard, Ray client, unauthenticated Jobs API).
     * `ClusterIP` (inside Kubernetes, reached through Raydeck's proxy) is always allowed; only an
     * admin grants `NodePort`, `LoadBalancer` or `Ingress`. Absent: `['ClusterIP']`.
     */
    allowedExposure: Type.Optional(Type.Array(ExposureSchema, { uniqueItems: true, maxItems: 4 })),
    maxWorkers: Type.Integer({ minimum: 0, maximum: 1000 }),
    defaultWorkers: Type.Integer({ minimum: 0, maximum: 1000 }),
    /** Seconds an idle cluster may live before the idle policy suspends it. */
    defaultIdleTimeoutSeconds: Type.Integer({ minimum: 60, maximum: 604800 }),
    /** Seconds before a cluster is deleted regardless of use; absent: no TTL. */
    defaultTtlSeconds: Type.Optional(Type.Integer({ minimum: 300, maximum: 31536000 })),
  },
  {
    additionalProperties: false,
    examples: [
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
    ],
  },
);
export type TemplateInput = Static<typeof TemplateInput>;

/** A stored template, with its version (bumped on every update) and state. */
export const Template = Type.Object(
  {
    ...TemplateInput.properties,
    namespace: Type.String(),
    version: Type.Integer(),
    retired: Type.Boolean(),
    updatedAt: Type.Optional(Type.String()),
    /** Whether Raydeck created it; KubeRay APIServer templates show up too, read-only. */
    origin: Type.Union([Type.Literal('raydeck'), Type.Literal('kuberay-apiserver')]),
  },
  { additionalProperties: false },
);
export type Template = Static<typeof Template>;

/** Whether a template fits now: free GPUs of its type and the team's quota headroom. */
export const TemplateAvailability = Type.Object(
  {
    template: Type.String(),
    team: Type.String(),
    fits: Type.Boolean(),
    freeGpus: Type.Number(),
    quotaHeadroom: Type.Optional(Type.Number()),
    message: Type.String(),
  },
  { additionalProperties: false },
);
export type TemplateAvailability = Static<typeof TemplateAvailability>;

/** Body of `GET /api/v1/templates`, ordered by name. */
export const TemplateList = Type.Object(
  { items: Type.Array(Template) },
  { $id: 'TemplateList', additionalProperties: false },
);
export type TemplateList = Static<typeof TemplateList>;

/** Query of `GET /api/v1/templates`: retired templates are left out unless asked for. */
export const TemplateListQuery = Type.Object(
  { includeRetired: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export type TemplateListQuery = Static<typeof TemplateListQuery>;

/** Query of `GET /api/v1/templates/availability`: the team whose quota is checked. */
export const TemplateAvailabilityQuery = Type.Object(
  { team: TeamName },
  { additionalProperties: false },
);
export type TemplateAvailabilityQuery = Static<typeof TemplateAvailabilityQuery>;

/** Body of `GET /api/v1/templates/availability`: one entry per active template. */
export const TemplateAvailabilityList = Type.Object(
  { items: Type.Array(TemplateAvailability) },
  { $id: 'TemplateAvailabilityList', additionalProperties: false },
);
export type TemplateAvailabilityList = Static<typeof TemplateAvailabilityList>;

/** Path parameters of `/api/v1/templates/{name}`. */
export const TemplateNameParams = Type.Object({ name: Type.String() });
export type TemplateNameParams = Static<typeof TemplateNameParams>;
