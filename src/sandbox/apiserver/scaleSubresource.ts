import type { ObjectApi, PatchType, WriteOptions } from './objectApi.ts';
import { metaOf } from './objectMetaHelpers.ts';
import { applyJsonPatch, applyMergePatch } from './patchObject.ts';
import type { KubeObject, ResourceType } from './resourceType.ts';
import { badRequest, invalid } from './statusError.ts';

/** Wire shape of `autoscaling/v1` Scale, the body of every `…/scale` request and answer. */
export interface Scale {
  kind: 'Scale';
  apiVersion: 'autoscaling/v1';
  metadata: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
  };
  spec: { replicas: number };
  status: { replicas: number; selector: string };
}

interface LabelSelectorSpec {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/**
 * A label selector as `labels.Selector.String()` prints it (what `status.selector` of a Scale
 * carries): requirements sorted by key, `k=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`.
 */
export function formatLabelSelector(selector: LabelSelectorSpec | undefined): string {
  const requirements: [key: string, text: string][] = [];
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {})) {
    requirements.push([key, `${key}=${value}`]);
  }
  for (const expression of selector?.matchExpressions ?? []) {
    const values = [...(expression.values ?? [])].sort().join(',');
    const text =
      expression.operator === 'In'
        ? `${expression.key} in (${values})`
        : expression.operator === 'NotIn'
          ? `${expression.key} notin (${values})`
          : expression.operator === 'Exists'
            ? expression.key
            : `!${expression.key}`;
    requirements.push([expression.key, text]);
  }
  return requirements
    .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0))
    .map(([, text]) => text)
    .join(',');
}

/** The Scale of a Deployment, StatefulSet or ReplicaSet, as the apps registry builds it. */
export function scaleOf(object: KubeObject): Scale {
  const spec = (object['spec'] ?? {}) as { replicas?: number; selector?: LabelSelectorSpec };
  const status = (object['status'] ?? {}) as { replicas?: number };
  const meta = metaOf(object);
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      ...(meta.name !== undefined ? { name: meta.name } : {}),
      ...(meta.namespace !== undefined ? { namespace: meta.namespace } : {}),
      ...(meta.uid !== undefined ? { uid: meta.uid } : {}),
      ...(meta.resourceVersion !== undefined ? { resourceVersion: meta.resourceVersion } : {}),
      ...(meta.creationTimestamp !== undefined
        ? { creationTimestamp: meta.creationTimestamp }
        : {}),
    },
    spec: { replicas: spec.replicas ?? 0 },
    status: { replicas: status.replicas ?? 0, selector: formatLabelSelector(spec.selector) },
  };
}

/**
 * `PUT …/scale`: sets `spec.replicas` of the object from an autoscaling/v1 Scale. A
 * `metadata.resourceVersion` in the Scale is a precondition (409 when stale), as in Kubernetes;
 * negative or non-integer replicas are 422.
 */
export function updateScale(
  api: ObjectApi,
  type: ResourceType,
  namespace: string | undefined,
  name: string,
  body: unknown,
  options: WriteOptions,
): Scale {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('the body of the request must be a Scale object');
  }
  const scale = body as Partial<Scale>;
  if (scale.kind !== undefined && scale.kind !== 'Scale') {
    throw badRequest(
      `the kind in the data (${String(scale.kind)}) does not match the expected kind (Scale)`,
    );
  }
  if (scale.apiVersion !== undefined && scale.apiVersion !== 'autoscaling/v1') {
    throw badRequest(
      `the API version in the data (${String(scale.apiVersion)}) does not match the expected API version (autoscaling/v1)`,
    );
  }
  const scaleName = scale.metadata?.name;
  if (scaleName && scaleName !== name) {
    throw badRequest(
      `the name of the object (${scaleName}) does not match the name on the URL (${name})`,
    );
  }
  const replicas = scale.spec?.replicas ?? 0;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw invalid('Scale', 'autoscaling', name, [
      {
        field: 'spec.replicas',
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
      },
    ]);
  }
  const current = api.get(type, namespace, name);
  const meta = metaOf(current);
  const next: KubeObject = {
    ...current,
    metadata: {
      ...meta,
      resourceVersion: scale.metadata?.resourceVersion || meta.resourceVersion,
    },
    spec: { ...((current['spec'] ?? {}) as Record<string, unknown>), replicas },
  };
  return scaleOf(api.update(type, namespace, name, next, options).object);
}

/**
 * `PATCH …/scale`: the patch applies to the Scale (merge and JSON patch; a strategic merge patch
 * of a Scale is a merge patch, Scale having no lists), then as {@link updateScale}.
 */
export function patchScale(
  api: ObjectApi,
  type: ResourceType,
  namespace: string | undefined,
  name: string,
  patchType: PatchType,
  patchBody: unknown,
  options: WriteOptions,
): Scale {
  const current = scaleOf(api.get(type, namespace, name));
  const patched = (
    patchType === 'json' ? applyJsonPatch(current, patchBody) : applyMergePatch(current, patchBody)
  ) as Partial<Scale>;
  // The patch was computed against the current object: only a version the patch itself sets
  // is a precondition.
  const patchVersion = (patchBody as { metadata?: { resourceVersion?: string } } | null)?.metadata
    ?.resourceVersion;
  const body = {
    ...patched,
    metadata: { ...patched.metadata, resourceVersion: patchVersion ?? '' },
  };
  return updateScale(api, type, namespace, name, body, options);
}
