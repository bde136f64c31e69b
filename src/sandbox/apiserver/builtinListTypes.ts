/** How server-side apply treats one field of a built-in message. */
export interface BuiltinFieldShape {
  /** A list merged by item: `set` (by value) or the key fields of a list-map. Absent: atomic. */
  readonly list?: 'set' | readonly string[];
  /** A `map<string, …>` (labels, data, resource lists): keys are not declared fields. */
  readonly map?: true;
  /** The value (or each item) is replaced as a whole (`+structType=atomic`, `+mapType=atomic`). */
  readonly atomic?: true;
  /** The message of the value or items, when it has shapes of its own. */
  readonly of?: string;
  /** Values of key fields an item may leave out (`+default=`), e.g. a port's `protocol: TCP`. */
  readonly keyDefaults?: Readonly<Record<string, unknown>>;
}

/** Message name (`core.v1.PodSpec`) → its fields with a shape; unlisted fields are deduced. */
export type BuiltinMessageShapes = Record<string, Readonly<Record<string, BuiltinFieldShape>>>;

/**
 * The shapes of the built-in messages the sandbox serves, derived from the Kubernetes 1.35 API
 * definitions (the `generated.proto` files of kubernetes/api and kubernetes/apimachinery v0.35.7,
 * Apache-2.0: their `+listType`, `+listMapKey`, `+patchStrategy`, `+patchMergeKey`,
 * `+structType`, `+mapType` and `+default` markers, and which fields are `map<string, …>`) by
 * `test/support/deriveBuiltinListTypes.ts`; `builtinListTypes.test.ts` checks this table against
 * them. Only messages with a list merged by item, a map, an atomic value, or such a message
 * below them are listed. Every other field of a built-in message is a struct field whose lists
 * are atomic, as structured-merge-diff reads the Kubernetes schema.
 */
