import { parse as parseYaml } from 'yaml';

import { jsonEqual, randomNameSuffix } from '../../apiserver/objectMetaHelpers.ts';
import type { KubeObject } from '../../apiserver/resourceType.ts';
import { StatusError } from '../../apiserver/statusError.ts';
import { type ReconcileResult, WorkQueue } from '../WorkQueue.ts';
import { buildOwnerHeadService, buildServeService, servicePortsOf } from './buildHeadService.ts';
import { isRunningAndReady } from './computeRayClusterStatus.ts';
import { controllerReference } from './controllerReference.ts';
import { hashClusterSpec } from './hashClusterSpec.ts';
import { kubeRayConstants, kubeRayTimings } from './kubeRayConstants.ts';
import { namespacedKey, splitKey } from './KubeRayIndex.ts';
import { errorMessage, type KubeRayRuntime } from './KubeRayRuntime.ts';
import type { Condition, Pod, RayCluster, Service } from './RayCluster.ts';
import type { AppStatus, RayService, RayServiceStatus, ServeClusterStatus } from './RayService.ts';
import {
  findCondition,
  isConditionTrue,
  removeStatusCondition,
  setStatusCondition,
} from './setStatusCondition.ts';
import { validateRayClusterSpec, validateRayName } from './validateRayClusterSpec.ts';
import { withZeroValueSpec } from './withZeroValueSpec.ts';

const controllerName = 'rayservice-controller';
const { labels: labelKeys, annotations: annotationKeys, finalizers } = kubeRayConstants;

/** Parses `ray.io/initializing-timeout` (`30m`, `1h`, `90s` or integer seconds) to ms. */
export function parseInitializingTimeout(value: string | undefined): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) > 0 ? Number(value) * 1000 : undefined;
  const units: Record<string, number> = {
    h: 3_600_000,
    m: 60_000,
    s: 1000,
    ms: 1,
    us: 0.001,
    µs: 0.001,
    ns: 0.000001,
  };
  const pattern = /(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g;
  let total = 0;
  let consumed = 0;
  for (const match of value.matchAll(pattern)) {
    total += Number(match[1]) * (units[match[2] as string] ?? 0);
    consumed += match[0].length;
  }
  return consumed === value.length && total > 0 ? total : undefined;
}

/** The spec the cluster hash covers: `rayClusterConfig` without `suspend`. */
function specForHashing(rayService: RayService): RayCluster['spec'] {
  const spec = structuredClone(rayService.spec.rayClusterConfig);
  delete spec.suspend;
  return spec;
}

/**
 * The simulated KubeRay RayService controller (kuberay-api.md §1.5, §2.7; `rayservice_controller.go`):
 * a RayCluster `<s>-<5 random>` per generation of `rayClusterConfig`, the Serve config deployed to
 * its Ray head, `<s>-head-svc` and `<s>-serve-svc` switched to the pending cluster once its Serve
 * applications run (zero-downtime upgrade), the old cluster deleted after
 * `rayClusterDeletionDelaySeconds` (default 60), and the conditions `Ready` and
 * `UpgradeInProgress`. The incremental upgrade (Gateway API) behaves as `NewCluster`.
 */
export class RayServiceController {
  readonly queue: WorkQueue;
  private readonly runtime: KubeRayRuntime;
  /** `ns/service` → cluster name → the serveConfigV2 last deployed to it. */
  private readonly serveConfigs = new Map<string, Map<string, string>>();
  /** `ns/cluster` → when a dangling cluster may be deleted (epoch ms). */
  private readonly deletionDue = new Map<string, number>();

  constructor(runtime: KubeRayRuntime) {
    this.runtime = runtime;
    this.queue = new WorkQueue({
      name: controllerName,
      clock: runtime.context.clock,
      reconcile: (key) => this.reconcile(key),
      onError: (key, error) =>
        process.emitWarning(`${controllerName} ${key}: ${errorMessage(error)}`),
    });
  }

  private event(
    rayService: RayService,
    type: 'Normal' | 'Warning',
    reason: string,
    note: string,
    action: string,
  ): void {
    this.runtime.event(controllerName, rayService, type, reason, note, action);
  }

