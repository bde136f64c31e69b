import {
  clusterRequestLimits,
  type CreateClusterRequest,
  type Exposure,
  rayClusterNamePattern,
} from '../../../shared/api/clusterSchemas.ts';
import type { Template } from '../../../shared/api/templateSchemas.ts';
import {
  allowedExposureOf,
  defaultWorkerGroupName as serverDefaultWorkerGroupName,
  validateClusterRequest,
} from '../../../shared/api/validateClusterRequest.ts';

/**
 * Inline form errors keyed by the server's field path (`body.name`,
 * `body.workerGroups[0].replicas`), so client checks and server answers land on the same input.
 */
export type FieldErrors = Readonly<Record<string, string>>;

/** A number input's value: empty while the user has cleared it. */
export type NumberValue = number | '';

/** One worker group as the form edits it. `key` is a stable React key, never sent. */
export interface WorkerGroupDraft {
  key: string;
  name: string;
  replicas: NumberValue;
  minReplicas: NumberValue;
  maxReplicas: NumberValue;
}

/** One environment variable row. */
export interface EnvVarDraft {
  key: string;
  name: string;
  value: string;
}

/** One PersistentVolumeClaim mount row. */
export interface VolumeDraft {
  key: string;
  claimName: string;
  mountPath: string;
}

/** Everything the shape form edits; {@link draftToRequest} turns it into the API body. */
export interface ClusterDraft {
  name: string;
  team: string;
  rayVersion: string;
  workerGroups: WorkerGroupDraft[];
  autoscaling: boolean;
  /** Seconds an idle worker lives before the autoscaler removes it. Defaults to 60 (KubeRay's). */
  idleTimeoutSeconds: NumberValue;
  exposure: Exposure;
  ingressHost: string;
  env: EnvVarDraft[];
  volumes: VolumeDraft[];
}

/** Limits of `CreateClusterRequest`, the very numbers its schema uses, for the inline checks. */
export const draftLimits = clusterRequestLimits;

/** KubeRay's autoscaler default idle timeout, in seconds. */
export const defaultIdleTimeoutSeconds = 60;

/** The worker group name the server uses when a request names none. */
export const defaultWorkerGroupName = serverDefaultWorkerGroupName;

let nextRowKey = 0;

/** A fresh React key for a form row (never sent to the server). */
export function rowKey(): string {
  nextRowKey += 1;
  return `row-${nextRowKey}`;
}

/** A worker group with the template's defaults: `defaultWorkers` replicas, 0…maxWorkers. */
export function workerGroupFromTemplate(template: Template, name: string): WorkerGroupDraft {
  return {
    key: rowKey(),
    name,
    replicas: Math.min(template.defaultWorkers, template.maxWorkers),
    minReplicas: 0,
    maxReplicas: template.maxWorkers,
  };
}

/** The form's starting point for `template` in `team`: one worker group, ClusterIP, no extras. */
export function draftFromTemplate(template: Template, team: string): ClusterDraft {
  return {
    name: '',
    team,
    rayVersion: template.allowedRayVersions[0] ?? '',
    workerGroups: [workerGroupFromTemplate(template, defaultWorkerGroupName)],
    autoscaling: false,
    idleTimeoutSeconds: defaultIdleTimeoutSeconds,
    exposure: 'ClusterIP',
    ingressHost: '',
    env: [],
    volumes: [],
  };
}

/**
 * The draft moved to another template: name, team, env and volumes stay; the Ray version,
 * worker groups and exposure follow the new template's allowed versions, worker limits and
 * allowed exposure.
 */
export function retargetDraft(draft: ClusterDraft, template: Template): ClusterDraft {
  const fresh = draftFromTemplate(template, draft.team);
  return {
    ...draft,
    rayVersion: template.allowedRayVersions.includes(draft.rayVersion)
      ? draft.rayVersion
      : fresh.rayVersion,
    workerGroups: fresh.workerGroups,
    exposure: allowedExposureOf(template).includes(draft.exposure)
      ? draft.exposure
      : fresh.exposure,
  };
}

const namePattern = new RegExp(rayClusterNamePattern);
const groupNamePattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const envNamePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;
const hostPattern = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const teamPattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Why `name` is not a valid RayCluster name, in words a user can act on, or undefined when it
 * is: a DNS-1035 label of at most 53 characters (KubeRay appends suffixes to reach 63).
 */
export function clusterNameProblem(name: string): string | undefined {
  if (name === '') return 'Name is required';
  if (name.length > draftLimits.nameMaxLength) {
    return `Use at most ${draftLimits.nameMaxLength} characters (${name.length} now)`;
  }
  if (/[A-Z]/.test(name)) return 'Use lowercase letters only';
  if (!/^[a-z]/.test(name)) return 'Start with a lowercase letter';
  if (/[^-a-z0-9]/.test(name)) return "Use only lowercase letters, digits and '-'";
  if (!namePattern.test(name)) return 'End with a letter or a digit';
  return undefined;
}