export const builtinMessageShapes: BuiltinMessageShapes = {
  'apps.v1.Deployment': {
    metadata: { of: 'meta.v1.ObjectMeta' },
    spec: { of: 'apps.v1.DeploymentSpec' },
    status: { of: 'apps.v1.DeploymentStatus' },
  },
  'apps.v1.DeploymentSpec': {
    selector: { atomic: true },
    template: { of: 'core.v1.PodTemplateSpec' },
  },
  'apps.v1.DeploymentStatus': { conditions: { list: ['type'] } },
  'apps.v1.ReplicaSet': {
    metadata: { of: 'meta.v1.ObjectMeta' },
    spec: { of: 'apps.v1.ReplicaSetSpec' },
    status: { of: 'apps.v1.ReplicaSetStatus' },
  },
  'apps.v1.ReplicaSetSpec': {
    selector: { atomic: true },
    template: { of: 'core.v1.PodTemplateSpec' },
  },
  'apps.v1.ReplicaSetStatus': { conditions: { list: ['type'] } },
  'apps.v1.StatefulSet': {
    metadata: { of: 'meta.v1.ObjectMeta' },
    spec: { of: 'apps.v1.StatefulSetSpec' },
    status: { of: 'apps.v1.StatefulSetStatus' },
  },
  'apps.v1.StatefulSetSpec': {
    selector: { atomic: true },
    template: { of: 'core.v1.PodTemplateSpec' },
  },
  'apps.v1.StatefulSetStatus': { conditions: { list: ['type'] } },
  'batch.v1.Job': {
    metadata: { of: 'meta.v1.ObjectMeta' },
    spec: { of: 'batch.v1.JobSpec' },
    status: { of: 'batch.v1.JobStatus' },
  },
  'batch.v1.JobSpec': { selector: { atomic: true }, template: { of: 'core.v1.PodTemplateSpec' } },
  'batch.v1.JobStatus': { uncountedTerminatedPods: { of: 'batch.v1.UncountedTerminatedPods' } },
  'batch.v1.UncountedTerminatedPods': { succeeded: { list: 'set' }, failed: { list: 'set' } },
  'coordination.v1.Lease': { metadata: { of: 'meta.v1.ObjectMeta' } },
  'core.v1.Affinity': { nodeAffinity: { of: 'core.v1.NodeAffinity' } },
  'core.v1.CSIVolumeSource': {
    volumeAttributes: { map: true },
    nodePublishSecretRef: { atomic: true },
  },
  'core.v1.CephFSVolumeSource': { secretRef: { atomic: true } },
  'core.v1.CinderVolumeSource': { secretRef: { atomic: true } },
  'core.v1.ConfigMap': {
    metadata: { of: 'meta.v1.ObjectMeta' },
    data: { map: true },
    binaryData: { map: true },
  },
  'core.v1.Container': {
    ports: { list: ['containerPort', 'protocol'], keyDefaults: { protocol: 'TCP' } },
    env: { list: ['name'], of: 'core.v1.EnvVar' },
    resources: { of: 'core.v1.ResourceRequirements' },
    volumeMounts: { list: ['mountPath'] },
    volumeDevices: { list: ['devicePath'] },
  },
  'core.v1.Endpoints': { metadata: { of: 'meta.v1.ObjectMeta' } },
  'core.v1.EnvVar': { valueFrom: { of: 'core.v1.EnvVarSource' } },
  'core.v1.EnvVarSource': {
    fieldRef: { atomic: true },
    resourceFieldRef: { atomic: true },
    configMapKeyRef: { atomic: true },
    secretKeyRef: { atomic: true },
    fileKeyRef: { atomic: true },
  },
  'core.v1.EphemeralContainer': {
    ports: { list: ['containerPort', 'protocol'], keyDefaults: { protocol: 'TCP' } },
    env: { list: ['name'], of: 'core.v1.EnvVar' },
    resources: { of: 'core.v1.ResourceRequirements' },
    volumeMounts: { list: ['mountPath'] },
    volumeDevices: { list: ['devicePath'] },
  },
  'core.v1.EphemeralVolumeSource': {
    volumeClaimTemplate: { of: 'core.v1.PersistentVolumeClaimTemplate' },
  },
  'core.v1.Event': {
    metadata: { of: 'meta.v1.ObjectMeta' },
    involvedObject: { atomic: true },
    related: { atomic: true },
  },
  'core.v1.FlexVolumeSource': { secretRef: { atomic: true }, options: { map: true } },
  'core.v1.ISCSIVolumeSource': { secretRef: { atomic: true } },
  'core.v1.Namespace': {
    metadata: { of: 'meta.v1.ObjectMeta' },
    status: { of: 'core.v1.NamespaceStatus' },
  },
  'core.v1.NamespaceStatus': { conditions: { list: ['type'] } },
  'core.v1.Node': {
    metadata: { of: 'meta.v1.ObjectMeta' },
    spec: { of: 'core.v1.NodeSpec' },
    status: { of: 'core.v1.NodeStatus' },
  },
  'core.v1.NodeAffinity': { requiredDuringSchedulingIgnoredDuringExecution: { atomic: true } },
  'core.v1.NodeSpec': { podCIDRs: { list: 'set' } },
  'core.v1.NodeStatus': {
    capacity: { map: true },
    allocatable: { map: true },
    conditions: { list: ['type'] },
    addresses: { list: ['type'] },
  },
  'core.v1.PersistentVolumeClaim': {
    metadata: { of: 'meta.v1.ObjectMeta' },
    spec: { of: 'core.v1.PersistentVolumeClaimSpec' },
    status: { of: 'core.v1.PersistentVolumeClaimStatus' },
  },
  'core.v1.PersistentVolumeClaimSpec': {
    selector: { atomic: true },
    resources: { of: 'core.v1.VolumeResourceRequirements' },
    dataSource: { atomic: true },
  },
  'core.v1.PersistentVolumeClaimStatus': {
    capacity: { map: true },
    conditions: { list: ['type'] },
    allocatedResources: { map: true },
    allocatedResourceStatuses: { map: true },
  },
  'core.v1.PersistentVolumeClaimTemplate': {
    metadata: { of: 'meta.v1.ObjectMeta' },
    spec: { of: 'core.v1.PersistentVolumeClaimSpec' },
  },
  'core.v1.Pod': {
    metadata: { of: 'meta.v1.ObjectMeta' },
    spec: { of: 'core.v1.PodSpec' },
    status: { of: 'core.v1.PodStatus' },
  },
  'core.v1.PodSpec': {
    volumes: { list: ['name'], of: 'core.v1.Volume' },
    initContainers: { list: ['name'], of: 'core.v1.Container' },
    containers: { list: ['name'], of: 'core.v1.Container' },
    ephemeralContainers: { list: ['name'], of: 'core.v1.EphemeralContainer' },
    nodeSelector: { map: true, atomic: true },
    imagePullSecrets: { list: ['name'], atomic: true, keyDefaults: { name: '' } },
    affinity: { of: 'core.v1.Affinity' },
    hostAliases: { list: ['ip'] },
    overhead: { map: true },
    topologySpreadConstraints: {
      list: ['topologyKey', 'whenUnsatisfiable'],
      of: 'core.v1.TopologySpreadConstraint',
    },
    schedulingGates: { list: ['name'] },
    resourceClaims: { list: ['name'] },
    resources: { of: 'core.v1.ResourceRequirements' },
  },
  'core.v1.PodStatus': {
    conditions: { list: ['type'] },
    podIPs: { list: ['ip'] },
    resourceClaimStatuses: { list: ['name'] },
    allocatedResources: { map: true },
    resources: { of: 'core.v1.ResourceRequirements' },
  },
  'core.v1.PodTemplateSpec': {
    metadata: { of: 'meta.v1.ObjectMeta' },
    spec: { of: 'core.v1.PodSpec' },
  },
  'core.v1.RBDVolumeSource': { secretRef: { atomic: true } },
  'core.v1.ResourceQuota': {
    metadata: { of: 'meta.v1.ObjectMeta' },
    spec: { of: 'core.v1.ResourceQuotaSpec' },
    status: { of: 'core.v1.ResourceQuotaStatus' },
  },
  'core.v1.ResourceQuotaSpec': { hard: { map: true }, scopeSelector: { atomic: true } },
  'core.v1.ResourceQuotaStatus': { hard: { map: true }, used: { map: true } },
  'core.v1.ResourceRequirements': {
    limits: { map: true },
    requests: { map: true },
    claims: { list: ['name'] },
  },
  'core.v1.ScaleIOVolumeSource': { secretRef: { atomic: true } },
  'core.v1.Secret': {
    metadata: { of: 'meta.v1.ObjectMeta' },
    data: { map: true },
    stringData: { map: true },
  },
  'core.v1.Service': {
    metadata: { of: 'meta.v1.ObjectMeta' },
    spec: { of: 'core.v1.ServiceSpec' },
    status: { of: 'core.v1.ServiceStatus' },
  },
  'core.v1.ServiceAccount': {
    metadata: { of: 'meta.v1.ObjectMeta' },
    secrets: { list: ['name'], atomic: true },
    imagePullSecrets: { atomic: true },
  },
  'core.v1.ServiceSpec': {
    ports: { list: ['port', 'protocol'], keyDefaults: { protocol: 'TCP' } },
    selector: { map: true, atomic: true },
  },
  'core.v1.ServiceStatus': { conditions: { list: ['type'] } },
  'core.v1.StorageOSVolumeSource': { secretRef: { atomic: true } },
  'core.v1.TopologySpreadConstraint': { labelSelector: { atomic: true } },
  'core.v1.Volume': {
    iscsi: { of: 'core.v1.ISCSIVolumeSource' },
    rbd: { of: 'core.v1.RBDVolumeSource' },
    flexVolume: { of: 'core.v1.FlexVolumeSource' },
    cinder: { of: 'core.v1.CinderVolumeSource' },
    cephfs: { of: 'core.v1.CephFSVolumeSource' },
    scaleIO: { of: 'core.v1.ScaleIOVolumeSource' },
    storageos: { of: 'core.v1.StorageOSVolumeSource' },
    csi: { of: 'core.v1.CSIVolumeSource' },
    ephemeral: { of: 'core.v1.EphemeralVolumeSource' },
  },
  'core.v1.VolumeResourceRequirements': { limits: { map: true }, requests: { map: true } },
  'events.v1.Event': {
    metadata: { of: 'meta.v1.ObjectMeta' },
    regarding: { atomic: true },
    related: { atomic: true },
  },
  'meta.v1.ObjectMeta': {
    labels: { map: true },
    annotations: { map: true },
    ownerReferences: { list: ['uid'], atomic: true },
    finalizers: { list: 'set' },
  },
  'networking.v1.Ingress': {
    metadata: { of: 'meta.v1.ObjectMeta' },
    spec: { of: 'networking.v1.IngressSpec' },
  },
  'networking.v1.IngressBackend': {
    service: { of: 'networking.v1.IngressServiceBackend' },
    resource: { atomic: true },
  },
  'networking.v1.IngressServiceBackend': { port: { atomic: true } },
  'networking.v1.IngressSpec': { defaultBackend: { of: 'networking.v1.IngressBackend' } },
  'networking.v1.NetworkPolicy': {
    metadata: { of: 'meta.v1.ObjectMeta' },
    spec: { of: 'networking.v1.NetworkPolicySpec' },
  },
  'networking.v1.NetworkPolicySpec': { podSelector: { atomic: true } },
  'rbac.v1.AggregationRule': { clusterRoleSelectors: { atomic: true } },
  'rbac.v1.ClusterRole': {
    metadata: { of: 'meta.v1.ObjectMeta' },
    aggregationRule: { of: 'rbac.v1.AggregationRule' },
  },
  'rbac.v1.ClusterRoleBinding': {
    metadata: { of: 'meta.v1.ObjectMeta' },
    subjects: { atomic: true },
    roleRef: { atomic: true },
  },
  'rbac.v1.Role': { metadata: { of: 'meta.v1.ObjectMeta' } },
  'rbac.v1.RoleBinding': {
    metadata: { of: 'meta.v1.ObjectMeta' },
    subjects: { atomic: true },
    roleRef: { atomic: true },
  },
};

