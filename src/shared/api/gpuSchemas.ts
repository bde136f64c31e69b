import { type Static, Type } from 'typebox';

/**
 * Wire schemas of `GET /api/v1/gpus`: the answer of `gpuInventory` (src/shared/ray/
 * gpuInventory.ts), field for field. `gpuSchemas.test.ts` checks both directions of
 * assignability, so the function's types and these schemas cannot drift apart.
 */

/** A pod holding GPUs on a node. */
export const GpuHolder = Type.Object(
  {
    namespace: Type.String(),
    /** The RayCluster (label `ray.io/cluster`), absent when the pod is not a Ray pod. */
    cluster: Type.Optional(Type.String()),
    pod: Type.String(),
    gpus: Type.Number(),
  },
  { additionalProperties: false },
);
export type GpuHolder = Static<typeof GpuHolder>;

/** A node taint a pod must tolerate to land on the node (`corev1.Taint`). */
export const NodeTaint = Type.Object(
  {
    key: Type.String(),
    value: Type.Optional(Type.String()),
    effect: Type.Union([
      Type.Literal('NoSchedule'),
      Type.Literal('PreferNoSchedule'),
      Type.Literal('NoExecute'),
    ]),
    timeAdded: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type NodeTaint = Static<typeof NodeTaint>;

/** GPUs of one extended resource on one node; counts are GPUs (MIG slices for MIG resources). */
export const NodeGpuInventory = Type.Object(
  {
    node: Type.String(),
    /** Extended resource name, e.g. `nvidia.com/gpu`, `nvidia.com/mig-1g.10gb`. */
    resource: Type.String(),
    /** Product label value (e.g. `NVIDIA-A100-SXM4-80GB`); empty when the node has no label. */
    product: Type.String(),
    /** Human product name, with the MIG profile for MIG resources. */
    productName: Type.String(),
    capacity: Type.Number(),
    allocatable: Type.Number(),
    /** Σ GPU requests of non-terminal pods bound to the node. */
    requested: Type.Number(),
    /** allocatable − requested, never below 0. */
    free: Type.Number(),
    holders: Type.Array(GpuHolder),
    /** Node condition Ready=True and not cordoned. */
    schedulable: Type.Boolean(),
    /** NoSchedule / NoExecute taints. */
    taints: Type.Array(NodeTaint),
  },
  { additionalProperties: false },
);
export type NodeGpuInventory = Static<typeof NodeGpuInventory>;

/** GPU counts summed over nodes. */
const GpuCounts = {
  capacity: Type.Number(),
  allocatable: Type.Number(),
  requested: Type.Number(),
  free: Type.Number(),
};

/** Totals of one GPU product (and resource) over all nodes. */
export const GpuProductTotals = Type.Object(
  {
    resource: Type.String(),
    product: Type.String(),
    productName: Type.String(),
    nodes: Type.Integer(),
    ...GpuCounts,
  },
  { additionalProperties: false },
);
export type GpuProductTotals = Static<typeof GpuProductTotals>;

/** Body of `GET /api/v1/gpus`: GPUs per node and product, with totals. */
export const GpuInventory = Type.Object(
  {
    /** Sorted by product name, then node. */
    nodes: Type.Array(NodeGpuInventory),
    /** Sorted by product name. */
    products: Type.Array(GpuProductTotals),
    total: Type.Object(GpuCounts, { additionalProperties: false }),
  },
  { $id: 'GpuInventory', additionalProperties: false },
);
export type GpuInventory = Static<typeof GpuInventory>;
