import type { FieldError } from './apiErrorBody.ts';
import type { Exposure, WorkerGroupInput } from './clusterSchemas.ts';
import type { Template } from './templateSchemas.ts';

/** Ray's image repository, allowed by every template on top of its `allowedImages`. */
export const defaultImageRepository = 'rayproject/ray';

/** The worker group a request without `workerGroups` gets (as `buildRayCluster` names it). */
export const defaultWorkerGroupName = 'workers';

/**
 * KubeRay's `maxReplicas` when a group leaves it out (Go's max int32): a group without a bound
 * outside any template.
 */
export const unboundedReplicas = 2147483647;

/** One worker group as the policy sees it: a request's group, or one of an existing cluster. */
export interface PolicyWorkerGroup extends WorkerGroupInput {
  /**
   * GPUs of one worker. Default: the template's `worker.gpu`. Differs for a cluster created from
   * an older template version, which is why GPUs are totalled apart from workers.
   */
  gpusPerWorker?: number;
  /** The group's own image, when it is not the request's `image` (existing clusters). */
  image?: string;
}

/**
 * What the template policy limits: the fields of `CreateClusterRequest` that a template governs.
 * A create request is one; `clusterRequestOfRayCluster` makes one of an existing RayCluster, so
 * scale and resume are held to the same rules.
 */
export interface ClusterPolicyRequest {
  rayVersion?: string | undefined;
  image?: string | undefined;
  exposure?: Exposure | undefined;
  ingressHost?: string | undefined;
  autoscaling?: { enabled: boolean } | undefined;
  workerGroups?: readonly PolicyWorkerGroup[] | undefined;
}

/** The exposures `template` allows: its `allowedExposure`, always with `ClusterIP`. */
export function allowedExposureOf(template: Pick<Template, 'allowedExposure'>): Exposure[] {
  const allowed = template.allowedExposure ?? [];
  return ['ClusterIP', ...allowed.filter((exposure) => exposure !== 'ClusterIP')];
}

/** The image repositories `template` allows: `rayproject/ray` and its `allowedImages`. */
export function allowedImagesOf(template: Pick<Template, 'allowedImages'>): string[] {
  return [...new Set([defaultImageRepository, ...template.allowedImages])];
}

/**
 * An image reference split as Docker does: the tag is after the last `:` of the last path part
 * (so `registry:5000/ray` has no tag), a digest after `@`.
 */
