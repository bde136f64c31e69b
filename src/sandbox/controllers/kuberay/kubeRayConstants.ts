/**
 * Names, labels, ports and defaults of the KubeRay operator (kuberay-api.md §2, KubeRay
 * `utils/constant.go` at commit feeaf72), shared by the simulated controllers.
 */
export const kubeRayConstants = {
  /** `ray.io/v1` */
  apiVersion: 'ray.io/v1',
  /** KubeRay's `KUBERAY_VERSION` on master: `nightly`. */
  version: 'nightly',
  labels: {
    cluster: 'ray.io/cluster',
    nodeType: 'ray.io/node-type',
    group: 'ray.io/group',
    identifier: 'ray.io/identifier',
    isRayNode: 'ray.io/is-ray-node',
    serve: 'ray.io/serve',
    originatedFromCrName: 'ray.io/originated-from-cr-name',
    originatedFromCrd: 'ray.io/originated-from-crd',
    jobSubmissionMode: 'ray.io/job-submission-mode',
    cronJobName: 'ray.io/cronjob-name',
    replicaIndex: 'ray.io/worker-group-replica-index',
    replicaName: 'ray.io/worker-group-replica-name',
    hostIndex: 'ray.io/replica-host-index',
    headlessWorkerService: 'ray.io/headless-worker-svc',
    appName: 'app.kubernetes.io/name',
    createdBy: 'app.kubernetes.io/created-by',
  },
  annotations: {
    overwriteContainerCmd: 'ray.io/overwrite-container-cmd',
    enableServeService: 'ray.io/enable-serve-service',
    ftEnabled: 'ray.io/ft-enabled',
    externalStorageNamespace: 'ray.io/external-storage-namespace',
    hashWithoutReplicas: 'ray.io/hash-without-replicas-and-workers-to-delete',
    numWorkerGroups: 'ray.io/num-worker-groups',
    kubeRayVersion: 'ray.io/kuberay-version',
    upgradeRecreateHash: 'ray.io/upgrade-strategy-recreate-hash',
    cronJobScheduledTimestamp: 'ray.io/cronjob-scheduled-timestamp',
    disableProvisionedHeadRestart: 'ray.io/disable-provisioned-head-restart',
    initializingTimeout: 'ray.io/initializing-timeout',
    ingressClass: 'kubernetes.io/ingress.class',
  },
  finalizers: {
    rayJob: 'ray.io/rayjob-finalizer',
    rayService: 'ray.io/rayservice-finalizer',
  },
  /** Value of `app.kubernetes.io/name`. */
  applicationName: 'kuberay',
  /** Value of `app.kubernetes.io/created-by`. */
  componentName: 'kuberay-operator',
  /** `managedBy` value the operator reconciles (empty also means KubeRay). */
  managedByKubeRay: 'ray.io/kuberay-operator',
  headGroupName: 'headgroup',
  ports: {
    client: 10001,
    gcsServer: 6379,
    dashboard: 8265,
    metrics: 8080,
    serve: 8000,
    dashboardAgent: 52365,
  },
  portNames: {
    client: 'client',
    gcsServer: 'gcs-server',
    dashboard: 'dashboard',
    metrics: 'metrics',
    serve: 'serve',
  },
  /** `appProtocol` of head Service ports. */
  serviceAppProtocol: 'tcp',
  clusterDomain: 'cluster.local',
  submitterContainerName: 'ray-job-submitter',
  autoscalerContainerName: 'autoscaler',
  /** Name limits of kuberay-api.md §1.1 (DNS-1035 labels). */
  maxNameLength: { RayCluster: 53, RayJob: 47, RayService: 47, RayCronJob: 36 },
} as const;

/** Which CRD created a RayCluster (`ray.io/originated-from-crd`). */
export type CreatorKind = 'RayCluster' | 'RayJob' | 'RayService';

/** KubeRay's reconcile timings, in simulated milliseconds. */
export const kubeRayTimings = {
  /** RayCluster `DefaultRequeueDuration`: after errors and status changes. */
  rayClusterRequeueMs: 2_000,
  /** RayJob `RayJobDefaultRequeueDuration`: the RayJob controller polls every 3 s. */
  rayJobRequeueMs: 3_000,
  /** RayService `ServiceDefaultRequeueDuration`. */
  rayServiceRequeueMs: 2_000,
  /** `DefaultSubmitterFinishedTimeout`: submitter done but Ray job not terminal. */
  submitterFinishedTimeoutMs: 30_000,
  /** `RAYJOB_DEPLOYMENT_STATUS_TRANSITION_GRACE_PERIOD_SECONDS` default. */
  deploymentTransitionGraceMs: 300_000,
  /** `RAYJOB_STATUS_CHECK_TIMEOUT_SECONDS` default. */
  jobStatusCheckTimeoutMs: 300_000,
  /** `RayClusterDeletionDelayDuration`: RayService's default `rayClusterDeletionDelaySeconds`. */
  rayServiceClusterDeletionDelayMs: 60_000,
  /** The Ray autoscaler's update interval (`AUTOSCALER_UPDATE_INTERVAL_S`). */
  autoscalerIntervalMs: 5_000,
  /** Default `autoscalerOptions.idleTimeoutSeconds`. */
  autoscalerIdleTimeoutMs: 60_000,
} as const;
