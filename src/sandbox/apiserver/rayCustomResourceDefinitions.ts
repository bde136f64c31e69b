import type { JsonSchemaProps, StatusCause, ValidationRule } from './structuralSchema.ts';

// The ray.io/v1 CustomResourceDefinitions the sandbox installs: RayCluster, RayJob, RayService
// and RayCronJob, written from the facts in kuberay-api.md (KubeRay v1.7, commit feeaf72) with
// the small builders below. Kubernetes core types (PodTemplateSpec, Service, Condition) follow
// the Kubernetes 1.35 API; rarely used corners (exotic volume sources, ephemeral volume claim
// templates) are objects that keep unknown fields, so valid manifests are never pruned.

// ---------------------------------------------------------------------------------------------
// Schema builders (exported for the other CRDs the sandbox installs, e.g. Kueue's)

type Schema = JsonSchemaProps;

interface ObjectOptions {
  readonly required?: readonly string[];
  readonly atomic?: boolean;
  readonly rules?: readonly ValidationRule[];
  readonly description?: string;
}

export function object(properties: Record<string, Schema>, options: ObjectOptions = {}): Schema {
  return {
    type: 'object',
    ...(options.description ? { description: options.description } : {}),
    properties,
    ...(options.required ? { required: options.required } : {}),
    ...(options.atomic ? { 'x-kubernetes-map-type': 'atomic' as const } : {}),
    ...(options.rules ? { 'x-kubernetes-validations': options.rules } : {}),
  };
}

export function string(extra: Schema = {}): Schema {
  return { type: 'string', ...extra };
}

export function oneOfStrings(values: readonly string[], extra: Schema = {}): Schema {
  return { type: 'string', enum: values, ...extra };
}

export const boolean: Schema = { type: 'boolean' };
const number: Schema = { type: 'number' };
export const dateTime: Schema = { type: 'string', format: 'date-time' };

export function int32(extra: Schema = {}): Schema {
  return { type: 'integer', format: 'int32', ...extra };
}

export function int64(extra: Schema = {}): Schema {
  return { type: 'integer', format: 'int64', ...extra };
}

interface ListOptions {
  /** `atomic`, `set`, or `map` keyed by `keys`; omitted for KubeRay's own plain lists. */
  readonly type?: 'atomic' | 'set' | 'map';
  readonly keys?: readonly string[];
  readonly minItems?: number;
}

export function list(items: Schema, options: ListOptions = {}): Schema {
  return {
    type: 'array',
    items,
    ...(options.minItems !== undefined ? { minItems: options.minItems } : {}),
    ...(options.type ? { 'x-kubernetes-list-type': options.type } : {}),
    ...(options.keys ? { 'x-kubernetes-list-map-keys': options.keys } : {}),
  };
}

export function strings(type?: 'atomic' | 'set'): Schema {
  return list(string(), type ? { type } : {});
}

export function mapOf(values: Schema, atomic = false): Schema {
  return {
    type: 'object',
    additionalProperties: values,
    ...(atomic ? { 'x-kubernetes-map-type': 'atomic' as const } : {}),
  };
}

export const stringMap: Schema = mapOf(string());

/** An object whose contents are kept as sent: the rarely used corners of core types. */
export const opaque: Schema = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };

const intOrString: Schema = {
  anyOf: [{ type: 'integer' }, { type: 'string' }],
  'x-kubernetes-int-or-string': true,
};

/** resource.Quantity: an integer or a string such as `500m`, `4Gi`, `1e3`. */
export const quantity: Schema = {
  ...intOrString,
  pattern:
    '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$',
};

const quantities: Schema = mapOf(quantity);

// ---------------------------------------------------------------------------------------------
// Kubernetes core and meta types (Kubernetes 1.35 API facts)

/** The `metadata` of embedded templates: the few ObjectMeta fields controllers copy. */
const templateMetadata = object({
  annotations: stringMap,
  finalizers: strings(),
  labels: stringMap,
  name: string(),
  namespace: string(),
});

const localObjectReference = object({ name: string({ default: '' }) }, { atomic: true });

const keySelector = object(
  { key: string(), name: string({ default: '' }), optional: boolean },
  { required: ['key'], atomic: true },
);

const objectFieldSelector = object(
  { apiVersion: string(), fieldPath: string() },
  { required: ['fieldPath'], atomic: true },
);

const resourceFieldSelector = object(
  { containerName: string(), divisor: quantity, resource: string() },
  { required: ['resource'], atomic: true },
);

const envVarSource = object({
  configMapKeyRef: keySelector,
  fieldRef: objectFieldSelector,
  fileKeyRef: object(
    {
      key: string(),
      optional: { type: 'boolean', default: false },
      path: string(),
      volumeName: string(),
    },
    { required: ['key', 'path', 'volumeName'], atomic: true },
  ),
  resourceFieldRef: resourceFieldSelector,
  secretKeyRef: keySelector,
});

