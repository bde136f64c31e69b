import { parseQuantity } from '../../../shared/k8s/quantity.ts';
import type { KubeObject } from '../../apiserver/resourceType.ts';
import { controllerReference } from './controllerReference.ts';
import { type CreatorKind, kubeRayConstants } from './kubeRayConstants.ts';
import type {
  Container,
  EnvVar,
  HeadGroupSpec,
  PodTemplateSpec,
  RayCluster,
  RayClusterSpec,
  ResourceRequirements,
  WorkerGroupSpec,
} from './RayCluster.ts';

const { labels: labelKeys, annotations: annotationKeys, ports } = kubeRayConstants;

/** `head` or `worker`, as in the `ray.io/node-type` label. */
export type RayNodeType = 'head' | 'worker';

/** Container resource keys that become custom Ray resources (KubeRay `customAcceleratorToRayResourceMap`). */
const customAccelerators: Readonly<Record<string, string>> = {
  'aws.amazon.com/neuroncore': 'neuron_cores',
  'google.com/tpu': 'TPU',
};

/** `ray start` flags that take an explicit boolean value instead of being on/off switches. */
const explicitBooleanFlags = new Set(['log-color', 'include-dashboard', 'include-log-monitor']);

/** KubeRay `IsGPUResourceKey`: keys ending in `gpu`, or NVIDIA MIG slices. */
export function isGpuResourceKey(key: string): boolean {
  return key.endsWith('gpu') || /nvidia\.com\/mig-\d+g\.\d+gb$/.test(key);
}

/** Go's `Quantity.Value()`: the quantity rounded up to an integer. */
function quantityValue(value: string | number | undefined): number {
  if (value === undefined) return 0;
  try {
    return Math.ceil(parseQuantity(value));
  } catch {
    return 0;
  }
}

/** Which CRD created the cluster, from `ray.io/originated-from-crd`; RayCluster otherwise. */
export function creatorOf(cluster: RayCluster): CreatorKind {
  const value = cluster.metadata.labels?.[labelKeys.originatedFromCrd];
  return value === 'RayJob' || value === 'RayService' ? value : 'RayCluster';
}

/** Name of the cluster's head Service: `headService.metadata.name` or `<cluster>-head-svc`. */
export function headServiceName(cluster: RayCluster): string {
  return (
    cluster.spec.headGroupSpec.headService?.metadata?.name || `${cluster.metadata.name}-head-svc`
  );
}

/** `<head svc>.<namespace>.svc.cluster.local`, the address workers join. */
export function headServiceFqdn(cluster: RayCluster): string {
  return `${headServiceName(cluster)}.${cluster.metadata.namespace ?? 'default'}.svc.${kubeRayConstants.clusterDomain}`;
}

/** The GCS port workers connect to: `rayStartParams.port` or 6379. */
export function headPort(spec: RayClusterSpec): string {
  return spec.headGroupSpec.rayStartParams?.['port'] ?? String(ports.gcsServer);
}

/** KubeRay `CheckLabel`: label values keep their last 63 characters. */
export function checkLabel(value: string): string {
  return value.length > 63 ? value.slice(value.length - 63) : value;
}

/** KubeRay `CheckName`: names keep their last 50 characters and start with a letter. */
export function checkName(value: string): string {
  let name = value.length > 50 ? value.slice(value.length - 50) : value;
  if (/^[0-9]/.test(name) || /^[^A-Za-z0-9]/.test(name)) name = `r${name.slice(1)}`;
  return name;
}

/** KubeRay `PodName` for generateName: the prefix cut to 50 characters, then `-head-`/`-worker-`. */
export function podGenerateName(prefix: string, nodeType: RayNodeType): string {
  return `${prefix.slice(0, 50)}-${nodeType}-`.toLowerCase();
}

/** Whether in-tree autoscaling is on (`enableInTreeAutoscaling: true`). */
export function isAutoscalingEnabled(spec: RayClusterSpec | undefined): boolean {
  return spec?.enableInTreeAutoscaling === true;
}

/** Whether Ray token auth is on: `authOptions.mode` literally `token`. */
export function isAuthEnabled(spec: RayClusterSpec): boolean {
  return spec.authOptions?.mode === 'token';
}

