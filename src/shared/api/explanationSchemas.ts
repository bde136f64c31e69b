import { type Static, Type } from 'typebox';

/**
 * Wire schemas of the "why pending" explanation in `GET /api/v1/clusters/{team}/{name}`: the
 * answer of `explainCluster` (src/shared/ray/explainCluster.ts), field for field.
 * `explanationSchemas.test.ts` checks both directions of assignability against its types.
 */

/** Where a cause was read from. */
export const CauseSource = Type.Union([
  Type.Literal('scheduler'),
  Type.Literal('quota'),
  Type.Literal('image'),
  Type.Literal('crash'),
  Type.Literal('operator'),
  Type.Literal('spec'),
  Type.Literal('condition'),
]);
export type CauseSource = Static<typeof CauseSource>;

/** One reason a group is not (fully) ready, as a plain-English clause. */
export const ExplainCause = Type.Object(
  {
    source: CauseSource,
    /** A clause without final period, e.g. `no node has a free NVIDIA A100 (4 in use by …)`. */
    message: Type.String(),
    /** The Kubernetes text it was read from, for a tooltip or `-o wide`. */
    detail: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type ExplainCause = Static<typeof ExplainCause>;

/** The explanation of one group (head or worker group) of a RayCluster; counts are pods. */
export const GroupExplanation = Type.Object(
  {
    /** `headgroup` or the worker `groupName`. */
    group: Type.String(),
    kind: Type.Union([Type.Literal('head'), Type.Literal('worker')]),
    /** Pods wanted now (0 when suspended). */
    desired: Type.Integer(),
    /** Pods Running and Ready. */
    ready: Type.Integer(),
    /** Pods that exist, are neither ready nor failing: unschedulable or starting. */
    pending: Type.Integer(),
    /** Pods in a terminal failure (image, crash, config, phase Failed). */
    failing: Type.Integer(),
    /** Wanted pods that do not exist (not created yet, or rejected). */
    notCreated: Type.Integer(),
    state: Type.Union([
      Type.Literal('ok'),
      Type.Literal('waiting'),
      Type.Literal('blocked'),
      Type.Literal('failing'),
    ]),
    /** One plain-English sentence. */
    summary: Type.String(),
    causes: Type.Array(ExplainCause),
  },
  { additionalProperties: false },
);
export type GroupExplanation = Static<typeof GroupExplanation>;