const envVar = object(
  { name: string(), value: string(), valueFrom: envVarSource },
  { required: ['name'] },
);

const envFromReference = object(
  { name: string({ default: '' }), optional: boolean },
  { atomic: true },
);

const envFromSource = object({
  configMapRef: envFromReference,
  prefix: string(),
  secretRef: envFromReference,
});

const resourceRequirements = object({
  claims: list(object({ name: string(), request: string() }, { required: ['name'] }), {
    type: 'map',
    keys: ['name'],
  }),
  limits: quantities,
  requests: quantities,
});

const volumeMount = object(
  {
    mountPath: string(),
    mountPropagation: string(),
    name: string(),
    readOnly: boolean,
    recursiveReadOnly: string(),
    subPath: string(),
    subPathExpr: string(),
  },
  { required: ['mountPath', 'name'] },
);

const execAction = object({ command: strings('atomic') });

const httpGetAction = object(
  {
    host: string(),
    httpHeaders: list(
      object({ name: string(), value: string() }, { required: ['name', 'value'] }),
      {
        type: 'atomic',
      },
    ),
    path: string(),
    port: intOrString,
    scheme: string(),
  },
  { required: ['port'] },
);

const tcpSocketAction = object({ host: string(), port: intOrString }, { required: ['port'] });

const lifecycleHandler = object({
  exec: execAction,
  httpGet: httpGetAction,
  sleep: object({ seconds: int64() }, { required: ['seconds'] }),
  tcpSocket: tcpSocketAction,
});

const probe = object({
  exec: execAction,
  failureThreshold: int32(),
  grpc: object({ port: int32(), service: string({ default: '' }) }, { required: ['port'] }),
  httpGet: httpGetAction,
  initialDelaySeconds: int32(),
  periodSeconds: int32(),
  successThreshold: int32(),
  tcpSocket: tcpSocketAction,
  terminationGracePeriodSeconds: int64(),
  timeoutSeconds: int32(),
});

const seLinuxOptions = object({ level: string(), role: string(), type: string(), user: string() });

const profile = object({ localhostProfile: string(), type: string() }, { required: ['type'] });

const windowsOptions = object({
  gmsaCredentialSpec: string(),
  gmsaCredentialSpecName: string(),
  hostProcess: boolean,
  runAsUserName: string(),
});

const securityContext = object({
  allowPrivilegeEscalation: boolean,
  appArmorProfile: profile,
  capabilities: object({ add: strings('atomic'), drop: strings('atomic') }),
  privileged: boolean,
  procMount: string(),
  readOnlyRootFilesystem: boolean,
  runAsGroup: int64(),
  runAsNonRoot: boolean,
  runAsUser: int64(),
  seLinuxOptions,
  seccompProfile: profile,
  windowsOptions,
});

const containerFields: Record<string, Schema> = {
  args: strings('atomic'),
  command: strings('atomic'),
  env: list(envVar, { type: 'map', keys: ['name'] }),
  envFrom: list(envFromSource, { type: 'atomic' }),
  image: string(),
  imagePullPolicy: string(),
  lifecycle: object({
    postStart: lifecycleHandler,
    preStop: lifecycleHandler,
    stopSignal: string(),
  }),
  livenessProbe: probe,
  name: string(),
  ports: list(
    object(
      {
        containerPort: int32(),
        hostIP: string(),
        hostPort: int32(),
        name: string(),
        protocol: string({ default: 'TCP' }),
      },
      { required: ['containerPort'] },
    ),
    { type: 'map', keys: ['containerPort', 'protocol'] },
  ),
  readinessProbe: probe,
  resizePolicy: list(
    object(
      { resourceName: string(), restartPolicy: string() },
      { required: ['resourceName', 'restartPolicy'] },
    ),
    { type: 'atomic' },
  ),
  resources: resourceRequirements,
  restartPolicy: string(),
  restartPolicyRules: list(
    object(
      {
        action: string(),
        exitCodes: object(
          { operator: string(), values: list(int32(), { type: 'set' }) },
          { required: ['operator'] },
        ),
      },
      { required: ['action'] },
    ),
    { type: 'atomic' },
  ),
  securityContext,
  startupProbe: probe,
  stdin: boolean,
  stdinOnce: boolean,
  terminationMessagePath: string(),
  terminationMessagePolicy: string(),
  tty: boolean,
  volumeDevices: list(
    object({ devicePath: string(), name: string() }, { required: ['devicePath', 'name'] }),
    { type: 'map', keys: ['devicePath'] },
  ),
  volumeMounts: list(volumeMount, { type: 'map', keys: ['mountPath'] }),
  workingDir: string(),
};

const container = object(containerFields, { required: ['name'] });

const ephemeralContainer = object(
  { ...containerFields, targetContainerName: string() },
  { required: ['name'] },
);

