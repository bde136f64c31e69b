import { parse as parseYaml } from 'yaml';

import { isAutoscalingEnabled } from './buildRayPod.ts';
import type { RayJob } from './RayJob.ts';
import type { FeatureGates } from './resolveFeatureGates.ts';
import { validateRayClusterSpec, validateRayName } from './validateRayClusterSpec.ts';

/** A failed RayJob validation: the event reason and the message of `status.message`. */
export interface RayJobValidationError {
  reason: 'InvalidRayJobMetadata' | 'InvalidRayJobSpec' | 'InvalidRayJobStatus';
  message: string;
}

/** Parses `runtimeEnvYAML` into the `runtime_env` object; throws Error on malformed YAML. */
export function parseRuntimeEnv(yamlText: string | undefined): Record<string, unknown> | undefined {
  if (!yamlText || yamlText.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = parseYaml(yamlText);
  } catch (error) {
    throw new Error(
      `failed to unmarshal RuntimeEnvYAML: ${(error as Error).message.split('\n')[0] ?? ''}`,
      {
        cause: error,
      },
    );
  }
  if (parsed === null || parsed === undefined) return undefined;
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`failed to unmarshal RuntimeEnvYAML: ${yamlText} is not a map`);
  }
  return parsed as Record<string, unknown>;
}