  /** Reconciles the RayService `namespace/name`. */
  reconcile(key: string): ReconcileResult {
    const { namespace, name } = splitKey(key);
    const runtime = this.runtime;
    const requeue = { requeueAfterMs: kubeRayTimings.rayServiceRequeueMs };
    let rayService = runtime.find<RayService>('rayServices', namespace, name);
    if (!rayService) {
      runtime.heads.unalias(namespace, `${name}-head-svc`);
      runtime.heads.unalias(namespace, `${name}-serve-svc`);
      runtime.heads.unalias(namespace, `${name}-serve-svc`);
      this.serveConfigs.delete(key);
      return;
    }
    rayService = withZeroValueSpec(rayService);
    const managedBy = rayService.spec.managedBy;
    if (managedBy && managedBy !== kubeRayConstants.managedByKubeRay) return;

    const original = rayService.status ?? {};
    const status: RayServiceStatus = structuredClone(original);
    this.pruneServeConfigs(key, status);
    const toClean = this.cleanUpClusters(rayService, status);
    if (rayService.metadata.deletionTimestamp) {
      if (toClean) return requeue;
      runtime.update('rayServices', {
        ...rayService,
        metadata: {
          ...rayService.metadata,
          finalizers: (rayService.metadata.finalizers ?? []).filter(
            (finalizer) => finalizer !== finalizers.rayService,
          ),
        },
      });
      return;
    }
    if (!(rayService.metadata.finalizers ?? []).includes(finalizers.rayService)) {
      runtime.update('rayServices', {
        ...rayService,
        metadata: {
          ...rayService.metadata,
          finalizers: [...(rayService.metadata.finalizers ?? []), finalizers.rayService],
        },
      });
      return requeue;
    }
    const invalid = this.validate(rayService);
    if (invalid) {
      this.event(
        rayService,
        'Warning',
        invalid.reason,
        `${namespace}/${name}: ${invalid.message}`,
        'Validate',
      );
      status.conditions = this.setCondition(
        status,
        'Ready',
        'False',
        'ValidationFailed',
        invalid.message,
      );
      status.lastUpdateTime = runtime.now();
      this.writeStatus(rayService, status);
      return;
    }

    const suspendResult = this.handleSuspend(rayService, status);
    if (inconsistentStatuses(original, status)) {
      status.lastUpdateTime = runtime.now();
      this.writeStatus(rayService, status);
    }
    if (suspendResult !== 'continue') return suspendResult === 'requeue' ? requeue : undefined;
    if (findCondition(status.conditions, 'Ready')?.reason === 'InitializingTimeout')
      return toClean ? requeue : undefined;

    const { active, pending } = this.reconcileClusters(rayService, status);
    for (const cluster of [active, pending]) {
      if (cluster) this.updateHeadPodServeLabel(rayService, cluster);
    }
    let activeReady = false;
    let pendingReady = false;
    let activeApps: Record<string, AppStatus> | undefined;
    let pendingApps: Record<string, AppStatus> | undefined;
    if (pending) [pendingReady, pendingApps] = this.reconcileServe(rayService, pending);
    if (
      active &&
      !pending &&
      !this.shouldPrepareNewCluster(rayService, status, active, undefined, false)
    ) {
      [activeReady, activeApps] = this.reconcileServe(rayService, active);
    }
    let services: { head: Service; serve: Service } | undefined;
    if (pendingReady || activeReady) {
      const target = (pendingReady ? pending : active) as RayCluster;
      services = this.reconcileServices(rayService, target);
      if (!services) return requeue;
    }
    this.calculateStatus(rayService, status, {
      active,
      pending,
      activeApps,
      pendingApps,
      services,
    });
    if (inconsistentStatuses(original, status)) {
      status.lastUpdateTime = runtime.now();
      this.writeStatus(rayService, status);
    }
    return requeue;
  }

  private validate(rayService: RayService): { reason: string; message: string } | undefined {
    const name = rayService.metadata.name ?? '';
    const invalidName = validateRayName('RayService', name);
    if (invalidName) return { reason: 'InvalidRayServiceMetadata', message: invalidName };
    const timeout = rayService.metadata.annotations?.[annotationKeys.initializingTimeout];
    if (timeout && parseInitializingTimeout(timeout) === undefined) {
      return {
        reason: 'InvalidRayServiceMetadata',
        message: `The RayService metadata is invalid: RayService annotations is invalid: annotation ${annotationKeys.initializingTimeout} has invalid format: ${timeout}. Expected Go duration format (e.g., '5m', '1h') or positive integer seconds`,
      };
    }
    const spec = rayService.spec;
    const invalid = (message: string): { reason: string; message: string } => ({
      reason: 'InvalidRayServiceSpec',
      message,
    });
    // A removed spec is Go's zero value: its empty cluster config fails ValidateRayClusterSpec.
    if (typeof spec.rayClusterConfig !== 'object') {
      return invalid(
        'The RayService spec is invalid: headGroupSpec should have at least one container',
      );
    }
    if (spec.rayClusterConfig.authOptions?.enableK8sTokenAuth) {
      return invalid(
        'The RayService spec is invalid: K8s token auth mode is currently not supported for RayService',
      );
    }
    const clusterProblem = validateRayClusterSpec(
      spec.rayClusterConfig,
      rayService.metadata.annotations,
      this.runtime.gates,
    );
    if (clusterProblem) return invalid(`The RayService spec is invalid: ${clusterProblem}`);
    if (spec.rayClusterConfig.headGroupSpec.headService?.metadata?.name) {
      return invalid(
        'The RayService spec is invalid: spec.rayClusterConfig.headGroupSpec.headService.metadata.name should not be set',
      );
    }
    const type = spec.upgradeStrategy?.type;
    if (
      type !== undefined &&
      type !== 'None' &&
      type !== 'NewCluster' &&
      type !== 'NewClusterWithIncrementalUpgrade'
    ) {
      return invalid(
        `The RayService spec is invalid: Spec.UpgradeStrategy.Type value ${type} is invalid, valid options are NewClusterWithIncrementalUpgrade, NewCluster, or None`,
      );
    }
    if ((spec.rayClusterDeletionDelaySeconds ?? 0) < 0) {
      return invalid(
        `The RayService spec is invalid: Spec.RayClusterDeletionDelaySeconds should be a non-negative integer, got ${spec.rayClusterDeletionDelaySeconds}`,
      );
    }
    return undefined;
  }

