import type { Condition } from './RayCluster.ts';

/** A condition to set; `lastTransitionTime` is filled in. */
export interface ConditionInput {
  type: string;
  status: Condition['status'];
  reason: string;
  message?: string;
  observedGeneration?: number;
}

/**
 * apimachinery's `meta.SetStatusCondition`: adds the condition, or updates reason, message and
 * observedGeneration of the existing one of that type, moving `lastTransitionTime` only when
 * the status changes. Returns a new list; `now` is an RFC 3339 time.
 */
export function setStatusCondition(
  conditions: readonly Condition[] | undefined,
  input: ConditionInput,
  now: string,
): Condition[] {
  const list = [...(conditions ?? [])];
  const index = list.findIndex((condition) => condition.type === input.type);
  const existing = index >= 0 ? list[index] : undefined;
  const next: Condition = {
    type: input.type,
    status: input.status,
    reason: input.reason,
    message: input.message ?? '',
    lastTransitionTime:
      existing && existing.status === input.status ? existing.lastTransitionTime : now,
    ...(input.observedGeneration ? { observedGeneration: input.observedGeneration } : {}),
  };
  if (index >= 0) list[index] = next;
  else list.push(next);
  return list;
}

/** apimachinery's `meta.RemoveStatusCondition`: a new list without conditions of `type`. */
export function removeStatusCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition[] {
  return (conditions ?? []).filter((condition) => condition.type !== type);
}

/** The condition of `type`, if present. */
export function findCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((condition) => condition.type === type);
}

/** Whether the condition of `type` is present with status `True`. */
export function isConditionTrue(
  conditions: readonly Condition[] | undefined,
  type: string,
): boolean {
  return findCondition(conditions, type)?.status === 'True';
}