export const labelSelector = object(
  {
    matchExpressions: list(
      object(
        { key: string(), operator: string(), values: strings('atomic') },
        { required: ['key', 'operator'] },
      ),
      { type: 'atomic' },
    ),
    matchLabels: stringMap,
  },
  { atomic: true },
);

const nodeSelectorRequirement = object(
  { key: string(), operator: string(), values: strings('atomic') },
  { required: ['key', 'operator'] },
);

const nodeSelectorTerm = object(
  {
    matchExpressions: list(nodeSelectorRequirement, { type: 'atomic' }),
    matchFields: list(nodeSelectorRequirement, { type: 'atomic' }),
  },
  { atomic: true },
);

const podAffinityTerm = object(
  {
    labelSelector,
    matchLabelKeys: strings('atomic'),
    mismatchLabelKeys: strings('atomic'),
    namespaceSelector: labelSelector,
    namespaces: strings('atomic'),
    topologyKey: string(),
  },
  { required: ['topologyKey'] },
);

const podAffinity = object({
  preferredDuringSchedulingIgnoredDuringExecution: list(
    object({ podAffinityTerm, weight: int32() }, { required: ['podAffinityTerm', 'weight'] }),
    { type: 'atomic' },
  ),
  requiredDuringSchedulingIgnoredDuringExecution: list(podAffinityTerm, { type: 'atomic' }),
});

const affinity = object({
  nodeAffinity: object({
    preferredDuringSchedulingIgnoredDuringExecution: list(
      object(
        { preference: nodeSelectorTerm, weight: int32() },
        { required: ['preference', 'weight'] },
      ),
      { type: 'atomic' },
    ),
    requiredDuringSchedulingIgnoredDuringExecution: object(
      { nodeSelectorTerms: list(nodeSelectorTerm, { type: 'atomic' }) },
      { required: ['nodeSelectorTerms'], atomic: true },
    ),
  }),
  podAffinity,
  podAntiAffinity: podAffinity,
});

const keyToPath = object(
  { key: string(), mode: int32(), path: string() },
  { required: ['key', 'path'] },
);

const keyToPaths = list(keyToPath, { type: 'atomic' });

const downwardApiFiles = list(
  object(
    {
      fieldRef: objectFieldSelector,
      mode: int32(),
      path: string(),
      resourceFieldRef: resourceFieldSelector,
    },
    { required: ['path'] },
  ),
  { type: 'atomic' },
);

const volume = object(
  {
    awsElasticBlockStore: opaque,
    azureDisk: opaque,
    azureFile: opaque,
    cephfs: opaque,
    cinder: opaque,
    configMap: object(
      {
        defaultMode: int32(),
        items: keyToPaths,
        name: string({ default: '' }),
        optional: boolean,
      },
      { atomic: true },
    ),
    csi: object(
      {
        driver: string(),
        fsType: string(),
        nodePublishSecretRef: localObjectReference,
        readOnly: boolean,
        volumeAttributes: stringMap,
      },
      { required: ['driver'] },
    ),
    downwardAPI: object({ defaultMode: int32(), items: downwardApiFiles }),
    emptyDir: object({ medium: string(), sizeLimit: quantity }),
    ephemeral: object({ volumeClaimTemplate: opaque }),
    fc: opaque,
    flexVolume: opaque,
    flocker: opaque,
    gcePersistentDisk: opaque,
    gitRepo: opaque,
    glusterfs: opaque,
    hostPath: object({ path: string(), type: string() }, { required: ['path'] }),
    image: object({ pullPolicy: string(), reference: string() }),
    iscsi: opaque,
    name: string(),
    nfs: object(
      { path: string(), readOnly: boolean, server: string() },
      { required: ['path', 'server'] },
    ),
    persistentVolumeClaim: object(
      { claimName: string(), readOnly: boolean },
      { required: ['claimName'] },
    ),
    photonPersistentDisk: opaque,
    portworxVolume: opaque,
    projected: object({
      defaultMode: int32(),
      sources: list(
        object({
          clusterTrustBundle: opaque,
          configMap: object(
            { items: keyToPaths, name: string({ default: '' }), optional: boolean },
            { atomic: true },
          ),
          downwardAPI: object({ items: downwardApiFiles }),
          podCertificate: opaque,
          secret: object(
            { items: keyToPaths, name: string({ default: '' }), optional: boolean },
            { atomic: true },
          ),
          serviceAccountToken: object(
            { audience: string(), expirationSeconds: int64(), path: string() },
            { required: ['path'] },
          ),
        }),
        { type: 'atomic' },
      ),
    }),
    quobyte: opaque,
    rbd: opaque,
    scaleIO: opaque,
    secret: object({
      defaultMode: int32(),
      items: keyToPaths,
      optional: boolean,
      secretName: string(),
    }),
    storageos: opaque,
    vsphereVolume: opaque,
  },
  { required: ['name'] },
);