  private setCondition(
    status: RayServiceStatus,
    type: string,
    conditionStatus: Condition['status'],
    reason: string,
    message: string,
  ): Condition[] {
    return setStatusCondition(
      status.conditions,
      {
        type,
        status: conditionStatus,
        reason,
        message,
        ...(status.observedGeneration ? { observedGeneration: status.observedGeneration } : {}),
      },
      this.runtime.now(),
    );
  }

  private writeStatus(rayService: RayService, status: RayServiceStatus): void {
    const current = this.runtime.find<RayService>(
      'rayServices',
      rayService.metadata.namespace,
      rayService.metadata.name ?? '',
    );
    if (!current) return;
    try {
      this.runtime.writeStatus('rayServices', current, status);
    } catch (error) {
      if (!(error instanceof StatusError)) throw error;
    }
  }

  private pruneServeConfigs(key: string, status: RayServiceStatus): void {
    const configs = this.serveConfigs.get(key);
    if (!configs) return;
    for (const clusterName of [...configs.keys()]) {
      if (
        clusterName !== status.activeServiceStatus?.rayClusterName &&
        clusterName !== status.pendingServiceStatus?.rayClusterName
      ) {
        configs.delete(clusterName);
      }
    }
  }

  /** KubeRay `cleanUpRayClusterInstance`: whether clusters remain to be cleaned up. */
  private cleanUpClusters(rayService: RayService, status: RayServiceStatus): boolean {
    const runtime = this.runtime;
    const namespace = rayService.metadata.namespace ?? 'default';
    const deleting = rayService.metadata.deletionTimestamp !== undefined;
    const delayMs = deleting
      ? 0
      : (rayService.spec.rayClusterDeletionDelaySeconds ??
          kubeRayTimings.rayServiceClusterDeletionDelayMs / 1000) * 1000;
    let toClean = false;
    for (const cluster of runtime.index.clustersOwnedBy(
      namespace,
      'RayService',
      rayService.metadata.name ?? '',
    )) {
      const clusterName = cluster.metadata?.name ?? '';
      if (
        !deleting &&
        (clusterName === status.activeServiceStatus?.rayClusterName ||
          clusterName === status.pendingServiceStatus?.rayClusterName)
      ) {
        continue;
      }
      toClean = true;
      const key = namespacedKey(namespace, clusterName);
      const due = this.deletionDue.get(key);
      if (due === undefined && !deleting) {
        this.deletionDue.set(key, runtime.nowMs() + delayMs);
        continue;
      }
      if (deleting || runtime.nowMs() >= (due ?? 0)) {
        if (cluster.metadata?.deletionTimestamp) continue;
        try {
          runtime.delete('rayClusters', namespace, clusterName, 'Background');
        } catch (error) {
          if (!(error instanceof StatusError)) throw error;
          this.event(
            rayService,
            'Warning',
            'FailedToDeleteRayCluster',
            `Failed to delete the RayCluster ${namespace}/${clusterName}: ${error.message}`,
            'Delete',
          );
          continue;
        }
        this.deletionDue.delete(key);
        this.event(
          rayService,
          'Normal',
          'DeletedRayCluster',
          `Deleted the RayCluster ${namespace}/${clusterName}`,
          'Delete',
        );
      }
    }
    return toClean;
  }