function validateDeletionStrategy(rayJob: RayJob, gates: FeatureGates): string | undefined {
  const spec = rayJob.spec;
  if (!spec.shutdownAfterJobFinishes && (spec.ttlSecondsAfterFinished ?? 0) > 0) {
    return 'The RayJob spec is invalid: a RayJob with shutdownAfterJobFinishes set to false cannot have TTLSecondsAfterFinished';
  }
  const strategy = spec.deletionStrategy;
  if (!strategy) return undefined;
  if (!gates['RayJobDeletionPolicy'])
    return 'RayJobDeletionPolicy feature gate must be enabled to use DeletionStrategy';
  const legacy = strategy.onSuccess !== undefined || strategy.onFailure !== undefined;
  const rules = strategy.deletionRules ?? [];
  const selectorMode = Object.keys(spec.clusterSelector ?? {}).length > 0;
  if (rules.length > 0 && spec.shutdownAfterJobFinishes) {
    return 'The RayJob spec is invalid: spec.shutdownAfterJobFinishes and spec.deletionStrategy.deletionRules are mutually exclusive';
  }
  if (rules.length > 0 && legacy) {
    return 'The RayJob spec is invalid: Cannot use both legacy onSuccess/onFailure fields and deletionRules simultaneously';
  }
  if (legacy) {
    const onSuccess = strategy.onSuccess?.policy;
    const onFailure = strategy.onFailure?.policy;
    if (!strategy.onSuccess || !strategy.onFailure) {
      return 'both DeletionStrategy.OnSuccess and DeletionStrategy.OnFailure must be set when using the legacy deletion policy fields of DeletionStrategy';
    }
    if (!onSuccess)
      return 'the DeletionPolicyType field of DeletionStrategy.OnSuccess cannot be unset when DeletionStrategy is enabled';
    if (!onFailure)
      return 'the DeletionPolicyType field of DeletionStrategy.OnFailure cannot be unset when DeletionStrategy is enabled';
    if (selectorMode) {
      if (onSuccess === 'DeleteCluster' || onSuccess === 'DeleteWorkers') {
        return `the ClusterSelector mode doesn't support DeletionStrategy=${onSuccess} on success`;
      }
      if (onFailure === 'DeleteCluster' || onFailure === 'DeleteWorkers') {
        return `the ClusterSelector mode doesn't support DeletionStrategy=${onFailure} on failure`;
      }
    }
    if (
      (onSuccess === 'DeleteWorkers' || onFailure === 'DeleteWorkers') &&
      isAutoscalingEnabled(spec.rayClusterSpec)
    ) {
      return 'DeletionStrategy=DeleteWorkers currently does not support RayCluster with autoscaling enabled';
    }
    if (
      spec.shutdownAfterJobFinishes &&
      (onSuccess === 'DeleteNone' || onFailure === 'DeleteNone')
    ) {
      return "The RayJob spec is invalid: shutdownAfterJobFinshes is set to 'true' while deletion policy is 'DeleteNone'";
    }
    return undefined;
  }
  if (rules.length === 0) {
    return 'The RayJob spec is invalid: DeletionStrategy requires either BOTH onSuccess and onFailure, OR the deletionRules field (cannot be empty)';
  }
  const problems: string[] = [];
  const byCondition = new Map<string, Map<string, number>>();
  rules.forEach((rule, index) => {
    const { jobStatus, jobDeploymentStatus } = rule.condition;
    if (jobStatus !== undefined && jobDeploymentStatus !== undefined) {
      problems.push(
        `deletionRules[${index}]: cannot set both JobStatus and JobDeploymentStatus at the same time`,
      );
      return;
    }
    if (jobStatus === undefined && jobDeploymentStatus === undefined) {
      problems.push(
        `deletionRules[${index}]: exactly one of JobStatus and JobDeploymentStatus must be set`,
      );
      return;
    }
    if ((rule.condition.ttlSeconds ?? 0) < 0) {
      problems.push(`deletionRules[${index}]: TTLSeconds must be non-negative`);
      return;
    }
    if (selectorMode && (rule.policy === 'DeleteCluster' || rule.policy === 'DeleteWorkers')) {
      problems.push(
        `deletionRules[${index}]: DeletionPolicyType '${rule.policy}' not supported when ClusterSelector is set`,
      );
      return;
    }
    if (isAutoscalingEnabled(spec.rayClusterSpec) && rule.policy === 'DeleteWorkers') {
      problems.push(
        `deletionRules[${index}]: DeletionPolicyType 'DeleteWorkers' not supported with autoscaling enabled`,
      );
      return;
    }
    const conditionKey =
      jobStatus !== undefined
        ? `JobStatus '${jobStatus}'`
        : `JobDeploymentStatus '${jobDeploymentStatus}'`;
    const policies = byCondition.get(conditionKey) ?? new Map<string, number>();
    if (policies.has(rule.policy)) {
      problems.push(
        `deletionRules[${index}]: duplicate rule for DeletionPolicyType '${rule.policy}' and ${conditionKey}`,
      );
      return;
    }
    policies.set(rule.policy, rule.condition.ttlSeconds ?? 0);
    byCondition.set(conditionKey, policies);
  });
  for (const [conditionKey, policies] of byCondition) {
    let previous: [string, number] | undefined;
    for (const policy of ['DeleteWorkers', 'DeleteCluster', 'DeleteSelf']) {
      const ttl = policies.get(policy);
      if (ttl === undefined) continue;
      if (previous && ttl < previous[1]) {
        const [kind, value] = conditionKey.split(' ');
        problems.push(
          `for ${kind} ${value}: ${policy} TTL (${ttl}) must be >= ${previous[0]} TTL (${previous[1]})`,
        );
      }
      previous = [policy, ttl];
    }
  }
  return problems.length > 0 ? problems.join('\n') : undefined;
}

/**
 * KubeRay `validateRayJob` (`ValidateRayJobMetadata`, `ValidateRayJobSpec`, `ValidateRayJobStatus`;
 * kuberay-api.md §1.3): on failure the RayJob goes to `ValidationFailed` with this message.
 */