const podSecurityContext = object({
  appArmorProfile: profile,
  fsGroup: int64(),
  fsGroupChangePolicy: string(),
  runAsGroup: int64(),
  runAsNonRoot: boolean,
  runAsUser: int64(),
  seLinuxChangePolicy: string(),
  seLinuxOptions,
  seccompProfile: profile,
  supplementalGroups: list(int64(), { type: 'atomic' }),
  supplementalGroupsPolicy: string(),
  sysctls: list(object({ name: string(), value: string() }, { required: ['name', 'value'] }), {
    type: 'atomic',
  }),
  windowsOptions,
});

const podSpec = object(
  {
    activeDeadlineSeconds: int64(),
    affinity,
    automountServiceAccountToken: boolean,
    containers: list(container, { type: 'map', keys: ['name'] }),
    dnsConfig: object({
      nameservers: strings('atomic'),
      options: list(object({ name: string(), value: string() }), { type: 'atomic' }),
      searches: strings('atomic'),
    }),
    dnsPolicy: string(),
    enableServiceLinks: boolean,
    ephemeralContainers: list(ephemeralContainer, { type: 'map', keys: ['name'] }),
    hostAliases: list(
      object({ hostnames: strings('atomic'), ip: string() }, { required: ['ip'] }),
      { type: 'map', keys: ['ip'] },
    ),
    hostIPC: boolean,
    hostNetwork: boolean,
    hostPID: boolean,
    hostUsers: boolean,
    hostname: string(),
    hostnameOverride: string(),
    imagePullSecrets: list(localObjectReference, { type: 'map', keys: ['name'] }),
    initContainers: list(container, { type: 'map', keys: ['name'] }),
    nodeName: string(),
    nodeSelector: mapOf(string(), true),
    os: object({ name: string() }, { required: ['name'] }),
    overhead: quantities,
    preemptionPolicy: string(),
    priority: int32(),
    priorityClassName: string(),
    readinessGates: list(object({ conditionType: string() }, { required: ['conditionType'] }), {
      type: 'atomic',
    }),
    resourceClaims: list(
      object(
        { name: string(), resourceClaimName: string(), resourceClaimTemplateName: string() },
        { required: ['name'] },
      ),
      { type: 'map', keys: ['name'] },
    ),
    resources: resourceRequirements,
    restartPolicy: string(),
    runtimeClassName: string(),
    schedulerName: string(),
    schedulingGates: list(object({ name: string() }, { required: ['name'] }), {
      type: 'map',
      keys: ['name'],
    }),
    schedulingGroup: object({ podGroupName: string() }),
    securityContext: podSecurityContext,
    serviceAccount: string(),
    serviceAccountName: string(),
    setHostnameAsFQDN: boolean,
    shareProcessNamespace: boolean,
    subdomain: string(),
    terminationGracePeriodSeconds: int64(),
    tolerations: list(
      object({
        effect: string(),
        key: string(),
        operator: string(),
        tolerationSeconds: int64(),
        value: string(),
      }),
      { type: 'atomic' },
    ),
    topologySpreadConstraints: list(
      object(
        {
          labelSelector,
          matchLabelKeys: strings('atomic'),
          maxSkew: int32(),
          minDomains: int32(),
          nodeAffinityPolicy: string(),
          nodeTaintsPolicy: string(),
          topologyKey: string(),
          whenUnsatisfiable: string(),
        },
        { required: ['maxSkew', 'topologyKey', 'whenUnsatisfiable'] },
      ),
      { type: 'map', keys: ['topologyKey', 'whenUnsatisfiable'] },
    ),
    volumes: list(volume, { type: 'map', keys: ['name'] }),
  },
  { required: ['containers'] },
);

export const podTemplateSpec = object({ metadata: templateMetadata, spec: podSpec });

/** metav1.Condition, with the API's own limits on type, reason and message. */
const condition = object(
  {
    lastTransitionTime: dateTime,
    message: string({ maxLength: 32768 }),
    observedGeneration: int64({ minimum: 0 }),
    reason: string({
      maxLength: 1024,
      minLength: 1,
      pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$',
    }),
    status: oneOfStrings(['True', 'False', 'Unknown']),
    type: string({
      maxLength: 316,
      pattern:
        '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
    }),
  },
  { required: ['lastTransitionTime', 'message', 'reason', 'status', 'type'] },
);

export const conditions = list(condition, { type: 'map', keys: ['type'] });

