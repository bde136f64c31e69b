import type { KubeObject } from '../../apiserver/resourceType.ts';
import { addTokenAuthEnv, bashCommand, isAuthEnabled } from './buildRayPod.ts';
import { controllerReference } from './controllerReference.ts';
import { kubeRayConstants } from './kubeRayConstants.ts';
import type { Container, PodTemplateSpec, RayCluster } from './RayCluster.ts';
import type { RayJob } from './RayJob.ts';
import { parseRuntimeEnv } from './validateRayJob.ts';

const { labels: labelKeys } = kubeRayConstants;

/** Go's `strconv.Quote` for the ASCII text KubeRay quotes (JSON string escaping matches it). */
function quote(text: string): string {
  return JSON.stringify(text);
}

/** Go's `fmt.Sprintf("%f", x)`: six decimals. */
function sixDecimals(value: number): string {
  return value.toFixed(6);
}

/**
 * KubeRay `BuildJobSubmitCommand` (kuberay-api.md §2.5): wait until the dashboard's GCS is
 * healthy, then submit. In K8sJobMode the submitter may be retried, so it submits with
 * `--no-wait` only when `ray job status` does not know the submission id, then follows the logs;
 * in SidecarMode it submits to `127.0.0.1:<dashboard port>` once and waits. Returned as the
 * words KubeRay joins with spaces.
 */
export function buildJobSubmitCommand(
  rayJob: RayJob,
  input: {
    mode: 'K8sJobMode' | 'SidecarMode';
    dashboardUrl: string;
    jobId: string;
    dashboardPort?: number;
  },
): string[] {
  const sidecar = input.mode === 'SidecarMode';
  const port = input.dashboardPort ?? kubeRayConstants.ports.dashboard;
  const address = sidecar
    ? `http://127.0.0.1:${port}`
    : input.dashboardUrl.startsWith('http://')
      ? input.dashboardUrl
      : `http://${input.dashboardUrl}`;
  const healthUrl = sidecar
    ? `http://localhost:${port}/api/gcs_healthz`
    : `${address}/api/gcs_healthz`;
  const spec = rayJob.spec;
  const jobId = input.jobId;
  const healthCheck = `python -c "import urllib.request; r=urllib.request.urlopen('${healthUrl}', timeout=10); exit(0 if b'success' in r.read() else 1)"`;
  const command = [
    'until',
    healthCheck,
    '>/dev/null',
    '2>&1',
    ';',
    'do',
    'echo',
    quote(`Waiting for Ray Dashboard GCS to become healthy at ${address} ...`),
    ';',
    'sleep',
    '2',
    ';',
    'done',
    ';',
  ];
  if (!sidecar) {
    command.push(
      'if',
      '!',
      'ray',
      'job',
      'status',
      '--address',
      address,
      jobId,
      '>/dev/null',
      '2>&1',
      ';',
      'then',
    );
  }
  command.push('ray', 'job', 'submit', '--address', address);
  if (!sidecar) command.push('--no-wait');
  const runtimeEnv = parseRuntimeEnv(spec.runtimeEnvYAML);
  if (runtimeEnv) command.push('--runtime-env-json', quote(JSON.stringify(runtimeEnv)));
  if (spec.metadata && Object.keys(spec.metadata).length > 0) {
    command.push('--metadata-json', quote(JSON.stringify(spec.metadata)));
  }
  if (jobId) command.push('--submission-id', jobId);
  if ((spec.entrypointNumCpus ?? 0) > 0)
    command.push('--entrypoint-num-cpus', sixDecimals(spec.entrypointNumCpus ?? 0));
  if ((spec.entrypointNumGpus ?? 0) > 0)
    command.push('--entrypoint-num-gpus', sixDecimals(spec.entrypointNumGpus ?? 0));
  if (spec.entrypointResources)
    command.push('--entrypoint-resources', quote(spec.entrypointResources));
  command.push('--', (spec.entrypoint ?? '').trim(), ';');
  if (!sidecar)
    command.push('fi', ';', 'ray', 'job', 'logs', '--address', address, '--follow', jobId);
  return command;
}