export function validateRayJob(
  rayJob: RayJob,
  gates: FeatureGates,
): RayJobValidationError | undefined {
  const name = rayJob.metadata.name ?? '';
  const invalidName = validateRayName('RayJob', name);
  if (invalidName) return { reason: 'InvalidRayJobMetadata', message: invalidName };
  const spec = rayJob.spec;
  const invalid = (message: string): RayJobValidationError => ({
    reason: 'InvalidRayJobSpec',
    message,
  });
  if (spec.suspend && !spec.shutdownAfterJobFinishes) {
    return invalid(
      'The RayJob spec is invalid: a RayJob with shutdownAfterJobFinishes set to false is not allowed to be suspended',
    );
  }
  if ((spec.ttlSecondsAfterFinished ?? 0) < 0) {
    return invalid(
      'The RayJob spec is invalid: TTLSecondsAfterFinished must be a non-negative integer',
    );
  }
  const deletion = validateDeletionStrategy(rayJob, gates);
  if (deletion) return invalid(deletion);
  const selectorMode = Object.keys(spec.clusterSelector ?? {}).length > 0;
  if (spec.suspend && selectorMode) {
    return invalid(
      "The RayJob spec is invalid: the ClusterSelector mode doesn't support the suspend operation",
    );
  }
  if (!spec.rayClusterSpec && !selectorMode) {
    return invalid(
      'The RayJob spec is invalid: one of RayClusterSpec or ClusterSelector must be set',
    );
  }
  const mode = spec.submissionMode ?? 'K8sJobMode';
  if (selectorMode) {
    if (!spec.clusterSelector?.['ray.io/cluster'])
      return invalid('cluster name in ClusterSelector should not be empty');
    if (mode === 'SidecarMode') return invalid('ClusterSelector is not supported in SidecarMode');
    if ((spec.backoffLimit ?? 0) > 0) {
      return invalid(
        'The RayJob spec is invalid: BackoffLimit is incompatible with ClusterSelector mode',
      );
    }
  }
  if (mode === 'InteractiveMode' && (spec.backoffLimit ?? 0) > 0) {
    return invalid('The RayJob spec is invalid: BackoffLimit is incompatible with InteractiveMode');
  }
  if (mode === 'SidecarMode') {
    if (spec.submitterPodTemplate)
      return invalid("Currently, SidecarMode doesn't support SubmitterPodTemplate");
    if (spec.submitterConfig)
      return invalid("Currently, SidecarMode doesn't support SubmitterConfig");
    const policy = spec.rayClusterSpec?.headGroupSpec.template.spec.restartPolicy;
    if (policy && policy !== 'Never')
      return invalid('restartPolicy for head Pod should be Never or unset when using SidecarMode');
  }
  if (spec.rayClusterSpec) {
    if (spec.rayClusterSpec.authOptions?.enableK8sTokenAuth) {
      return invalid(
        'The RayJob spec is invalid: K8s token auth mode is currently not supported for RayJob',
      );
    }
    const clusterProblem = validateRayClusterSpec(
      spec.rayClusterSpec,
      rayJob.metadata.annotations,
      gates,
    );
    if (clusterProblem) return invalid(`The RayJob spec is invalid: ${clusterProblem}`);
  }
  try {
    parseRuntimeEnv(spec.runtimeEnvYAML);
  } catch (error) {
    return invalid((error as Error).message);
  }
  if (spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds <= 0) {
    return invalid('The RayJob spec is invalid: activeDeadlineSeconds must be a positive integer');
  }
  if (spec.preRunningDeadlineSeconds !== undefined && spec.preRunningDeadlineSeconds <= 0) {
    return invalid(
      'The RayJob spec is invalid: preRunningDeadlineSeconds must be a positive integer',
    );
  }
  if (spec.backoffLimit !== undefined && spec.backoffLimit < 0) {
    return invalid('The RayJob spec is invalid: backoffLimit must be a positive integer');
  }
  if (rayJob.status?.jobDeploymentStatus === 'Waiting' && mode !== 'InteractiveMode') {
    return {
      reason: 'InvalidRayJobStatus',
      message:
        'The RayJob status is invalid: JobDeploymentStatus cannot be `Waiting` when SubmissionMode is not InteractiveMode',
    };
  }
  return undefined;
}