/** A corev1.Service used as a template (head service, serve service). */
const service = object({
  apiVersion: string(),
  kind: string(),
  metadata: templateMetadata,
  spec: object({
    allocateLoadBalancerNodePorts: boolean,
    clusterIP: string(),
    clusterIPs: strings('atomic'),
    externalIPs: strings('atomic'),
    externalName: string(),
    externalTrafficPolicy: string(),
    healthCheckNodePort: int32(),
    internalTrafficPolicy: string(),
    ipFamilies: strings('atomic'),
    ipFamilyPolicy: string(),
    loadBalancerClass: string(),
    loadBalancerIP: string(),
    loadBalancerSourceRanges: strings('atomic'),
    ports: list(
      object(
        {
          appProtocol: string(),
          name: string(),
          nodePort: int32(),
          port: int32(),
          protocol: string({ default: 'TCP' }),
          targetPort: intOrString,
        },
        { required: ['port'] },
      ),
      { type: 'map', keys: ['port', 'protocol'] },
    ),
    publishNotReadyAddresses: boolean,
    selector: mapOf(string(), true),
    sessionAffinity: string(),
    sessionAffinityConfig: object({ clientIP: object({ timeoutSeconds: int32() }) }),
    trafficDistribution: string(),
    type: string(),
  }),
  status: object({
    conditions,
    loadBalancer: object({
      ingress: list(
        object({
          hostname: string(),
          ip: string(),
          ipMode: string(),
          ports: list(
            object(
              {
                error: string({
                  maxLength: 316,
                  pattern:
                    '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
                }),
                port: int32(),
                protocol: string(),
              },
              { required: ['error', 'port', 'protocol'] },
            ),
            { type: 'atomic' },
          ),
        }),
        { type: 'atomic' },
      ),
    }),
  }),
});

// ---------------------------------------------------------------------------------------------
// KubeRay types (kuberay-api.md §1)

const managedByRules: readonly ValidationRule[] = [
  { rule: 'self == oldSelf', message: 'the managedBy field is immutable' },
  {
    rule: "self in ['ray.io/kuberay-operator', 'kueue.x-k8s.io/multikueue']",
    message:
      "the managedBy field value must be either 'ray.io/kuberay-operator' or 'kueue.x-k8s.io/multikueue'",
  },
];

const managedBy = string({
  description:
    'Controller that reconciles this object: ray.io/kuberay-operator or kueue.x-k8s.io/multikueue. Immutable.',
  'x-kubernetes-validations': managedByRules,
});

/** Redis credentials of GCS fault tolerance: a literal or an EnvVarSource. */
const redisCredential = object({ value: string(), valueFrom: envVarSource });

const autoscalerOptions = object(
  {
    args: strings(),
    command: strings(),
    env: list(envVar),
    envFrom: list(envFromSource),
    idleTimeoutSeconds: int32(),
    image: string(),
    imagePullPolicy: string(),
    resources: resourceRequirements,
    securityContext,
    upscalingMode: oneOfStrings(['Default', 'Aggressive', 'Conservative']),
    version: oneOfStrings(['v1', 'v2']),
    volumeMounts: list(volumeMount),
  },
  { description: 'Settings of the in-tree autoscaler sidecar.' },
);

const gcsFaultToleranceOptions = object(
  {
    backend: oneOfStrings(['redis', 'rocksdb'], {
      'x-kubernetes-validations': [
        { rule: 'self == oldSelf', message: 'gcsFaultToleranceOptions.backend is immutable' },
      ],
    }),
    externalStorageNamespace: string(),
    redisAddress: string(),
    redisPassword: redisCredential,
    redisUsername: redisCredential,
    storage: object({
      accessModes: strings(),
      claimName: string(),
      deletionPolicy: oneOfStrings(['DeleteWithCluster', 'Retain']),
      size: quantity,
      storageClassName: string(),
      subPath: string(),
    }),
  },
  { description: 'GCS fault tolerance: external Redis or embedded RocksDB storage.' },
);

const headGroupSpec = object(
  {
    enableIngress: boolean,
    headService: service,
    ingressOptions: object({
      host: string(),
      path: string(),
      pathType: oneOfStrings(['Exact', 'Prefix', 'ImplementationSpecific']),
      tls: list(object({ hosts: strings('atomic'), secretName: string() })),
    }),
    labels: stringMap,
    rayStartParams: stringMap,
    resources: stringMap,
    serviceType: string(),
    template: podTemplateSpec,
  },
  { required: ['template'], description: 'The head pod group.' },
);

const networkPolicyPort = object({ endPort: int32(), port: intOrString, protocol: string() });

const networkPolicyPeer = object({
  ipBlock: object({ cidr: string(), except: strings('atomic') }, { required: ['cidr'] }),
  namespaceSelector: labelSelector,
  podSelector: labelSelector,
});

const networkPolicyRules: Record<string, Schema> = {
  egressRules: list(
    object({
      ports: list(networkPolicyPort, { type: 'atomic' }),
      to: list(networkPolicyPeer, { type: 'atomic' }),
    }),
  ),
  ingressRules: list(
    object({
      from: list(networkPolicyPeer, { type: 'atomic' }),
      ports: list(networkPolicyPort, { type: 'atomic' }),
    }),
  ),
};