export function parseImage(image: string): { repository: string; tag?: string; digest?: string } {
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const colon = name.lastIndexOf(':');
  const tagged = colon > name.lastIndexOf('/');
  return {
    repository: tagged ? name.slice(0, colon) : name,
    ...(tagged ? { tag: name.slice(colon + 1) } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

/** Where a rule's limit comes from, as every template message ends. */
const fromTemplate = (template: Template) => `(template ${template.name})`;

/**
 * A group's replica bounds as checked: absent ones are 0 and the template's `maxWorkers`. (Without
 * autoscaling `buildRayCluster` sets an absent min to the replicas; checking it as 0 keeps the
 * error on the field the user did set.)
 */
function boundsOf(group: PolicyWorkerGroup, maxWorkers: number): { min: number; max: number } {
  return { min: group.minReplicas ?? 0, max: group.maxReplicas ?? maxWorkers };
}

/**
 * min ≤ replicas ≤ max for one group (KubeRay silently clamps otherwise), and with `ceiling` at
 * most that many workers, as a template allows. `path` is the group's, e.g. `workerGroups[0]`.
 */
export function validateReplicaBounds(
  group: { replicas: number; minReplicas: number; maxReplicas: number },
  path: string,
  ceiling?: { workers: number; message: string },
): FieldError[] {
  const fields: FieldError[] = [];
  const { replicas, minReplicas: min, maxReplicas: max } = group;
  if (ceiling && max > ceiling.workers)
    fields.push({ path: `${path}.maxReplicas`, message: ceiling.message });
  if (min > max)
    fields.push({ path: `${path}.minReplicas`, message: `at most maxReplicas (${max})` });
  if (replicas < min) {
    fields.push({ path: `${path}.replicas`, message: `at least minReplicas (${min})` });
  } else if (ceiling && replicas > ceiling.workers && max >= ceiling.workers) {
    // The tighter of the group's own maximum and the template's names the limit.
    fields.push({ path: `${path}.replicas`, message: ceiling.message });
  } else if (replicas > max) {
    fields.push({ path: `${path}.replicas`, message: `at most maxReplicas (${max})` });
  }
  return fields;
}

function rayVersionErrors(request: ClusterPolicyRequest, template: Template): FieldError[] {
  if (request.rayVersion === undefined || template.allowedRayVersions.includes(request.rayVersion))
    return [];
  return [
    {
      path: 'rayVersion',
      message: `one of ${template.allowedRayVersions.join(', ')} ${fromTemplate(template)}`,
    },
  ];
}

/**
 * An image must come from an allowed repository and carry the Ray version as its tag (`2.52.0`,
 * or with a suffix such as `2.52.0-gpu`), so an image cannot smuggle in a Ray version the
 * template does not allow. A digest alone hides the version and is refused.
 */
function imageErrors(
  image: string,
  path: string,
  rayVersion: string,
  template: Template,
): FieldError[] {
  const fields: FieldError[] = [];
  const { repository, tag } = parseImage(image);
  const allowed = allowedImagesOf(template);
  if (!allowed.includes(repository)) {
    fields.push({
      path,
      message: `repository one of ${allowed.join(', ')} ${fromTemplate(template)}`,
    });
  } else if (tag === undefined || (tag !== rayVersion && !tag.startsWith(`${rayVersion}-`))) {
    fields.push({
      path,
      message: `tag ${rayVersion} or ${rayVersion}-<variant>, the Ray version ${fromTemplate(template)}`,
    });
  }
  return fields;
}

function exposureErrors(request: ClusterPolicyRequest, template: Template): FieldError[] {
  const fields: FieldError[] = [];
  const exposure = request.exposure ?? 'ClusterIP';
  const allowed = allowedExposureOf(template);
  if (!allowed.includes(exposure)) {
    fields.push({
      path: 'exposure',
      message: `${allowed.length === 1 ? 'ClusterIP only' : `one of ${allowed.join(', ')}`} ${fromTemplate(template)}`,
    });
  }
  if (exposure === 'Ingress' && !request.ingressHost)
    fields.push({ path: 'ingressHost', message: 'required when exposure is Ingress' });
  return fields;
}

/**
 * Replica bounds per group, the template's worker limit per group, and the totals across groups:
 * workers at their peak (the autoscaler may grow every group to its `maxReplicas`; without it a
 * group keeps `replicas`) and GPUs at that peak, against `maxWorkers` and `maxWorkers × gpu`.
 */
function workerErrors(request: ClusterPolicyRequest, template: Template): FieldError[] {
  const fields: FieldError[] = [];
  const autoscaling = request.autoscaling?.enabled === true;
  const groups = request.workerGroups ?? [
    { name: defaultWorkerGroupName, replicas: template.defaultWorkers },
  ];
  if (groups.length === 0) return [{ path: 'workerGroups', message: 'at least one worker group' }];
  const limit = template.maxWorkers;
  const workersLimit = `at most ${limit} worker${limit === 1 ? '' : 's'} ${fromTemplate(template)}`;
  const names = new Set<string>();
  let workers = 0;
  let gpus = 0;
  groups.forEach((group, index) => {
    const path = `workerGroups[${index}]`;
    if (names.has(group.name))
      fields.push({ path: `${path}.name`, message: 'is used by another group' });
    names.add(group.name);
    const { min, max } = boundsOf(group, limit);
    fields.push(
      ...validateReplicaBounds(
        { replicas: group.replicas, minReplicas: min, maxReplicas: max },
        path,
        {
          workers: limit,
          message: workersLimit,
        },
      ),
    );
    const peak = autoscaling ? Math.max(max, group.replicas) : group.replicas;
    workers += peak;
    gpus += peak * (group.gpusPerWorker ?? template.worker.gpu);
  });
  const gpuLimit = limit * template.worker.gpu;
  if (workers > limit) {
    fields.push({
      path: 'workerGroups',
      message: `${workers} workers in all${autoscaling ? ' at the autoscaling maximum' : ''}; ${workersLimit}`,
    });
  } else if (gpus > gpuLimit) {
    // Only reachable when a group's workers have more GPUs than the template's (older version).
    fields.push({
      path: 'workerGroups',
      message: `${gpus} GPUs in all; at most ${gpuLimit} GPU${gpuLimit === 1 ? '' : 's'} ${fromTemplate(template)}`,
    });
  }
  return fields;
}

/**
 * The one check of a cluster against its template's policy, used by the server (create, preview,
 * scale and resume) and by the web wizard, so both say the same words. Rules: Ray version
 * allowed; images from allowed repositories tagged with the Ray version; exposure allowed
 * (ClusterIP unless an admin granted more) and an Ingress host when needed; replica bounds per
 * group; at most `maxWorkers` per group and across groups at their peak; GPUs across groups.
 *
 * Paths are relative to the request (`workerGroups[0].replicas`); callers prefix them (`body.`).
 * Messages say the limit, e.g. `at most 2 workers (template rtx4090-1)`. Schema limits (name
 * patterns, lengths) are left to the request schema.
 */
export function validateClusterRequest(
  request: ClusterPolicyRequest,
  template: Template,
): FieldError[] {
  const rayVersion = request.rayVersion ?? template.allowedRayVersions[0] ?? '';
  const images = [
    ...(request.image !== undefined ? [{ image: request.image, path: 'image' }] : []),
    ...(request.workerGroups ?? []).flatMap((group, index) =>
      group.image !== undefined && group.image !== request.image
        ? [{ image: group.image, path: `workerGroups[${index}].image` }]
        : [],
    ),
  ];
  return [
    ...rayVersionErrors(request, template),
    ...images.flatMap(({ image, path }) => imageErrors(image, path, rayVersion, template)),
    ...exposureErrors(request, template),
    ...workerErrors(request, template),
  ];
}