/** The `ray-job-submitter` container KubeRay injects into the head pod in SidecarMode. */
export function buildSidecarSubmitter(
  rayJob: RayJob,
  headImage: string,
  dashboardPort: number,
  jobId: string,
): Container {
  const container: Container = {
    name: kubeRayConstants.submitterContainerName,
    image: headImage,
    resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m', memory: '200Mi' } },
    command: bashCommand('e'),
    args: [
      buildJobSubmitCommand(rayJob, {
        mode: 'SidecarMode',
        dashboardUrl: '',
        jobId,
        dashboardPort,
      }).join(' '),
    ],
    env: [
      { name: 'PYTHONUNBUFFERED', value: '1' },
      { name: 'RAY_DASHBOARD_ADDRESS', value: rayJob.status?.dashboardURL ?? '' },
      { name: 'RAY_JOB_SUBMISSION_ID', value: jobId },
    ],
  };
  return container;
}

/**
 * The submitter batch/v1 Job of a K8sJobMode RayJob (KubeRay `createNewK8sJob` and
 * `getSubmitterTemplate`): named after the RayJob and owned by it, `backoffLimit` from
 * `submitterConfig` (default 2), the `submitterPodTemplate` or a default `ray-job-submitter`
 * container with the head image (requests 500m/200Mi, limits 1/1Gi, `restartPolicy: Never`),
 * the generated `ray job submit` command and `RAY_DASHBOARD_ADDRESS`/`RAY_JOB_SUBMISSION_ID`.
 */
export function buildSubmitterJob(rayJob: RayJob, cluster: RayCluster | undefined): KubeObject {
  const status = rayJob.status ?? {};
  const headImage =
    cluster?.spec.headGroupSpec.template.spec.containers[0]?.image ??
    rayJob.spec.rayClusterSpec?.headGroupSpec.template.spec.containers[0]?.image ??
    '';
  const template: PodTemplateSpec = rayJob.spec.submitterPodTemplate
    ? structuredClone(rayJob.spec.submitterPodTemplate)
    : {
        spec: {
          containers: [
            {
              name: kubeRayConstants.submitterContainerName,
              image: headImage,
              resources: {
                limits: { cpu: '1', memory: '1Gi' },
                requests: { cpu: '500m', memory: '200Mi' },
              },
            },
          ],
          restartPolicy: 'Never',
        },
      };
  const container = template.spec.containers[0] as Container;
  if (!container.command || container.command.length === 0) {
    container.command = bashCommand('e');
    container.args = [
      buildJobSubmitCommand(rayJob, {
        mode: 'K8sJobMode',
        dashboardUrl: status.dashboardURL ?? '',
        jobId: status.jobId ?? '',
      }).join(' '),
    ];
  }
  container.env = [
    ...(container.env ?? []),
    { name: 'PYTHONUNBUFFERED', value: '1' },
    { name: 'RAY_DASHBOARD_ADDRESS', value: status.dashboardURL ?? '' },
    { name: 'RAY_JOB_SUBMISSION_ID', value: status.jobId ?? '' },
  ];
  if (cluster && isAuthEnabled(cluster.spec)) addTokenAuthEnv(container, cluster);
  const name = rayJob.metadata.name ?? '';
  template.metadata = {
    ...(template.metadata ?? {}),
    labels: {
      ...(template.metadata?.labels ?? {}),
      [labelKeys.originatedFromCrName]: name,
      [labelKeys.originatedFromCrd]: 'RayJob',
      [labelKeys.createdBy]: kubeRayConstants.componentName,
    },
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace: rayJob.metadata.namespace,
      labels: {
        [labelKeys.originatedFromCrName]: name,
        [labelKeys.originatedFromCrd]: 'RayJob',
        [labelKeys.createdBy]: kubeRayConstants.componentName,
      },
      ownerReferences: [controllerReference(rayJob)],
    },
    spec: {
      backoffLimit: rayJob.spec.submitterConfig?.backoffLimit ?? 2,
      template,
    },
  };
}