  /** KubeRay `handleSuspend`: `continue`, `requeue` or `stop`. */
  private handleSuspend(
    rayService: RayService,
    status: RayServiceStatus,
  ): 'continue' | 'requeue' | 'stop' {
    const suspending = isConditionTrue(status.conditions, 'Suspending');
    const suspended = isConditionTrue(status.conditions, 'Suspended');
    if (suspended) {
      if (rayService.spec.suspend) return 'stop';
      status.observedGeneration = rayService.metadata.generation ?? 1;
      status.conditions = this.setCondition(
        status,
        'Suspended',
        'False',
        'RayServiceResumed',
        'Spec.Suspend is false; RayService has resumed.',
      );
      status.conditions = removeStatusCondition(status.conditions, 'Ready');
      status.conditions = this.setCondition(
        status,
        'Ready',
        'False',
        'Initializing',
        'RayService is initializing after resuming from suspend.',
      );
      status.conditions = removeStatusCondition(status.conditions, 'UpgradeInProgress');
      status.conditions = this.setCondition(
        status,
        'UpgradeInProgress',
        'False',
        'Initializing',
        'RayService is initializing after resuming from suspend.',
      );
      return 'stop';
    }
    if (!suspending) {
      if (!rayService.spec.suspend) return 'continue';
      status.observedGeneration = rayService.metadata.generation ?? 1;
      status.conditions = this.setCondition(
        status,
        'Suspending',
        'True',
        'SuspendRequested',
        'Spec.Suspend is true; will delete all Kubernetes resources owned by this RayService.',
      );
      status.conditions = this.setCondition(
        status,
        'Ready',
        'False',
        'SuspendInProgress',
        'RayService is suspending.',
      );
      status.conditions = this.setCondition(
        status,
        'UpgradeInProgress',
        'False',
        'SuspendInProgress',
        'No upgrade in progress.',
      );
      status.conditions = this.setCondition(
        status,
        'RollbackInProgress',
        'False',
        'SuspendInProgress',
        'No rollback in progress.',
      );
      status.activeServiceStatus = {};
      status.pendingServiceStatus = {};
      status.numServeEndpoints = 0;
      status.serviceStatus = '';
      return 'requeue';
    }
    const runtime = this.runtime;
    const namespace = rayService.metadata.namespace ?? 'default';
    const name = rayService.metadata.name ?? '';
    let allDeleted = true;
    for (const cluster of runtime.index.clustersOwnedBy(namespace, 'RayService', name)) {
      allDeleted = false;
      if (cluster.metadata?.deletionTimestamp) continue;
      runtime.delete('rayClusters', namespace, cluster.metadata?.name ?? '', 'Background');
      this.event(
        rayService,
        'Normal',
        'DeletedRayCluster',
        `Deleted the RayCluster ${namespace}/${cluster.metadata?.name} during suspend`,
        'Delete',
      );
    }
    for (const serviceName of [`${name}-head-svc`, `${name}-serve-svc`]) {
      const service = runtime.find('services', namespace, serviceName);
      if (!service) continue;
      allDeleted = false;
      if (service.metadata?.deletionTimestamp) continue;
      runtime.delete('services', namespace, serviceName, 'Background');
      this.event(
        rayService,
        'Normal',
        'DeletedService',
        `Deleted the Service ${namespace}/${serviceName} during suspend`,
        'Delete',
      );
    }
    if (!allDeleted) {
      status.conditions = this.setCondition(
        status,
        'Suspending',
        'True',
        'SuspendInProgress',
        'Waiting for all Kubernetes resources owned by this RayService to be deleted.',
      );
      return 'requeue';
    }
    runtime.heads.unalias(namespace, `${name}-head-svc`);
    runtime.heads.unalias(namespace, `${name}-serve-svc`);
    status.conditions = this.setCondition(
      status,
      'Suspending',
      'False',
      'SuspendComplete',
      'All owned resources have been deleted.',
    );
    status.conditions = this.setCondition(
      status,
      'Suspended',
      'True',
      'SuspendComplete',
      'All owned resources have been deleted.',
    );
    status.conditions = this.setCondition(
      status,
      'Ready',
      'False',
      'SuspendComplete',
      'RayService is suspended.',
    );
    status.conditions = this.setCondition(
      status,
      'UpgradeInProgress',
      'False',
      'SuspendComplete',
      'No upgrade in progress.',
    );
    status.conditions = this.setCondition(
      status,
      'RollbackInProgress',
      'False',
      'SuspendComplete',
      'No rollback in progress.',
    );
    return 'requeue';
  }

  /** KubeRay `constructRayClusterForRayService`. */
  private constructCluster(rayService: RayService, clusterName: string): KubeObject {
    const spec = rayService.spec.rayClusterConfig;
    return {
      apiVersion: kubeRayConstants.apiVersion,
      kind: 'RayCluster',
      metadata: {
        name: clusterName,
        namespace: rayService.metadata.namespace,
        labels: {
          ...(rayService.metadata.labels ?? {}),
          [labelKeys.originatedFromCrName]: rayService.metadata.name ?? '',
          [labelKeys.originatedFromCrd]: 'RayService',
        },
        annotations: {
          ...(rayService.metadata.annotations ?? {}),
          [annotationKeys.hashWithoutReplicas]: hashClusterSpec(specForHashing(rayService)),
          [annotationKeys.numWorkerGroups]: String((spec.workerGroupSpecs ?? []).length),
          [annotationKeys.kubeRayVersion]: kubeRayConstants.version,
        },
        ownerReferences: [controllerReference(rayService)],
      },
      spec: structuredClone(spec),
    };
  }

  /** KubeRay `isClusterSpecHashEqual` (partial: only the cluster's first worker groups compared). */
  private hashEqual(rayService: RayService, cluster: RayCluster, partial: boolean): boolean {
    const clusterHash = cluster.metadata.annotations?.[annotationKeys.hashWithoutReplicas];
    const goal = specForHashing(rayService);
    if (!partial) return clusterHash === hashClusterSpec(goal);
    const count = Number(cluster.metadata.annotations?.[annotationKeys.numWorkerGroups]);
    if (!Number.isInteger(count)) return true;
    const groups = goal.workerGroupSpecs ?? [];
    if (groups.length < count) return clusterHash === '';
    return clusterHash === hashClusterSpec({ ...goal, workerGroupSpecs: groups.slice(0, count) });
  }