function wholeNumberProblem(value: NumberValue, min: number, max: number): string | undefined {
  if (value === '') return 'Required';
  if (!Number.isInteger(value)) return 'Use a whole number';
  if (value < min) return `Must be at least ${min}`;
  if (value > max) return `Must be at most ${max}`;
  return undefined;
}

/**
 * Checks a draft as the server will, so most mistakes show inline before any request: the
 * request schema's limits here (the server's schema words them differently), then the template
 * policy with the server's own `validateClusterRequest`, so its messages are the server's. Keys
 * are the server's field paths; the first problem of a path wins.
 */
export function validateDraft(draft: ClusterDraft, template: Template): FieldErrors {
  const errors: Record<string, string> = {};
  const set = (path: string, message: string | undefined) => {
    if (message !== undefined && errors[path] === undefined) errors[path] = message;
  };
  set('body.name', clusterNameProblem(draft.name));
  if (draft.team === '') set('body.team', 'Pick a team');
  else if (!teamPattern.test(draft.team) || draft.team.length > 63)
    set('body.team', 'Not a valid team (namespace) name');

  draft.workerGroups.forEach((group, index) => {
    const path = `body.workerGroups[${index}]`;
    if (group.name === '') set(`${path}.name`, 'Required');
    else if (group.name.length > draftLimits.groupNameMaxLength)
      set(`${path}.name`, `Use at most ${draftLimits.groupNameMaxLength} characters`);
    else if (!groupNamePattern.test(group.name))
      set(`${path}.name`, "Lowercase letters, digits and '-', starting and ending alphanumeric");
    for (const field of ['replicas', 'minReplicas', 'maxReplicas'] as const) {
      set(`${path}.${field}`, wholeNumberProblem(group[field], 0, draftLimits.maxReplicas));
    }
  });

  if (draft.autoscaling) {
    set(
      'body.autoscaling.idleTimeoutSeconds',
      wholeNumberProblem(
        draft.idleTimeoutSeconds,
        draftLimits.minIdleTimeoutSeconds,
        draftLimits.maxIdleTimeoutSeconds,
      ),
    );
  }
  if (
    draft.exposure === 'Ingress' &&
    draft.ingressHost !== '' &&
    !hostPattern.test(draft.ingressHost)
  )
    set('body.ingressHost', 'Lowercase host name, e.g. ray.lab.example');

  const envNames = new Set<string>();
  draft.env.forEach((variable, index) => {
    const path = `body.env[${index}]`;
    if (!envNamePattern.test(variable.name))
      set(`${path}.name`, 'Letters, digits and _, not starting with a digit');
    else if (envNames.has(variable.name)) set(`${path}.name`, 'Set twice');
    envNames.add(variable.name);
    if (variable.value.length > draftLimits.maxEnvValueLength)
      set(`${path}.value`, `At most ${draftLimits.maxEnvValueLength} characters`);
  });
  draft.volumes.forEach((volume, index) => {
    const path = `body.volumes[${index}]`;
    if (volume.claimName === '') set(`${path}.claimName`, 'Name a PersistentVolumeClaim');
    if (!volume.mountPath.startsWith('/')) set(`${path}.mountPath`, 'An absolute path, e.g. /data');
  });

  for (const field of validateClusterRequest(draftToRequest(draft, template.name), template)) {
    set(`body.${field.path}`, field.message);
  }
  return errors;
}

function numberOr(value: NumberValue, fallback: number): number {
  return value === '' ? fallback : value;
}

/** The `POST /api/v1/clusters` (and preview) body for a draft of `template`. */
export function draftToRequest(draft: ClusterDraft, template: string): CreateClusterRequest {
  return {
    name: draft.name,
    team: draft.team,
    template,
    ...(draft.rayVersion ? { rayVersion: draft.rayVersion } : {}),
    workerGroups: draft.workerGroups.map((group) => ({
      name: group.name,
      replicas: numberOr(group.replicas, 0),
      minReplicas: numberOr(group.minReplicas, 0),
      ...(group.maxReplicas !== '' ? { maxReplicas: group.maxReplicas } : {}),
    })),
    autoscaling: draft.autoscaling
      ? {
          enabled: true,
          idleTimeoutSeconds: numberOr(draft.idleTimeoutSeconds, defaultIdleTimeoutSeconds),
        }
      : { enabled: false },
    exposure: draft.exposure,
    ...(draft.exposure === 'Ingress' ? { ingressHost: draft.ingressHost } : {}),
    ...(draft.env.length > 0 ? { env: draft.env.map(({ name, value }) => ({ name, value })) } : {}),
    ...(draft.volumes.length > 0
      ? {
          volumes: draft.volumes.map(({ claimName, mountPath }) => ({ claimName, mountPath })),
        }
      : {}),
  };
}
