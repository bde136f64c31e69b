import { isAuthEnabled, isAutoscalingEnabled, rayVersionAtLeast } from './buildRayPod.ts';
import { kubeRayConstants } from './kubeRayConstants.ts';
import type { Container, RayClusterSpec } from './RayCluster.ts';
import type { FeatureGates } from './resolveFeatureGates.ts';

/** Kubernetes `IsDNS1035Label`. */
function isDns1035Label(name: string): boolean {
  return name.length <= 63 && /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(name);
}

/**
 * KubeRay `Validate*Metadata` (kuberay-api.md §1.1, names): at most 53/47/47 characters and a
 * DNS-1035 label. Returns the error message, or undefined when valid.
 */
export function validateRayName(
  kind: 'RayCluster' | 'RayJob' | 'RayService',
  name: string,
): string | undefined {
  const max = kubeRayConstants.maxNameLength[kind];
  const prefix = kind === 'RayCluster' ? '' : `The ${kind} metadata is invalid: `;
  if (name.length > max) return `${prefix}${kind} name should be no more than ${max} characters`;
  if (!isDns1035Label(name)) {
    return `${prefix}${kind} name should be a valid DNS1035 label: [a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')]`;
  }
  return undefined;
}

function hasEnv(container: Container | undefined, name: string): boolean {
  return (container?.env ?? []).some((variable) => variable.name === name);
}

function envValue(container: Container | undefined, name: string): string | undefined {
  return container?.env?.find((variable) => variable.name === name)?.value;
}

function groupResourcesConflict(
  name: string,
  params: Record<string, string> | undefined,
  resources: Record<string, string> | undefined,
): string | undefined {
  const fromParams = ['num-cpus', 'num-gpus', 'memory', 'resources'].some(
    (key) => (params?.[key] ?? '') !== '',
  );
  if (fromParams && resources && Object.keys(resources).length > 0) {
    return `resource fields should not be set in both rayStartParams and Resources for ${name} group; please use only one`;
  }
  return undefined;
}

function groupLabelsInvalid(
  name: string,
  params: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
): string | undefined {
  if (params && 'labels' in params) {
    return `rayStartParams['labels'] is not supported for ${name} group; please use the top-level Labels field instead`;
  }
  const problems: string[] = [];
  for (const [key, value] of Object.entries(labels ?? {})) {
    if (
      !/^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(
        key,
      )
    ) {
      problems.push(
        `invalid label key for ${name} group: '${key}', error: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
      );
    }
    if (value !== '' && !/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(value)) {
      problems.push(
        `invalid label value for key '${key}' in ${name} group: '${value}', error: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
      );
    }
  }
  return problems.length > 0 ? problems.join('; ') : undefined;
}

/**
 * KubeRay `ValidateRayClusterSpec` (`utils/validation.go`): the controller-side checks of
 * kuberay-api.md §1.1. A RayCluster failing them is accepted by the API server; the operator
 * only records an `InvalidRayClusterSpec` Warning event and creates nothing. Returns the error
 * message, or undefined when valid.
 */