  private shouldUpdateCluster(
    rayService: RayService,
    status: RayServiceStatus,
    cluster: RayCluster | undefined,
    isActive: boolean,
  ): boolean {
    if (!cluster) return false;
    if (isActive) {
      if (isConditionTrue(status.conditions, 'UpgradeInProgress')) return false;
      if (
        cluster.metadata.annotations?.[annotationKeys.kubeRayVersion] !== kubeRayConstants.version
      )
        return true;
    }
    if (this.hashEqual(rayService, cluster, false)) return false;
    return this.hashEqual(rayService, cluster, true);
  }

  /** KubeRay `shouldPrepareNewCluster`. */
  private shouldPrepareNewCluster(
    rayService: RayService,
    status: RayServiceStatus,
    active: RayCluster | undefined,
    pending: RayCluster | undefined,
    pendingServing: boolean,
  ): boolean {
    if (pendingServing) return false;
    if (isConditionTrue(status.conditions, 'RollbackInProgress')) return false;
    if (!active && !pending) return true;
    const cluster = (pending ?? active) as RayCluster;
    if (this.hashEqual(rayService, cluster, false) || this.hashEqual(rayService, cluster, true))
      return false;
    const type = rayService.spec.upgradeStrategy?.type;
    if (type !== undefined)
      return type === 'NewCluster' || type === 'NewClusterWithIncrementalUpgrade';
    return process.env['ENABLE_ZERO_DOWNTIME']?.toLowerCase() !== 'false';
  }

  /** KubeRay `reconcileRayCluster`: active and pending clusters, created or updated in place. */
  private reconcileClusters(
    rayService: RayService,
    status: RayServiceStatus,
  ): { active?: RayCluster; pending?: RayCluster } {
    const runtime = this.runtime;
    const namespace = rayService.metadata.namespace ?? 'default';
    const activeName = status.activeServiceStatus?.rayClusterName;
    const pendingName = status.pendingServiceStatus?.rayClusterName;
    const active = activeName
      ? runtime.find<RayCluster>('rayClusters', namespace, activeName)
      : undefined;
    let pending = pendingName
      ? runtime.find<RayCluster>('rayClusters', namespace, pendingName)
      : undefined;
    if (pendingName && !pending) {
      try {
        pending = runtime.create<RayCluster>(
          'rayClusters',
          this.constructCluster(rayService, pendingName),
        );
        this.event(
          rayService,
          'Normal',
          'CreatedRayCluster',
          `Created the RayCluster ${namespace}/${pendingName}`,
          'Create',
        );
      } catch (error) {
        if (!(error instanceof StatusError)) throw error;
        this.event(
          rayService,
          'Warning',
          'FailedToCreateRayCluster',
          `Failed to create the RayCluster ${namespace}/${pendingName}: ${error.message}`,
          'Create',
        );
      }
      return { ...(active ? { active } : {}), ...(pending ? { pending } : {}) };
    }
    const result: { active?: RayCluster; pending?: RayCluster } = {};
    for (const [cluster, isActive] of [
      [active, true],
      [pending, false],
    ] as const) {
      if (!cluster) continue;
      let current = cluster;
      if (this.shouldUpdateCluster(rayService, status, cluster, isActive)) {
        const goal = this.constructCluster(rayService, cluster.metadata.name ?? '') as RayCluster;
        try {
          current = runtime.update('rayClusters', {
            ...cluster,
            metadata: {
              ...cluster.metadata,
              labels: goal.metadata.labels,
              annotations: goal.metadata.annotations,
            },
            spec: {
              ...goal.spec,
              ...(cluster.spec.suspend !== undefined ? { suspend: cluster.spec.suspend } : {}),
            },
          });
          this.event(
            rayService,
            'Normal',
            'UpdatedRayCluster',
            `Updated the ${isActive ? 'active' : 'pending'} RayCluster ${namespace}/${cluster.metadata.name}`,
            'Update',
          );
        } catch (error) {
          if (!(error instanceof StatusError)) throw error;
        }
      }
      if (isActive) result.active = current;
      else result.pending = current;
    }
    return result;
  }

