import { Type } from 'typebox';

import type { RayClusterResource } from '../ray/rayTypes.ts';

/** `metadata` of a Kubernetes object: the fields Raydeck reads, others passed through. */
const ObjectMeta = Type.Object(
  {
    name: Type.Optional(Type.String()),
    namespace: Type.Optional(Type.String()),
    uid: Type.Optional(Type.String()),
    resourceVersion: Type.Optional(Type.String()),
    generation: Type.Optional(Type.Integer()),
    /** RFC 3339, e.g. `2026-11-27T09:00:00Z`. */
    creationTimestamp: Type.Optional(Type.String()),
    deletionTimestamp: Type.Optional(Type.String()),
    labels: Type.Optional(Type.Record(Type.String(), Type.String())),
    annotations: Type.Optional(Type.Record(Type.String(), Type.String())),
  },
  { additionalProperties: true },
);

/** An object whose fields are KubeRay's (`ray.io/v1` CRD), passed through as stored. */
const KubeRayFields = (description: string) =>
  Type.Object({}, { additionalProperties: true, description });

/**
 * A RayCluster (`ray.io/v1`) as stored in Kubernetes. Its typed view is `RayClusterResource`
 * (src/shared/ray/rayTypes.ts), which names the fields Raydeck reads; the schema names the
 * top-level structure and leaves `spec` and `status` open (additional fields are kept), because
 * their full shape is KubeRay's CRD and changes with KubeRay versions.
 * @see https://ray-project.github.io/kuberay/reference/api/
 */
export const RayClusterObject = Type.Unsafe<RayClusterResource>(
  Type.Object(
    {
      apiVersion: Type.Optional(Type.String({ examples: ['ray.io/v1'] })),
      kind: Type.Optional(Type.String({ examples: ['RayCluster'] })),
      metadata: ObjectMeta,
      spec: KubeRayFields('`RayClusterSpec` of KubeRay: headGroupSpec, workerGroupSpecs, …'),
      status: Type.Optional(
        KubeRayFields('`RayClusterStatus` of KubeRay: conditions, state, endpoints, …'),
      ),
    },
    { additionalProperties: true, description: 'A RayCluster (ray.io/v1) as stored.' },
  ),
);