export function validateRayClusterSpec(
  spec: RayClusterSpec,
  annotations: Record<string, string> | undefined,
  gates: FeatureGates,
): string | undefined {
  const head = spec.headGroupSpec.template.spec.containers[0];
  if (!head) return 'headGroupSpec should have at least one container';
  const headProblem =
    groupResourcesConflict(
      'Head',
      spec.headGroupSpec.rayStartParams,
      spec.headGroupSpec.resources,
    ) ?? groupLabelsInvalid('Head', spec.headGroupSpec.rayStartParams, spec.headGroupSpec.labels);
  if (headProblem) return headProblem;
  const autoscaling = isAutoscalingEnabled(spec);
  const autoscalerV2 = spec.autoscalerOptions?.version === 'v2';
  for (const group of spec.workerGroupSpecs ?? []) {
    if (group.template.spec.containers.length === 0)
      return 'workerGroupSpec should have at least one container';
    if (!autoscaling && (group.minReplicas === undefined || group.maxReplicas === undefined)) {
      return `worker group ${group.groupName} must set both minReplicas and maxReplicas when autoscaling is disabled`;
    }
    if (group.minReplicas !== undefined && group.minReplicas < 0) {
      return `worker group ${group.groupName} has negative minReplicas ${group.minReplicas}`;
    }
    if (group.maxReplicas !== undefined && group.maxReplicas < 0) {
      return `worker group ${group.groupName} has negative maxReplicas ${group.maxReplicas}`;
    }
    if (
      group.minReplicas !== undefined &&
      group.maxReplicas !== undefined &&
      group.minReplicas > group.maxReplicas
    ) {
      return `worker group ${group.groupName} has minReplicas ${group.minReplicas} greater than maxReplicas ${group.maxReplicas}`;
    }
    const problem =
      groupResourcesConflict(group.groupName, group.rayStartParams, group.resources) ??
      groupLabelsInvalid(group.groupName, group.rayStartParams, group.labels);
    if (problem) return problem;
    if (group.idleTimeoutSeconds !== undefined) {
      if (group.idleTimeoutSeconds < 0) {
        return `worker group ${group.groupName}: idleTimeoutSeconds must be non-negative, got ${group.idleTimeoutSeconds}`;
      }
      const v2Env = envValue(head, 'RAY_enable_autoscaler_v2');
      if (!autoscalerV2 && v2Env !== '1' && v2Env !== 'true') {
        return `worker group ${group.groupName}: idleTimeoutSeconds is set, but autoscaler v2 is not enabled. Please set .spec.autoscalerOptions.version to 'v2' (or set RAY_enable_autoscaler_v2 environment variable to 'true' in the head pod if using KubeRay < 1.4.0)`;
      }
    }
  }
  const ftAnnotation = annotations?.[kubeRayConstants.annotations.ftEnabled];
  if (ftAnnotation && spec.gcsFaultToleranceOptions) {
    return 'ray.io/ft-enabled annotation and GcsFaultToleranceOptions are both set. Please use only GcsFaultToleranceOptions to configure GCS fault tolerance';
  }
  const ftEnabled =
    ftAnnotation?.toLowerCase() === 'true' || spec.gcsFaultToleranceOptions !== undefined;
  if (!ftEnabled && hasEnv(head, 'RAY_REDIS_ADDRESS')) {
    return 'RAY_REDIS_ADDRESS is set which implicitly enables GCS fault tolerance, but GcsFaultToleranceOptions is not set. Please set GcsFaultToleranceOptions to enable GCS fault tolerance';
  }
  const ft = spec.gcsFaultToleranceOptions;
  if (ft) {
    if ((spec.headGroupSpec.rayStartParams?.['redis-password'] ?? '') !== '') {
      return 'cannot set `redis-password` in rayStartParams when GcsFaultToleranceOptions is enabled - use GcsFaultToleranceOptions.RedisPassword instead';
    }
    if (hasEnv(head, 'REDIS_PASSWORD')) {
      return 'cannot set `REDIS_PASSWORD` env var in head Pod when GcsFaultToleranceOptions is enabled - use GcsFaultToleranceOptions.RedisPassword instead';
    }
    if (hasEnv(head, 'RAY_REDIS_ADDRESS')) {
      return 'cannot set `RAY_REDIS_ADDRESS` env var in head Pod when GcsFaultToleranceOptions is enabled - use GcsFaultToleranceOptions.RedisAddress instead';
    }
    if (annotations?.[kubeRayConstants.annotations.externalStorageNamespace]) {
      return 'cannot set `ray.io/external-storage-namespace` annotation when GcsFaultToleranceOptions is enabled - use GcsFaultToleranceOptions.ExternalStorageNamespace instead';
    }
    if (ft.backend === 'rocksdb') {
      if (!gates['GCSFaultToleranceEmbeddedStorage']) {
        return "the embedded RocksDB GCS fault tolerance backend (GcsFaultToleranceOptions.Backend: 'rocksdb') requires the GCSFaultToleranceEmbeddedStorage feature gate to be enabled";
      }
    } else if (ft.storage !== undefined) {
      return "cannot set GcsFaultToleranceOptions.Storage when backend is 'redis' - it only applies to the 'rocksdb' backend";
    }
  }
  if (
    (spec.headGroupSpec.rayStartParams?.['redis-username'] ?? '') !== '' ||
    hasEnv(head, 'REDIS_USERNAME')
  ) {
    return 'cannot set redis username in rayStartParams or environment variables - use GcsFaultToleranceOptions.RedisUsername instead';
  }
  if (!gates['RayJobDeletionPolicy']) {
    const suspended = (spec.workerGroupSpecs ?? []).find((group) => group.suspend === true);
    if (suspended) {
      return `worker group ${suspended.groupName} can be suspended only when the RayJobDeletionPolicy feature gate is enabled`;
    }
  }
  if (!autoscaling) {
    const v2Env = envValue(head, 'RAY_enable_autoscaler_v2');
    if (v2Env === '1' || v2Env === 'true') {
      return `environment variable RAY_enable_autoscaler_v2 cannot be set to '${v2Env}' when enableInTreeAutoscaling is false. Please set enableInTreeAutoscaling: true to use autoscaler v2`;
    }
  } else {
    const suspended = (spec.workerGroupSpecs ?? []).find((group) => group.suspend === true);
    if (suspended)
      return `worker group ${suspended.groupName} cannot be suspended with Autoscaler enabled`;
    if (spec.autoscalerOptions?.version && hasEnv(head, 'RAY_enable_autoscaler_v2')) {
      return 'both .spec.autoscalerOptions.version and head Pod env var RAY_enable_autoscaler_v2 are set, please only use the former';
    }
    if (autoscalerV2) {
      const headPolicy = spec.headGroupSpec.template.spec.restartPolicy;
      if (headPolicy && headPolicy !== 'Never') {
        return 'restartPolicy for head Pod should be Never or unset when using autoscaler V2';
      }
      for (const group of spec.workerGroupSpecs ?? []) {
        const policy = group.template.spec.restartPolicy;
        if (policy && policy !== 'Never') {
          return `restartPolicy for worker group ${group.groupName} should be Never or unset when using autoscaler V2`;
        }
      }
    }
  }
  const idle = spec.autoscalerOptions?.idleTimeoutSeconds;
  if (idle !== undefined && idle < 0) {
    return `autoscalerOptions.idleTimeoutSeconds must be non-negative, got ${idle}`;
  }
  if (
    (spec.autoscalerOptions?.env ?? []).some(
      (variable) => variable.name === 'KUBERAY_GEN_AUTOSCALER_START_CMD',
    )
  ) {
    return 'autoscalerOptions.env must not contain KUBERAY_GEN_AUTOSCALER_START_CMD: it is managed by KubeRay and injected automatically into the autoscaler container';
  }
  if (spec.historyServerOptions !== undefined && !gates['RayClusterHistoryServer']) {
    return 'RayClusterHistoryServer feature gate is not enabled';
  }
  if (isAuthEnabled(spec)) {
    if (!spec.rayVersion) {
      return "authOptions.mode is 'token' but RayVersion was not specified. Ray version 2.52.0 or later is required";
    }
    if (!/^v?\d+\.\d+/.test(spec.rayVersion)) {
      return `authOptions.mode is 'token' but RayVersion format is invalid: ${spec.rayVersion}`;
    }
    if (!rayVersionAtLeast(spec.rayVersion, '2.52.0')) {
      return `authOptions.mode is 'token' but minimum Ray version is 2.52.0, got ${spec.rayVersion}`;
    }
    if (spec.authOptions?.enableK8sTokenAuth) {
      if (!rayVersionAtLeast(spec.rayVersion, '2.55.0')) {
        return `authOptions.enableK8sTokenAuth is enabled but minimum Ray version is 2.55.0, got ${spec.rayVersion}`;
      }
      if (spec.authOptions.secretName) {
        return 'authOptions.enableK8sTokenAuth is enabled and authOptions.secretName is also set';
      }
    }
  } else if (spec.authOptions?.enableK8sTokenAuth) {
    return "authOptions.enableK8sTokenAuth is enabled but authOptions.mode not set to 'token'";
  }
  if (spec.networkPolicy !== undefined && !gates['RayClusterNetworkPolicy']) {
    return 'spec.networkPolicy requires the RayClusterNetworkPolicy feature gate to be enabled';
  }
  if (spec.tlsOptions !== undefined && !gates['RayClusterMTLS']) {
    return 'spec.tlsOptions requires the RayClusterMTLS feature gate to be enabled';
  }
  return undefined;
}

/**
 * KubeRay `ValidateRayClusterUpgradeOptions`: `upgradeStrategy.type` is `Recreate` or `None`,
 * and only on clusters users create directly.
 */
export function validateUpgradeStrategy(spec: RayClusterSpec, creator: string): string | undefined {
  const type = spec.upgradeStrategy?.type;
  if (type === undefined) return undefined;
  if (type !== 'Recreate' && type !== 'None') {
    return `The RayCluster spec is invalid: Spec.UpgradeStrategy.Type value ${type} is invalid, valid options are Recreate or None`;
  }
  if (creator === 'RayJob' || creator === 'RayService') {
    return `upgradeStrategy cannot be set when RayCluster is created by ${creator}`;
  }
  return undefined;
}