  /** KubeRay `updateHeadPodServeLabel`: `ray.io/serve` on the head pod follows its Serve proxy's health. */
  private updateHeadPodServeLabel(rayService: RayService, cluster: RayCluster): void {
    const runtime = this.runtime;
    const namespace = cluster.metadata.namespace ?? 'default';
    const headPod = runtime.index
      .podsOfCluster(namespace, cluster.metadata.name ?? '')
      .find(
        (pod) =>
          pod.metadata.labels?.[labelKeys.nodeType] === 'head' && !pod.metadata.deletionTimestamp,
      );
    if (!headPod) return;
    const head = runtime.heads.get(namespacedKey(namespace, cluster.metadata.name));
    const healthy =
      !rayService.spec.excludeHeadPodFromServeSvc &&
      head !== undefined &&
      isRunningAndReady(headPod) &&
      Object.keys(head.serveApplications()).length > 0;
    const label = String(healthy);
    if (headPod.metadata.labels?.[labelKeys.serve] === label) return;
    try {
      runtime.update<Pod>('pods', {
        ...headPod,
        metadata: {
          ...headPod.metadata,
          labels: { ...(headPod.metadata.labels ?? {}), [labelKeys.serve]: label },
        },
      });
    } catch (error) {
      if (!(error instanceof StatusError)) throw error;
      this.event(
        rayService,
        'Warning',
        'FailedToUpdateHeadPodServeLabel',
        `Failed to update the serve label to "${label}" for the Head Pod ${namespace}/${headPod.metadata.name}: ${error.message}`,
        'Update',
      );
      return;
    }
    this.event(
      rayService,
      'Normal',
      'UpdatedHeadPodServeLabel',
      `Updated the serve label to "${label}" for the Head Pod ${namespace}/${headPod.metadata.name}`,
      'Update',
    );
  }

  /** KubeRay `reconcileServe`: deploys the Serve config when needed; returns readiness and app statuses. */
  private reconcileServe(
    rayService: RayService,
    cluster: RayCluster,
  ): [boolean, Record<string, AppStatus> | undefined] {
    if (!isConditionTrue(cluster.status?.conditions, 'HeadPodReady')) return [false, undefined];
    const runtime = this.runtime;
    const namespace = cluster.metadata.namespace ?? 'default';
    const clusterName = cluster.metadata.name ?? '';
    const head = runtime.heads.get(namespacedKey(namespace, clusterName));
    if (!head) return [false, undefined];
    const serviceKey = namespacedKey(namespace, rayService.metadata.name);
    const cached = this.serveConfigs.get(serviceKey)?.get(clusterName) ?? '';
    const applications: Record<string, AppStatus> = {};
    let ready = true;
    for (const [appName, app] of Object.entries(head.serveApplications())) {
      if (app.status !== 'RUNNING') ready = false;
      applications[appName || 'default'] = {
        status: app.status,
        ...(app.message ? { message: app.message } : {}),
        serveDeploymentStatuses: Object.fromEntries(
          Object.entries(app.deployments).map(([deployment, state]) => [
            deployment,
            { status: state.status, ...(state.message ? { message: state.message } : {}) },
          ]),
        ),
      };
    }
    if (Object.keys(applications).length === 0) ready = false;
    const config = rayService.spec.serveConfigV2 ?? '';
    const needsDeploy =
      cached === '' || Object.keys(applications).length === 0 || cached !== config;
    if (needsDeploy) {
      try {
        const parsed = (parseYaml(config) ?? {}) as Record<string, unknown>;
        head.deployServeConfig(parsed);
      } catch (error) {
        this.event(
          rayService,
          'Warning',
          'FailedToUpdateServeApplications',
          `Failed to update serve applications to the RayCluster ${namespace}/${clusterName}: fail to create / update Serve applications. If you observe this error consistently, please check "Issue 5: Fail to create / update Serve applications." in https://docs.ray.io/en/master/cluster/kubernetes/troubleshooting/rayservice-troubleshooting.html#kuberay-raysvc-troubleshoot for more details. err: ${errorMessage(error)}`,
          'Update',
        );
        return [false, applications];
      }
      if (config !== '') {
        const configs = this.serveConfigs.get(serviceKey) ?? new Map<string, string>();
        configs.set(clusterName, config);
        this.serveConfigs.set(serviceKey, configs);
      }
      this.event(
        rayService,
        'Normal',
        'UpdatedServeApplications',
        `Updated serve applications to the RayCluster ${namespace}/${clusterName}`,
        'Update',
      );
    }
    return [ready, applications];
  }

  /** KubeRay `reconcileServicesToReadyCluster`: head and serve Services pointing to `cluster`. */
  private reconcileServices(
    rayService: RayService,
    cluster: RayCluster,
  ): { head: Service; serve: Service } | undefined {
    const head = this.reconcileService(
      rayService,
      cluster,
      buildOwnerHeadService(rayService, cluster),
    );
    if (!head) return undefined;
    const serveObject = buildServeService(cluster, rayService);
    if (typeof serveObject === 'string') return undefined;
    const serve = this.reconcileService(rayService, cluster, serveObject);
    if (!serve) return undefined;
    const namespace = rayService.metadata.namespace ?? 'default';
    this.runtime.heads.alias(
      namespace,
      head.metadata.name ?? '',
      namespacedKey(namespace, cluster.metadata.name),
      servicePortsOf(cluster).get('dashboard') ?? kubeRayConstants.ports.dashboard,
    );
    // The serve Service's proxy follows the cluster its selector points to.
    this.runtime.heads.aliasServe(
      namespace,
      serve.metadata.name ?? '',
      namespacedKey(namespace, cluster.metadata.name),
    );
    return { head, serve };
  }