/** The message of each served built-in kind, keyed `group/Kind`. */
export const builtinKindMessages: Readonly<Record<string, string>> = {
  '/Namespace': 'core.v1.Namespace',
  '/Node': 'core.v1.Node',
  '/Pod': 'core.v1.Pod',
  '/Service': 'core.v1.Service',
  '/Endpoints': 'core.v1.Endpoints',
  '/ConfigMap': 'core.v1.ConfigMap',
  '/Secret': 'core.v1.Secret',
  '/ServiceAccount': 'core.v1.ServiceAccount',
  '/Event': 'core.v1.Event',
  '/ResourceQuota': 'core.v1.ResourceQuota',
  '/PersistentVolumeClaim': 'core.v1.PersistentVolumeClaim',
  'events.k8s.io/Event': 'events.v1.Event',
  'batch/Job': 'batch.v1.Job',
  'apps/Deployment': 'apps.v1.Deployment',
  'apps/StatefulSet': 'apps.v1.StatefulSet',
  'apps/ReplicaSet': 'apps.v1.ReplicaSet',
  'networking.k8s.io/Ingress': 'networking.v1.Ingress',
  'networking.k8s.io/NetworkPolicy': 'networking.v1.NetworkPolicy',
  'coordination.k8s.io/Lease': 'coordination.v1.Lease',
  'rbac.authorization.k8s.io/Role': 'rbac.v1.Role',
  'rbac.authorization.k8s.io/RoleBinding': 'rbac.v1.RoleBinding',
  'rbac.authorization.k8s.io/ClusterRole': 'rbac.v1.ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding': 'rbac.v1.ClusterRoleBinding',
};