/** Name of the Secret holding the auth token: `authOptions.secretName` or the cluster's name. */
export function authSecretName(cluster: RayCluster): string {
  return cluster.spec.authOptions?.secretName || checkName(cluster.metadata.name ?? '');
}

/** Whether GCS fault tolerance is on (annotation `ray.io/ft-enabled` or the options). */
export function isGcsFaultToleranceEnabled(cluster: RayCluster): boolean {
  const annotation = cluster.metadata.annotations?.[annotationKeys.ftEnabled];
  return (
    annotation?.toLowerCase() === 'true' || cluster.spec.gcsFaultToleranceOptions !== undefined
  );
}

/** Whether a Ray version parses and is at least `minimum` (`2.53.0` style). */
export function rayVersionAtLeast(version: string | undefined, minimum: string): boolean {
  const parse = (text: string): number[] | undefined => {
    const match = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text.trim());
    return match ? [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)] : undefined;
  };
  const have = version ? parse(version) : undefined;
  const want = parse(minimum);
  if (!have || !want) return false;
  for (let index = 0; index < 3; index++) {
    const difference = (have[index] ?? 0) - (want[index] ?? 0);
    if (difference !== 0) return difference > 0;
  }
  return true;
}

/** KubeRay `labelPod`: the Ray labels, over which user labels may not override cluster, group, node type. */
function podLabels(
  nodeType: RayNodeType,
  clusterName: string,
  groupName: string,
  userLabels: Record<string, string>,
): Record<string, string> {
  const result: Record<string, string> = {
    [labelKeys.isRayNode]: 'yes',
    [labelKeys.cluster]: clusterName,
    [labelKeys.nodeType]: nodeType,
    [labelKeys.group]: groupName,
    [labelKeys.identifier]: checkLabel(`${clusterName}-${nodeType}`),
    [labelKeys.appName]: kubeRayConstants.applicationName,
    [labelKeys.createdBy]: kubeRayConstants.componentName,
  };
  for (const [key, value] of Object.entries(userLabels)) {
    if (key === labelKeys.nodeType || key === labelKeys.group || key === labelKeys.cluster)
      continue;
    result[key] = value;
  }
  return result;
}

/** KubeRay `updateRayStartParamsResources`: top-level `resources` become `ray start` flags. */
function applyGroupResources(
  params: Record<string, string>,
  resources: Record<string, string>,
): void {
  const custom: Record<string, number> = {};
  for (const [name, quantity] of Object.entries(resources)) {
    let value: number;
    try {
      value = parseQuantity(quantity);
    } catch {
      continue;
    }
    const lower = name.toLowerCase();
    if (lower === 'cpu') params['num-cpus'] = String(Math.ceil(value));
    else if (lower === 'memory') params['memory'] = String(Math.ceil(value));
    else if (isGpuResourceKey(lower)) params['num-gpus'] = String(Math.ceil(value));
    else custom[name] = value;
  }
  if (Object.keys(custom).length > 0) params['resources'] = `'${sortedJson(custom)}'`;
}

/** JSON with keys in sorted order, as Go's encoding/json prints maps. */
function sortedJson(values: Record<string, number>): string {
  return JSON.stringify(
    Object.fromEntries(Object.entries(values).sort(([left], [right]) => left.localeCompare(right))),
  );
}

/**
 * What the shell makes of a `ray start` flag value: `'…'` verbatim, `"…"` with `\"` and `\\`
 * unescaped, anything else as is.
 */