  private reconcileService(
    rayService: RayService,
    cluster: RayCluster,
    desired: KubeObject,
  ): Service | undefined {
    const runtime = this.runtime;
    const namespace = rayService.metadata.namespace ?? 'default';
    const serviceName = desired.metadata?.name ?? '';
    const existing = runtime.find<Service>('services', namespace, serviceName);
    try {
      if (!existing) {
        const created = runtime.create<Service>('services', {
          ...desired,
          metadata: { ...desired.metadata, ownerReferences: [controllerReference(rayService)] },
        });
        this.event(
          rayService,
          'Normal',
          'CreatedService',
          `Created the service ${namespace}/${serviceName}`,
          'Create',
        );
        return created;
      }
      if (existing.spec.selector?.[labelKeys.cluster] === cluster.metadata.name) return existing;
      const updated = runtime.update<Service>('services', {
        ...existing,
        spec: { ...(desired['spec'] as Service['spec']), clusterIP: existing.spec.clusterIP },
      });
      this.event(
        rayService,
        'Normal',
        'UpdatedService',
        `Updated the service ${namespace}/${serviceName}`,
        'Update',
      );
      return updated;
    } catch (error) {
      if (!(error instanceof StatusError)) throw error;
      const creating = !existing;
      this.event(
        rayService,
        'Warning',
        creating ? 'FailedToCreateService' : 'FailedToUpdateService',
        `Failed to ${creating ? 'create' : 'update'} the service ${namespace}/${serviceName}, ${error.message}`,
        creating ? 'Create' : 'Update',
      );
      return undefined;
    }
  }

  /** Ready serve endpoints: addresses of `<s>-serve-svc`'s Endpoints (else its ready pods). */
  private numServeEndpoints(
    rayService: RayService,
    services: { serve: Service } | undefined,
  ): number {
    const runtime = this.runtime;
    const namespace = rayService.metadata.namespace ?? 'default';
    const serviceName = services?.serve.metadata.name ?? `${rayService.metadata.name}-serve-svc`;
    const endpoints = runtime.find('endpoints', namespace, serviceName);
    if (endpoints) {
      const names = new Set<string>();
      for (const subset of (endpoints['subsets'] as
        { addresses?: { ip?: string; targetRef?: { name?: string } }[] }[] | undefined) ?? []) {
        for (const address of subset.addresses ?? [])
          names.add(address.targetRef?.name ?? address.ip ?? '');
      }
      return names.size;
    }
    const service = services?.serve ?? runtime.find<Service>('services', namespace, serviceName);
    const clusterName = service?.spec.selector?.[labelKeys.cluster];
    if (!service || !clusterName) return 0;
    const selector = service.spec.selector ?? {};
    return runtime.index
      .podsOfCluster(namespace, clusterName)
      .filter((pod) =>
        Object.entries(selector).every(([key, value]) => pod.metadata.labels?.[key] === value),
      )
      .filter((pod) => isRunningAndReady(pod) && !pod.metadata.deletionTimestamp).length;
  }