const networkPolicy = object(
  {
    head: object(networkPolicyRules),
    mode: oneOfStrings(['DenyAll', 'DenyAllIngress', 'DenyAllEgress'], { default: 'DenyAll' }),
    worker: object(networkPolicyRules),
    workerGroups: list(
      object({ ...networkPolicyRules, groupName: string() }, { required: ['groupName'] }),
      { type: 'map', keys: ['groupName'] },
    ),
  },
  { description: 'NetworkPolicies around the cluster (feature gate RayClusterNetworkPolicy).' },
);

const workerGroupSpec = object(
  {
    groupName: string(),
    idleTimeoutSeconds: int32(),
    labels: stringMap,
    maxReplicas: int32({ default: 2147483647 }),
    minReplicas: int32({ default: 0 }),
    numOfHosts: int32({ default: 1 }),
    priority: int32({ default: 0 }),
    rayStartParams: stringMap,
    replicas: int32({ default: 0 }),
    resources: stringMap,
    scaleStrategy: object({ workersToDelete: strings() }),
    suspend: boolean,
    template: podTemplateSpec,
  },
  { required: ['groupName', 'maxReplicas', 'minReplicas', 'template'] },
);

const rayClusterSpec = object(
  {
    authOptions: object({
      enableK8sTokenAuth: boolean,
      mode: oneOfStrings(['disabled', 'token']),
      secretName: string(),
    }),
    autoscalerOptions,
    enableInTreeAutoscaling: boolean,
    gcsFaultToleranceOptions,
    headGroupSpec,
    headServiceAnnotations: stringMap,
    historyServerOptions: object({
      collectorOptions: object({
        env: list(envVar),
        image: string(),
        imagePullPolicy: string(),
        resources: resourceRequirements,
      }),
    }),
    managedBy,
    networkPolicy,
    rayVersion: string({ description: 'Ray version of the images, e.g. 2.52.0.' }),
    suspend: boolean,
    tlsOptions: object({ enabled: boolean }),
    upgradeStrategy: object({ type: oneOfStrings(['Recreate', 'None']) }),
    workerGroupSpecs: list(workerGroupSpec),
  },
  { required: ['headGroupSpec'] },
);

const rayClusterStatus = object({
  availableWorkerReplicas: int32(),
  conditions,
  desiredCPU: quantity,
  desiredGPU: quantity,
  desiredMemory: quantity,
  desiredTPU: quantity,
  desiredWorkerReplicas: int32(),
  endpoints: stringMap,
  head: object({
    podIP: string(),
    podName: string(),
    serviceIP: string(),
    serviceName: string(),
  }),
  lastUpdateTime: { ...dateTime, nullable: true },
  maxWorkerReplicas: int32(),
  minWorkerReplicas: int32(),
  observedGeneration: int64(),
  readyWorkerReplicas: int32(),
  reason: string(),
  state: string(),
  stateTransitionTimes: mapOf(dateTime),
});

const deletionPolicy = oneOfStrings(['DeleteCluster', 'DeleteWorkers', 'DeleteSelf', 'DeleteNone']);

const deletionStrategy = object(
  {
    deletionRules: list(
      object(
        {
          condition: object(
            {
              jobDeploymentStatus: oneOfStrings(['Failed']),
              jobStatus: oneOfStrings(['SUCCEEDED', 'FAILED']),
              ttlSeconds: int32({ default: 0, minimum: 0 }),
            },
            {
              rules: [
                {
                  rule: '!(has(self.jobStatus) && has(self.jobDeploymentStatus))',
                  message:
                    'JobStatus and JobDeploymentStatus cannot be used together within the same deletion condition.',
                },
                {
                  rule: 'has(self.jobStatus) || has(self.jobDeploymentStatus)',
                  message:
                    'the deletion condition requires either the JobStatus or the JobDeploymentStatus field.',
                },
              ],
            },
          ),
          policy: deletionPolicy,
        },
        { required: ['condition', 'policy'] },
      ),
      { type: 'atomic', minItems: 1 },
    ),
    onFailure: object({ policy: deletionPolicy }),
    onSuccess: object({ policy: deletionPolicy }),
  },
  {
    description: 'When to delete the RayCluster, its workers or the RayJob itself.',
    rules: [
      {
        rule: '!((has(self.onSuccess) || has(self.onFailure)) && has(self.deletionRules))',
        message:
          'legacy policies (onSuccess/onFailure) and deletionRules cannot be used together within the same deletionStrategy',
      },
      {
        rule: '((has(self.onSuccess) && has(self.onFailure)) || has(self.deletionRules))',
        message:
          'deletionStrategy requires either BOTH onSuccess and onFailure, OR the deletionRules field (cannot be empty)',
      },
    ],
  },
);