function shellWord(value: string): string {
  const text = value.trim();
  if (text.length >= 2 && text.startsWith("'") && text.endsWith("'")) return text.slice(1, -1);
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) {
    return text.slice(1, -1).replace(/\\(["\\$`])/g, '$1');
  }
  return text;
}

/**
 * Parses `rayStartParams.resources` as `ray start` receives it through the shell
 * (`'{"TPU": 4}'` or `"{\"resource1\": 2}"`); `{}` when absent or malformed.
 */
export function customResourcesOf(params: Record<string, string>): Record<string, number> {
  const raw = params['resources'];
  if (!raw) return {};
  try {
    const parsed = JSON.parse(shellWord(raw)) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return {};
    return Object.fromEntries(
      Object.entries(parsed).filter(
        (entry): entry is [string, number] => typeof entry[1] === 'number',
      ),
    );
  } catch {
    return {};
  }
}

/** KubeRay `getResourcesMap`: the JSON of `resources` with quotes trimmed (no unescaping). */
function resourcesMapOf(params: Record<string, string>): Record<string, number> | undefined {
  const text = params['resources']?.replace(/^['"`\s]+|['"`\s]+$/g, '');
  if (text === undefined) return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null
      ? (parsed as Record<string, number>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * KubeRay `generateRayStartCommand` and its helpers: fills `num-cpus` (limits, else requests,
 * rounded up), `memory` (limits only), `num-gpus` (first sorted limits key ending in `gpu`) and a
 * TPU/Neuron custom resource into `params`, then prints `ray start [--head] --k=v ...` with the
 * flags sorted by name, as KubeRay does.
 */
export function generateRayStartCommand(
  nodeType: RayNodeType,
  params: Record<string, string>,
  resources: ResourceRequirements | undefined,
): string {
  const limits = resources?.limits ?? {};
  const requests = resources?.requests ?? {};
  if (params['num-cpus'] === undefined) {
    const cpu = quantityValue(limits['cpu']) || quantityValue(requests['cpu']);
    if (cpu) params['num-cpus'] = String(cpu);
  }
  if (params['memory'] === undefined) {
    const memory = quantityValue(limits['memory']);
    if (memory) params['memory'] = String(memory);
  }
  const limitKeys = Object.keys(limits).sort();
  // KubeRay logs and skips the accelerator step when `resources` does not parse as its JSON.
  const custom = limitKeys.length > 0 ? resourcesMapOf(params) : undefined;
  let customAdded = custom
    ? Object.values(customAccelerators).some((name) => name in custom)
    : true;
  for (const key of limitKeys) {
    if (!custom) break;
    const value = quantityValue(limits[key]);
    if (params['num-gpus'] === undefined && isGpuResourceKey(key) && value) {
      params['num-gpus'] = String(value);
    }
    const rayName = customAccelerators[key];
    if (!customAdded && rayName !== undefined && value) {
      if (!(rayName in custom)) {
        custom[rayName] = parseQuantity(limits[key] ?? 0);
        params['resources'] = `'${sortedJson(custom)}'`;
      }
      customAdded = true;
    }
  }
  let flags = '';
  for (const key of Object.keys(params).sort()) {
    const value = params[key] ?? '';
    const lower = value.toLowerCase();
    if ((lower === 'true' || lower === 'false') && !explicitBooleanFlags.has(key)) {
      if (lower === 'true') flags += ` --${key} `;
    } else {
      flags += ` --${key}=${value} `;
    }
  }
  return nodeType === 'head' ? `ray start --head ${flags}` : `ray start ${flags}`;
}

/** KubeRay `setMissingRayStartParams`. */
function completeRayStartParams(
  params: Record<string, string>,
  nodeType: RayNodeType,
  port: string,
  fqdn: string,
): void {
  if (nodeType === 'worker' && params['address'] === undefined)
    params['address'] = `${fqdn}:${port}`;
  if (nodeType === 'head' && params['dashboard-host'] === undefined)
    params['dashboard-host'] = '0.0.0.0';
  if (params['metrics-export-port'] === undefined)
    params['metrics-export-port'] = String(ports.metrics);
  params['block'] = 'true';
  if (params['dashboard-agent-listen-port'] === undefined) {
    params['dashboard-agent-listen-port'] = String(ports.dashboardAgent);
  }
}

/**
 * The complete `ray start` parameters of a group (top-level resources and labels applied, the
 * missing defaults filled in, and the resources derived from the Ray container), as the pod's
 * command carries them. The Ray head simulation reads a node's logical resources from these.
 */
export function rayStartParamsOf(
  cluster: RayCluster,
  nodeType: RayNodeType,
  group: HeadGroupSpec | WorkerGroupSpec,
): { params: Record<string, string>; command: string } {
  const params: Record<string, string> = { ...(group.rayStartParams ?? {}) };
  if (group.resources && Object.keys(group.resources).length > 0) {
    applyGroupResources(params, group.resources);
  }
  if (group.labels && Object.keys(group.labels).length > 0) {
    params['labels'] = Object.keys(group.labels)
      .sort()
      .map((key) => `${key}=${group.labels?.[key] ?? ''}`)
      .join(',');
  }
  completeRayStartParams(params, nodeType, headPort(cluster.spec), headServiceFqdn(cluster));
  if (nodeType === 'head' && isAutoscalingEnabled(cluster.spec)) params['no-monitor'] = 'true';
  const container = group.template.spec.containers[0];
  const command = generateRayStartCommand(nodeType, params, container?.resources);
  return { params, command };
}

/** Ray logical resources of a node started with `params`: `CPU`, `GPU`, `memory` and custom ones. */
export function rayResourcesOfParams(params: Record<string, string>): Record<string, number> {
  const resources: Record<string, number> = { ...customResourcesOf(params) };
  const cpu = Number(params['num-cpus']);
  if (Number.isFinite(cpu) && cpu > 0) resources['CPU'] = cpu;
  const gpu = Number(params['num-gpus']);
  if (Number.isFinite(gpu) && gpu > 0) resources['GPU'] = gpu;
  const memory = Number(params['memory']);
  if (Number.isFinite(memory) && memory > 0) resources['memory'] = memory;
  return resources;
}

function hasEnv(env: readonly EnvVar[] | undefined, name: string): boolean {
  return (env ?? []).some((variable) => variable.name === name);
}

function fieldRef(fieldPath: string): EnvVar['valueFrom'] {
  return { fieldRef: { apiVersion: 'v1', fieldPath } };
}

/** KubeRay `convertCmdToString`: every element wrapped in spaces. */
function commandToString(parts: readonly string[]): string {
  return parts.map((part) => ` ${part} `).join('');
}

/** KubeRay `GetContainerCommand`: `/bin/bash -c --`, extra options after `c` (`-ce`). */
export function bashCommand(extraOptions = ''): string[] {
  return ['/bin/bash', `-c${extraOptions}`, '--'];
}

/** Name and mount path of the projected ServiceAccount token of K8s token auth. */
const rayTokenVolume = { name: 'ray-token', mountPath: '/var/run/secrets/ray.io/serviceaccount' };

/**
 * KubeRay `SetContainerTokenAuthEnvVars` for a container of a token-auth cluster:
 * `RAY_AUTH_MODE=token` and the token from the auth Secret, or with `enableK8sTokenAuth`
 * `RAY_ENABLE_K8S_TOKEN_AUTH=true` and the projected ServiceAccount token mounted.
 */
export function addTokenAuthEnv(container: Container, cluster: RayCluster): void {
  const env = [...(container.env ?? [])];
  if (!hasEnv(env, 'RAY_AUTH_MODE')) env.push({ name: 'RAY_AUTH_MODE', value: 'token' });
  if (cluster.spec.authOptions?.enableK8sTokenAuth) {
    if (!hasEnv(env, 'RAY_ENABLE_K8S_TOKEN_AUTH'))
      env.push({ name: 'RAY_ENABLE_K8S_TOKEN_AUTH', value: 'true' });
    if (!(container.volumeMounts ?? []).some((mount) => mount.name === rayTokenVolume.name)) {
      container.volumeMounts = [
        ...(container.volumeMounts ?? []),
        { name: rayTokenVolume.name, mountPath: rayTokenVolume.mountPath, readOnly: true },
      ];
    }
  } else if (!hasEnv(env, 'RAY_AUTH_TOKEN')) {
    env.push({
      name: 'RAY_AUTH_TOKEN',
      valueFrom: { secretKeyRef: { name: authSecretName(cluster), key: 'auth_token' } },
    });
  }
  container.env = env;
}

/** KubeRay `AddRayTokenVolume`: the projected ServiceAccount token volume of K8s token auth. */
export function addRayTokenVolume(spec: PodTemplateSpec['spec']): void {
  if ((spec.volumes ?? []).some((volume) => volume['name'] === rayTokenVolume.name)) return;
  spec.volumes = [
    ...(spec.volumes ?? []),
    {
      name: rayTokenVolume.name,
      projected: { sources: [{ serviceAccountToken: { path: 'token' } }] },
    },
  ];
}

/** KubeRay `initLivenessAndReadinessProbe` (skipped for probes the user set). */
function addProbes(
  container: Container,
  nodeType: RayNodeType,
  creator: CreatorKind,
  params: Record<string, string>,
  rayVersion: string | undefined,
): void {
  const portOf = (key: string, fallback: number): number => {
    const value = Number(params[key]);
    return Number.isInteger(value) ? value : fallback;
  };
  const agentPort = portOf('dashboard-agent-listen-port', ports.dashboardAgent);
  const http = rayVersionAtLeast(rayVersion, '2.53.0');
  const wget = (timeout: number, port: number, path: string): string =>
    `wget --tries 1 -T ${timeout} -q -O- http://localhost:${port}/${path} | grep success`;
  const commands = [wget(2, agentPort, 'api/local_raylet_healthz')];
  if (nodeType === 'head') {
    commands.push(wget(10, portOf('dashboard-port', ports.dashboard), 'api/gcs_healthz'));
  }
  const action = (list: readonly string[]): Record<string, unknown> =>
    http
      ? { httpGet: { path: '/api/healthz', port: agentPort } }
      : { exec: { command: ['bash', '-c', list.join(' && ')] } };
  const timeout = nodeType === 'head' ? 5 : 2;
  if (!container.livenessProbe) {
    container.livenessProbe = {
      initialDelaySeconds: 30,
      timeoutSeconds: timeout,
      periodSeconds: 5,
      successThreshold: 1,
      failureThreshold: 120,
      ...action(commands),
    };
  }
  if (!container.readinessProbe) {
    let probe: Record<string, unknown> = {
      initialDelaySeconds: 10,
      timeoutSeconds: timeout,
      periodSeconds: 5,
      successThreshold: 1,
      failureThreshold: 10,
      ...action(commands),
    };
    if (creator === 'RayService' && nodeType === 'worker') {
      const servePort =
        container.ports?.find((port) => port.name === 'serve')?.containerPort ?? ports.serve;
      const { httpGet: _httpGet, exec: _exec, ...rest } = probe;
      probe = {
        ...rest,
        failureThreshold: 1,
        exec: {
          command: ['bash', '-c', [...commands, wget(10, servePort, '-/healthz')].join(' && ')],
        },
      };
    }
    container.readinessProbe = probe;
  }
}

/** KubeRay `addEmptyDir`: an emptyDir volume mounted into `container` unless the path is mounted. */
function addEmptyDir(
  spec: PodTemplateSpec['spec'],
  container: Container,
  name: string,
  mountPath: string,
  medium: 'Memory' | '',
): void {
  if ((container.volumeMounts ?? []).some((mount) => mount.mountPath === mountPath)) return;
  if (!(spec.volumes ?? []).some((volume) => volume['name'] === name)) {
    const sizeLimit =
      medium === 'Memory'
        ? (container.resources?.limits?.['memory'] ?? container.resources?.requests?.['memory'])
        : undefined;
    spec.volumes = [
      ...(spec.volumes ?? []),
      {
        name,
        emptyDir: {
          ...(medium ? { medium } : {}),
          ...(sizeLimit !== undefined ? { sizeLimit } : {}),
        },
      },
    ];
  }
  container.volumeMounts = [...(container.volumeMounts ?? []), { name, mountPath }];
}

/** The in-tree autoscaler sidecar (KubeRay `BuildAutoscalerContainer` + option overrides). */
function autoscalerContainer(cluster: RayCluster, image: string | undefined): Container {
  const startCommand =
    'ray kuberay-autoscaler --cluster-name $(RAY_CLUSTER_NAME) --cluster-namespace $(RAY_CLUSTER_NAMESPACE)';
  const options = cluster.spec.autoscalerOptions;
  const container: Container = {
    name: kubeRayConstants.autoscalerContainerName,
    image: options?.image ?? image ?? '',
    imagePullPolicy: options?.imagePullPolicy ?? 'IfNotPresent',
    env: [
      { name: 'RAY_CLUSTER_NAME', valueFrom: fieldRef(`metadata.labels['${labelKeys.cluster}']`) },
      { name: 'RAY_CLUSTER_NAMESPACE', valueFrom: fieldRef('metadata.namespace') },
      { name: 'RAY_HEAD_POD_NAME', valueFrom: fieldRef('metadata.name') },
      { name: 'KUBERAY_CRD_VER', value: 'v1' },
      { name: 'KUBERAY_GEN_AUTOSCALER_START_CMD', value: startCommand },
      ...(options?.env ?? []),
    ],
    command: options?.command ?? bashCommand(),
    args: options?.args ?? [startCommand],
    resources: options?.resources ?? {
      limits: { cpu: '500m', memory: '512Mi' },
      requests: { cpu: '500m', memory: '512Mi' },
    },
  };
  if (options?.envFrom) container['envFrom'] = options.envFrom;
  if (options?.volumeMounts) container.volumeMounts = [...options.volumeMounts];
  if (options?.securityContext) container.securityContext = options.securityContext;
  if (isAuthEnabled(cluster.spec)) addTokenAuthEnv(container, cluster);
  return container;
}

/** Options of {@link buildRayPod}. */
export interface BuildRayPodOptions {
  cluster: RayCluster;
  nodeType: RayNodeType;
  /** The worker group (workers only). */
  group?: WorkerGroupSpec;
  /** `ray.io/worker-group-replica-index` (gate RayMultiHostIndexing, on by default). */
  replicaIndex?: number;
  /** Multi-host replicas: `ray.io/worker-group-replica-name` and the host index. */
  replicaName?: string;
  hostIndex?: number;
  /** Feature gates in force (RayMultiHostIndexing adds the replica labels). */
  multiHostIndexing: boolean;
}

/**
 * A head or worker Pod of a RayCluster as KubeRay builds it (kuberay-api.md §2.2–2.4;
 * `DefaultHeadPodTemplate`, `DefaultWorkerPodTemplate`, `BuildPod`): the group's template with
 * generateName `<cluster>-head-` / `<cluster>-<group>-worker-`, the Ray labels, the generated
 * `ray start` command, injected environment, the `wait-gcs-ready` init container for workers,
 * /dev/shm, probes by Ray version, the autoscaler sidecar, token auth, and a controller owner
 * reference to the cluster. TLS, history server and network policy (gated off) are not built.
 */
export function buildRayPod(options: BuildRayPodOptions): KubeObject {
  const { cluster, nodeType } = options;
  const clusterName = cluster.metadata.name ?? '';
  const namespace = cluster.metadata.namespace ?? 'default';
  const spec = cluster.spec;
  const group: HeadGroupSpec | WorkerGroupSpec =
    nodeType === 'head' ? spec.headGroupSpec : (options.group as WorkerGroupSpec);
  const template = structuredClone(group.template);
  const podSpec = template.spec;
  const containers = podSpec.containers;
  const rayContainer = containers[0] as Container;
  const creator = creatorOf(cluster);
  const fqdn = headServiceFqdn(cluster);
  const port = headPort(spec);
  const groupName =
    nodeType === 'head' ? kubeRayConstants.headGroupName : (group as WorkerGroupSpec).groupName;
  const annotations: Record<string, string> = { ...(template.metadata?.annotations ?? {}) };
  if (
    cluster.metadata.annotations?.[annotationKeys.overwriteContainerCmd]?.toLowerCase() === 'true'
  ) {
    annotations[annotationKeys.overwriteContainerCmd] = 'true';
  }
  const labels = podLabels(nodeType, clusterName, groupName, {
    ...(template.metadata?.labels ?? {}),
    ...(group.labels ?? {}),
  });
  const autoscaling = isAutoscalingEnabled(spec);
  const autoscalerV2 = autoscaling && spec.autoscalerOptions?.version === 'v2';
  const autoscalerV1 = autoscaling && spec.autoscalerOptions?.version === 'v1';

  if (nodeType === 'worker') {
    const initContainer: Container = {
      name: 'wait-gcs-ready',
      image: rayContainer.image ?? '',
      ...(rayContainer.imagePullPolicy ? { imagePullPolicy: rayContainer.imagePullPolicy } : {}),
      command: bashCommand(),
      args: [
        `\n\t\t\t\t\tSECONDS=0\n\t\t\t\t\twhile true; do\n\t\t\t\t\t\tif (( SECONDS <= 120 )); then\n\t\t\t\t\t\t\tif ray health-check --address ${fqdn}:${port} > /dev/null 2>&1; then\n\t\t\t\t\t\t\t\techo "GCS is ready."\n\t\t\t\t\t\t\t\tbreak\n\t\t\t\t\t\t\tfi\n\t\t\t\t\t\t\techo "$SECONDS seconds elapsed: Waiting for GCS to be ready."\n\t\t\t\t\t\telse\n\t\t\t\t\t\t\tif ray health-check --address ${fqdn}:${port}; then\n\t\t\t\t\t\t\t\techo "GCS is ready. Any error messages above can be safely ignored."\n\t\t\t\t\t\t\t\tbreak\n\t\t\t\t\t\t\tfi\n\t\t\t\t\t\t\techo "$SECONDS seconds elapsed: Still waiting for GCS to be ready. For troubleshooting, refer to the FAQ at https://docs.ray.io/en/master/cluster/kubernetes/troubleshooting.html."\n\t\t\t\t\t\tfi\n\t\t\t\t\t\tsleep 5\n\t\t\t\t\tdone\n\t\t\t\t`,
      ],
      ...(rayContainer.securityContext ? { securityContext: rayContainer.securityContext } : {}),
      ...(rayContainer.env ? { env: structuredClone(rayContainer.env) } : {}),
      ...(rayContainer.volumeMounts
        ? { volumeMounts: structuredClone(rayContainer.volumeMounts) }
        : {}),
      resources: {
        limits: { cpu: '200m', memory: '256Mi' },
        requests: { cpu: '200m', memory: '256Mi' },
      },
    };
    podSpec.initContainers = [...(podSpec.initContainers ?? []), initContainer];
    if (options.multiHostIndexing) {
      labels[labelKeys.replicaIndex] = String(options.replicaIndex ?? 0);
      if (((group as WorkerGroupSpec).numOfHosts ?? 1) > 1) {
        labels[labelKeys.replicaName] = options.replicaName ?? '';
        labels[labelKeys.hostIndex] = String(options.hostIndex ?? 0);
      }
    }
  }

  const { params, command: rayStartCommand } = rayStartParamsOf(cluster, nodeType, group);

  if (nodeType === 'head' && autoscaling) {
    podSpec.serviceAccountName = checkName(podSpec.serviceAccountName || clusterName);
    containers.push(autoscalerContainer(cluster, rayContainer.image));
  }
  if (autoscalerV2 || autoscalerV1) {
    if (nodeType === 'head') {
      rayContainer.env = [
        ...(rayContainer.env ?? []),
        { name: 'RAY_enable_autoscaler_v2', value: autoscalerV2 ? 'true' : 'false' },
      ];
    }
    if (autoscalerV2) podSpec.restartPolicy = 'Never';
  }

  const ftEnabled = isGcsFaultToleranceEnabled(cluster);
  if (nodeType === 'head') annotations[annotationKeys.ftEnabled] = String(ftEnabled);
  if (ftEnabled) {
    if (
      nodeType === 'worker' &&
      !hasEnv(rayContainer.env, 'RAY_gcs_rpc_server_reconnect_timeout_s')
    ) {
      rayContainer.env = [
        ...(rayContainer.env ?? []),
        { name: 'RAY_gcs_rpc_server_reconnect_timeout_s', value: '600' },
      ];
    }
    const options = spec.gcsFaultToleranceOptions;
    if (nodeType === 'head' && options?.backend !== 'rocksdb') {
      const storageNamespace =
        (typeof options?.['externalStorageNamespace'] === 'string' &&
          options['externalStorageNamespace']) ||
        cluster.metadata.annotations?.[annotationKeys.externalStorageNamespace] ||
        (cluster.metadata.uid ?? '');
      annotations[annotationKeys.externalStorageNamespace] = storageNamespace;
      const env = [...(rayContainer.env ?? [])];
      if (!hasEnv(env, 'RAY_external_storage_namespace')) {
        env.push({ name: 'RAY_external_storage_namespace', value: storageNamespace });
      }
      if (options)
        env.push({ name: 'RAY_REDIS_ADDRESS', value: String(options['redisAddress'] ?? '') });
      rayContainer.env = env;
    }
  }

  if (!(rayContainer.ports ?? []).some((candidate) => candidate.name === 'metrics')) {
    rayContainer.ports = [
      ...(rayContainer.ports ?? []),
      { name: kubeRayConstants.portNames.metrics, containerPort: ports.metrics },
    ];
  }

  if (isAuthEnabled(spec)) {
    addTokenAuthEnv(rayContainer, cluster);
    if (spec.authOptions?.enableK8sTokenAuth) addRayTokenVolume(podSpec);
    for (const init of podSpec.initContainers ?? []) {
      if (init.name === 'wait-gcs-ready') addTokenAuthEnv(init, cluster);
    }
  }

  // BuildPod
  if (creator === 'RayService') labels[labelKeys.serve] = nodeType === 'worker' ? 'true' : 'false';
  if (params['plasma-directory'] === undefined) {
    addEmptyDir(podSpec, rayContainer, 'shared-mem', '/dev/shm', 'Memory');
  }
  if (nodeType === 'head' && autoscaling) {
    addEmptyDir(podSpec, rayContainer, 'ray-logs', '/tmp/ray', '');
    const sidecar = containers.find(
      (candidate) => candidate.name === kubeRayConstants.autoscalerContainerName,
    );
    if (sidecar) addEmptyDir(podSpec, sidecar, 'ray-logs', '/tmp/ray', '');
  }
  let userCommand = '';
  if (rayContainer.command && rayContainer.command.length > 0)
    userCommand = commandToString(rayContainer.command);
  if (rayContainer.args && rayContainer.args.length > 0)
    userCommand += commandToString(rayContainer.args);
  const generated = `ulimit -n \${RAY_START_ULIMIT_OPEN_FILES:-65536}; ${rayStartCommand}`;
  if (
    annotations[annotationKeys.overwriteContainerCmd] !== 'true' &&
    !userCommand.includes('ray start')
  ) {
    rayContainer.command = bashCommand();
    rayContainer.args = [userCommand ? `${userCommand} && ${generated}` : generated];
  }
  for (const init of podSpec.initContainers ?? []) {
    init.env = [
      ...(init.env ?? []),
      { name: 'FQ_RAY_IP', value: fqdn },
      { name: 'RAY_IP', value: fqdn.split('.')[0] ?? '' },
    ];
  }
  rayContainer.env = injectedEnv(rayContainer.env ?? [], {
    nodeType,
    fqdn,
    port,
    rayStartCommand,
    creator,
  });
  addProbes(rayContainer, nodeType, creator, params, spec.rayVersion);

  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: podGenerateName(
        nodeType === 'head' ? clusterName : `${clusterName}-${groupName}`,
        nodeType,
      ),
      namespace,
      labels,
      annotations,
      ownerReferences: [controllerReference(cluster)],
    },
    spec: podSpec,
  };
}

/** KubeRay `setContainerEnvVars`: the environment every Ray container gets. */
function injectedEnv(
  original: readonly EnvVar[],
  input: {
    nodeType: RayNodeType;
    fqdn: string;
    port: string;
    rayStartCommand: string;
    creator: CreatorKind;
  },
): EnvVar[] {
  const env = [...original];
  const ip = input.nodeType === 'head' ? '127.0.0.1' : input.fqdn;
  if (input.nodeType === 'worker') {
    env.push({ name: 'FQ_RAY_IP', value: ip }, { name: 'RAY_IP', value: ip.split('.')[0] ?? '' });
  }
  env.push(
    { name: 'RAY_CLUSTER_NAME', valueFrom: fieldRef(`metadata.labels['${labelKeys.cluster}']`) },
    { name: 'RAY_CLUSTER_NAMESPACE', valueFrom: fieldRef('metadata.namespace') },
    { name: 'RAY_CLOUD_INSTANCE_ID', valueFrom: fieldRef('metadata.name') },
    { name: 'RAY_NODE_TYPE_NAME', valueFrom: fieldRef(`metadata.labels['${labelKeys.group}']`) },
    { name: 'KUBERAY_GEN_RAY_START_CMD', value: input.rayStartCommand },
  );
  const addIfMissing = (name: string, value: string): void => {
    if (!hasEnv(env, name)) env.push({ name, value });
  };
  addIfMissing('RAY_PORT', input.port);
  if (input.creator === 'RayService') {
    addIfMissing('RAY_timeout_ms_task_wait_for_death_info', '0');
    addIfMissing('RAY_gcs_server_request_timeout_seconds', '5');
    addIfMissing('RAY_SERVE_KV_TIMEOUT_S', '5');
  }
  addIfMissing('RAY_ADDRESS', `${ip}:${input.port}`);
  addIfMissing('RAY_USAGE_STATS_KUBERAY_IN_USE', '1');
  if (input.nodeType === 'head') {
    env.push({
      name: 'RAY_USAGE_STATS_EXTRA_TAGS',
      value: `kuberay_version=${kubeRayConstants.version};kuberay_crd=${input.creator}`,
    });
  }
  addIfMissing('RAY_DASHBOARD_ENABLE_K8S_DISK_USAGE', '1');
  return env;
}