  /** KubeRay `calculateStatus` and `calculateConditions` of the RayService. */
  private calculateStatus(
    rayService: RayService,
    status: RayServiceStatus,
    input: {
      active: RayCluster | undefined;
      pending: RayCluster | undefined;
      activeApps: Record<string, AppStatus> | undefined;
      pendingApps: Record<string, AppStatus> | undefined;
      services: { head: Service; serve: Service } | undefined;
    },
  ): void {
    status.observedGeneration = rayService.metadata.generation ?? 1;
    const active: ServeClusterStatus = { ...(status.activeServiceStatus ?? {}) };
    const pending: ServeClusterStatus = { ...(status.pendingServiceStatus ?? {}) };
    active.rayClusterStatus = input.active?.status ?? {};
    pending.rayClusterStatus = input.pending?.status ?? {};
    if (input.activeApps) active.applicationStatuses = input.activeApps;
    else delete active.applicationStatuses;
    if (input.pendingApps) pending.applicationStatuses = input.pendingApps;
    else delete pending.applicationStatuses;
    status.activeServiceStatus = active;
    status.pendingServiceStatus = pending;
    let pendingServing = false;
    if (input.services) {
      const pointsTo = input.services.serve.spec.selector?.[labelKeys.cluster];
      const pendingName = pending.rayClusterName;
      if (active.rayClusterName !== pointsTo) {
        status.activeServiceStatus = pending;
        status.pendingServiceStatus = {};
      }
      pendingServing = pointsTo === pendingName;
    }
    const activeCluster =
      status.activeServiceStatus?.rayClusterName === input.pending?.metadata.name
        ? input.pending
        : input.active;
    const pendingCluster = status.pendingServiceStatus?.rayClusterName ? input.pending : undefined;
    if (
      this.shouldPrepareNewCluster(
        rayService,
        status,
        activeCluster,
        pendingCluster,
        pendingServing,
      )
    ) {
      status.pendingServiceStatus = {
        rayClusterName: `${rayService.metadata.name}-${randomNameSuffix()}`,
      };
    }
    status.numServeEndpoints = this.numServeEndpoints(rayService, input.services);

    if (!status.conditions || status.conditions.length === 0) {
      status.conditions = this.setCondition(
        status,
        'Ready',
        'False',
        'Initializing',
        'RayService is initializing',
      );
      status.conditions = this.setCondition(
        status,
        'UpgradeInProgress',
        'False',
        'Initializing',
        'RayService is initializing',
      );
    }
    if ((status.numServeEndpoints ?? 0) > 0) {
      status.conditions = this.setCondition(
        status,
        'Ready',
        'True',
        'NonZeroServeEndpoints',
        'Number of serve endpoints is greater than 0',
      );
    } else if (isConditionTrue(status.conditions, 'Ready')) {
      status.conditions = this.setCondition(
        status,
        'Ready',
        'False',
        'ZeroServeEndpoints',
        'Number of serve endpoints dropped to 0',
      );
    } else {
      this.markInitializingTimeout(rayService, status);
    }
    const activeName = status.activeServiceStatus?.rayClusterName ?? '';
    const pendingName = status.pendingServiceStatus?.rayClusterName ?? '';
    if (activeName && pendingName) {
      status.conditions = this.setCondition(
        status,
        'UpgradeInProgress',
        'True',
        'BothActivePendingClustersExist',
        'Both active and pending Ray clusters exist',
      );
    } else if (activeName) {
      status.conditions = this.setCondition(
        status,
        'UpgradeInProgress',
        'False',
        'NoPendingCluster',
        'Active Ray cluster exists and no pending Ray cluster',
      );
    } else {
      const current = findCondition(status.conditions, 'UpgradeInProgress');
      if (
        !current ||
        (current.reason !== 'Initializing' && current.reason !== 'InitializingTimeout')
      ) {
        status.conditions = this.setCondition(
          status,
          'UpgradeInProgress',
          'Unknown',
          'NoActiveCluster',
          'No active Ray cluster exists, and the RayService is not initializing. Please open a GitHub issue in the KubeRay repository.',
        );
      }
    }
    status.serviceStatus = isConditionTrue(status.conditions, 'Ready') ? 'Running' : '';
  }

  /** KubeRay `markFailedOnInitializingTimeout` (annotation `ray.io/initializing-timeout`). */
  private markInitializingTimeout(rayService: RayService, status: RayServiceStatus): void {
    const timeoutMs = parseInitializingTimeout(
      rayService.metadata.annotations?.[annotationKeys.initializingTimeout],
    );
    if (timeoutMs === undefined) return;
    const ready = findCondition(status.conditions, 'Ready');
    if (!ready || ready.status !== 'False' || ready.reason !== 'Initializing') return;
    const since = Date.parse(ready.lastTransitionTime);
    const elapsed = this.runtime.nowMs() - since;
    if (elapsed < timeoutMs) return;
    if (status.activeServiceStatus)
      status.activeServiceStatus = { ...status.activeServiceStatus, rayClusterName: '' };
    if (status.pendingServiceStatus)
      status.pendingServiceStatus = { ...status.pendingServiceStatus, rayClusterName: '' };
    const seconds = (ms: number): string => `${Math.round(ms / 1000)}s`;
    status.conditions = this.setCondition(
      status,
      'Ready',
      'False',
      'InitializingTimeout',
      `RayService failed to become ready within the configured timeout of ${seconds(timeoutMs)}. Time spent initializing: ${seconds(elapsed)}`,
    );
    this.event(
      rayService,
      'Warning',
      'RayServiceInitializingTimeout',
      `RayService initializing timeout exceeded after ${seconds(elapsed)} (configured timeout: ${seconds(timeoutMs)})`,
      'Reconcile',
    );
  }
}

function serveClusterChanged(
  left: ServeClusterStatus | undefined,
  right: ServeClusterStatus | undefined,
): boolean {
  if ((left?.rayClusterName ?? '') !== (right?.rayClusterName ?? '')) return true;
  return !jsonEqual(left?.applicationStatuses ?? {}, right?.applicationStatuses ?? {});
}

/** KubeRay `InconsistentRayServiceStatuses`. */
function inconsistentStatuses(old: RayServiceStatus, next: RayServiceStatus): boolean {
  if ((old.serviceStatus ?? '') !== (next.serviceStatus ?? '')) return true;
  if ((old.numServeEndpoints ?? 0) !== (next.numServeEndpoints ?? 0)) return true;
  if (!jsonEqual(old.conditions ?? [], next.conditions ?? [])) return true;
  return (
    serveClusterChanged(old.activeServiceStatus, next.activeServiceStatus) ||
    serveClusterChanged(old.pendingServiceStatus, next.pendingServiceStatus)
  );
}