const rayJobSpec = object({
  activeDeadlineSeconds: int32(),
  backoffLimit: int32({ default: 0 }),
  clusterSelector: stringMap,
  deletionStrategy,
  entrypoint: string({ description: 'Shell command of the Ray job, e.g. python script.py.' }),
  entrypointNumCpus: number,
  entrypointNumGpus: number,
  entrypointResources: string(),
  jobId: string(),
  managedBy,
  metadata: stringMap,
  preRunningDeadlineSeconds: int32({ minimum: 1 }),
  rayClusterSpec,
  runtimeEnvYAML: string(),
  shutdownAfterJobFinishes: boolean,
  submissionMode: string({
    default: 'K8sJobMode',
    description: 'K8sJobMode, HTTPMode, InteractiveMode or SidecarMode.',
  }),
  submitterConfig: object({ backoffLimit: int32() }),
  submitterPodTemplate: podTemplateSpec,
  suspend: boolean,
  ttlSecondsAfterFinished: int32({ default: 0 }),
});

const rayJobStatus = object({
  dashboardURL: string(),
  endTime: dateTime,
  failed: int32({ default: 0 }),
  jobDeploymentStatus: string(),
  jobId: string(),
  jobStatus: string(),
  jobStatusCheckFailureStartTime: dateTime,
  message: string(),
  observedGeneration: int64(),
  rayClusterName: string(),
  rayClusterStatus,
  rayJobInfo: object({ endTime: dateTime, startTime: dateTime }),
  reason: string(),
  startTime: dateTime,
  succeeded: int32({ default: 0 }),
});

const serveStatus = object({
  applicationStatuses: mapOf(
    object({
      message: string(),
      serveDeploymentStatuses: mapOf(object({ message: string(), status: string() })),
      status: string(),
    }),
  ),
  lastTrafficMigratedTime: dateTime,
  rayClusterName: string(),
  rayClusterStatus,
  targetCapacity: int32(),
  trafficRoutedPercent: int32(),
});

const rayServiceSpec = object(
  {
    deploymentUnhealthySecondThreshold: int32(),
    excludeHeadPodFromServeSvc: boolean,
    managedBy,
    rayClusterConfig: rayClusterSpec,
    rayClusterDeletionDelaySeconds: int32({ minimum: 0 }),
    serveConfigV2: string({ description: 'Ray Serve config (YAML) deployed to the cluster.' }),
    serveService: service,
    serviceUnhealthySecondThreshold: int32(),
    suspend: boolean,
    upgradeStrategy: object({
      clusterUpgradeOptions: object(
        {
          gatewayClassName: string(),
          intervalSeconds: int32(),
          maxSurgePercent: int32({ default: 100 }),
          stepSizePercent: int32(),
        },
        { required: ['gatewayClassName', 'intervalSeconds', 'stepSizePercent'] },
      ),
      type: string(),
    }),
  },
  { required: ['rayClusterConfig'] },
);

const rayServiceStatus = object({
  activeServiceStatus: serveStatus,
  conditions,
  lastUpdateTime: dateTime,
  numServeEndpoints: int32(),
  observedGeneration: int64(),
  pendingServiceStatus: serveStatus,
  serviceStatus: string(),
});

const rayCronJobSpec = object(
  {
    jobTemplate: rayJobSpec,
    schedule: string({ description: 'Cron schedule (five fields); TZ= prefixes are rejected.' }),
    suspend: boolean,
    timeZone: string({ minLength: 1 }),
  },
  { required: ['jobTemplate', 'schedule'] },
);

// ---------------------------------------------------------------------------------------------
// The CustomResourceDefinitions

/** A printer column of a CRD version (`kubectl get` output). */
export interface PrinterColumn {
  readonly name: string;
  readonly type: 'integer' | 'number' | 'string' | 'boolean' | 'date';
  readonly jsonPath: string;
  readonly priority?: number;
  readonly description?: string;
}

/** An apiextensions.k8s.io/v1 CustomResourceDefinition as a plain object. */
export interface RayCustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string };
  spec: {
    group: 'ray.io';
    scope: 'Namespaced';
    names: {
      kind: string;
      listKind: string;
      plural: string;
      singular: string;
      categories: string[];
    };
    versions: {
      name: 'v1';
      served: true;
      storage: true;
      schema: { openAPIV3Schema: JsonSchemaProps };
      subresources: { status: Record<string, never> };
      additionalPrinterColumns: PrinterColumn[];
    }[];
  };
}

export const ageColumn: PrinterColumn = {
  name: 'age',
  type: 'date',
  jsonPath: '.metadata.creationTimestamp',
};

function customResourceDefinition(input: {
  kind: string;
  plural: string;
  spec: Schema;
  status: Schema;
  columns: PrinterColumn[];
}): RayCustomResourceDefinition {
  const singular = input.kind.toLowerCase();
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${input.plural}.ray.io` },
    spec: {
      group: 'ray.io',
      scope: 'Namespaced',
      names: {
        kind: input.kind,
        listKind: `${input.kind}List`,
        plural: input.plural,
        singular,
        categories: ['all'],
      },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: object({
              apiVersion: string(),
              kind: string(),
              metadata: { type: 'object' },
              spec: input.spec,
              status: input.status,
            }),
          },
          subresources: { status: {} },
          additionalPrinterColumns: input.columns,
        },
      ],
    },
  };
}

/**
 * The four ray.io/v1 CRDs (RayCluster, RayJob, RayService, RayCronJob): namespaced, category
 * `all`, status subresource, the printer columns of kuberay-api.md §1, and the enums, required
 * fields, defaults and CEL rules KubeRay's CRDs carry. The sandbox installs them through the
 * ordinary CRD path at start.
 */
export const rayCustomResourceDefinitions: readonly RayCustomResourceDefinition[] = [
  customResourceDefinition({
    kind: 'RayCluster',
    plural: 'rayclusters',
    spec: rayClusterSpec,
    status: rayClusterStatus,
    columns: [
      { name: 'desired workers', type: 'integer', jsonPath: '.status.desiredWorkerReplicas' },
      { name: 'available workers', type: 'integer', jsonPath: '.status.availableWorkerReplicas' },
      { name: 'cpus', type: 'string', jsonPath: '.status.desiredCPU' },
      { name: 'memory', type: 'string', jsonPath: '.status.desiredMemory' },
      { name: 'gpus', type: 'string', jsonPath: '.status.desiredGPU' },
      { name: 'tpus', type: 'string', jsonPath: '.status.desiredTPU', priority: 1 },
      { name: 'status', type: 'string', jsonPath: '.status.state' },
      ageColumn,
      { name: 'head pod IP', type: 'string', jsonPath: '.status.head.podIP', priority: 1 },
      { name: 'head service IP', type: 'string', jsonPath: '.status.head.serviceIP', priority: 1 },
    ],
  }),
  customResourceDefinition({
    kind: 'RayJob',
    plural: 'rayjobs',
    spec: rayJobSpec,
    status: rayJobStatus,
    columns: [
      { name: 'job status', type: 'string', jsonPath: '.status.jobStatus' },
      { name: 'deployment status', type: 'string', jsonPath: '.status.jobDeploymentStatus' },
      { name: 'ray cluster name', type: 'string', jsonPath: '.status.rayClusterName' },
      { name: 'start time', type: 'string', jsonPath: '.status.startTime' },
      { name: 'end time', type: 'string', jsonPath: '.status.endTime' },
      ageColumn,
    ],
  }),
  customResourceDefinition({
    kind: 'RayService',
    plural: 'rayservices',
    spec: rayServiceSpec,
    status: rayServiceStatus,
    columns: [
      { name: 'service status', type: 'string', jsonPath: '.status.serviceStatus' },
      { name: 'num serve endpoints', type: 'string', jsonPath: '.status.numServeEndpoints' },
    ],
  }),
  customResourceDefinition({
    kind: 'RayCronJob',
    plural: 'raycronjobs',
    spec: rayCronJobSpec,
    status: object({ lastScheduleTime: dateTime }),
    columns: [
      { name: 'schedule', type: 'string', jsonPath: '.spec.schedule' },
      { name: 'timezone', type: 'string', jsonPath: '.spec.timeZone' },
      { name: 'last schedule', type: 'date', jsonPath: '.status.lastScheduleTime' },
      ageColumn,
      { name: 'suspend', type: 'boolean', jsonPath: '.spec.suspend' },
    ],
  }),
];

/**
 * Longest allowed name per ray.io kind, in characters (KubeRay: 63 minus the longest child
 * suffix, `-serve-svc`, for RayCluster; minus the 6-character cluster suffix for RayJob and
 * RayService; minus the 11-character schedule suffix of a RayJob for RayCronJob).
 */
export const rayNameLengthLimits = {
  RayCluster: 53,
  RayJob: 47,
  RayService: 47,
  RayCronJob: 36,
} as const;

const dns1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

const dns1035Message =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

/**
 * KubeRay's name rule for ray.io objects (its validating webhook and controller): the name
 * must fit the kind's limit in {@link rayNameLengthLimits} and be a DNS-1035 label. The
 * sandbox applies it as an admission step on create, whichever CRD is installed. Returns at
 * most one cause on `metadata.name`, worded as the webhook does; none for other kinds.
 */
export function validateRayObjectName(kind: string, name: string): StatusCause[] {
  if (!Object.hasOwn(rayNameLengthLimits, kind)) return [];
  const limit = rayNameLengthLimits[kind as keyof typeof rayNameLengthLimits];
  const prefix =
    kind === 'RayJob' || kind === 'RayService' ? `The ${kind} metadata is invalid: ` : '';
  let detail: string | undefined;
  if (name.length > limit) {
    detail = `${prefix}${kind} name should be no more than ${limit} characters`;
  } else if (!dns1035.test(name)) {
    detail = `${prefix}${kind} name should be a valid DNS1035 label: [${dns1035Message}]`;
  }
  if (detail === undefined) return [];
  return [
    {
      reason: 'FieldValueInvalid',
      field: 'metadata.name',
      message: `Invalid value: ${JSON.stringify(name)}: ${detail}`,
    },
  ];
}
