import { randomBytes } from 'node:crypto';

import type { KubeObject } from '../../apiserver/resourceType.ts';
import { StatusError } from '../../apiserver/statusError.ts';
import { type ReconcileResult, WorkQueue } from '../WorkQueue.ts';
import { autoscalerServiceAccountName, buildAutoscalerRbac } from './buildAutoscalerRbac.ts';
import { buildHeadIngress } from './buildHeadIngress.ts';
import {
  buildHeadlessWorkerService,
  buildHeadService,
  buildServeService,
  servicePortsOf,
} from './buildHeadService.ts';
import {
  authSecretName,
  buildRayPod,
  checkName,
  creatorOf,
  headServiceName,
  isAuthEnabled,
  isAutoscalingEnabled,
} from './buildRayPod.ts';
import {
  computeRayClusterStatus,
  desiredReplicasOf,
  isRayClusterStatusInconsistent,
  isRunningAndReady,
  rayClusterSuspendStatus,
  type ReplicaFailure,
} from './computeRayClusterStatus.ts';
import { hashClusterSpec } from './hashClusterSpec.ts';
import { kubeRayConstants, kubeRayTimings } from './kubeRayConstants.ts';
import { namespacedKey, splitKey } from './KubeRayIndex.ts';
import { errorMessage, type KubeRayRuntime } from './KubeRayRuntime.ts';
import type { Pod, RayCluster, Service, WorkerGroupSpec } from './RayCluster.ts';
import { rayNodesOfCluster } from './rayNodesOfCluster.ts';
import { isConditionTrue } from './setStatusCondition.ts';
import {
  validateRayClusterSpec,
  validateRayName,
  validateUpgradeStrategy,
} from './validateRayClusterSpec.ts';

const controllerName = 'raycluster-controller';
const { labels: labelKeys, annotations: annotationKeys } = kubeRayConstants;

/** An error of one reconcile step; `replica` marks the ones behind `ReplicaFailure`. */
class ReconcileError extends Error {
  readonly replica: ReplicaFailure | undefined;

  constructor(message: string, replicaReason?: string) {
    super(message);
    this.name = 'ReconcileError';
    this.replica = replicaReason
      ? { reason: replicaReason, message: `${replicaReason}\n${message}` }
      : undefined;
  }
}

/** Hooks other parts of the operator attach to cluster reconciles. */
export interface RayClusterHooks {
  /** Called after every reconcile of an existing cluster (the autoscaler and owners listen). */
  afterReconcile?: (cluster: RayCluster) => void;
}

/**
 * The simulated KubeRay RayCluster controller (kuberay-api.md §1.1–2.4; KubeRay
 * `raycluster_controller.go`): creates the head Service, head and worker pods and the optional
 * objects, deletes unhealthy, surplus and `workersToDelete` pods, suspends and resumes, keeps
 * `.status` as KubeRay does, and starts a Ray head simulation when the head pod is ready.
 * Reconciles are incremental: pods come from the informer index, and status is written only when
 * KubeRay would write it.
 */
export class RayClusterController {
  readonly queue: WorkQueue;
  private readonly runtime: KubeRayRuntime;
  private readonly hooks: RayClusterHooks;
  private readonly failures = new Map<string, number>();
  /** Per cluster generation: the spec hash and the groups' `ray start` parameters. */
  private readonly memos = new Map<
    string,
    { stamp: string; hash?: string; params: Map<string, Record<string, string>> }
  >();

  constructor(runtime: KubeRayRuntime, hooks: RayClusterHooks = {}) {
    this.runtime = runtime;
    this.hooks = hooks;
    this.queue = new WorkQueue({
      name: controllerName,
      clock: runtime.context.clock,
      reconcile: (key) => this.reconcile(key),
      onError: (key, error) => {
        process.emitWarning(`${controllerName} ${key}: ${errorMessage(error)}`);
      },
    });
  }

  /** Brings the RayCluster `namespace/name` to its desired state. */
  reconcile(key: string): ReconcileResult {
    const { namespace, name } = splitKey(key);
    const runtime = this.runtime;
    const cluster = runtime.find<RayCluster>('rayClusters', namespace, name);
    if (!cluster || cluster.metadata.deletionTimestamp) {
      runtime.heads.stop(key);
      this.failures.delete(key);
      this.memos.delete(key);
      return;
    }
    if (typeof cluster.spec !== 'object' || cluster.spec === null) {
      // A spec removed by a patch (the CRD does not require one) is Go's zero value to KubeRay:
      // its validation rejects it with an event and the reconcile ends without a requeue.
      this.warn(
        cluster,
        'InvalidRayClusterSpec',
        `The RayCluster spec is invalid ${namespace}/${name}: headGroupSpec should have at least one container`,
        'Validate',
      );
      return;
    }
    const managedBy = cluster.spec.managedBy;
    if (managedBy && managedBy !== kubeRayConstants.managedByKubeRay) return;

    const invalidName = validateRayName('RayCluster', name);
    if (invalidName) {
      this.warn(
        cluster,
        'InvalidRayClusterMetadata',
        `The RayCluster metadata is invalid ${namespace}/${name}: ${invalidName}`,
        'Validate',
      );
      return;
    }
    const invalidSpec = validateRayClusterSpec(
      cluster.spec,
      cluster.metadata.annotations,
      runtime.gates,
    );
    if (invalidSpec) {
      this.warn(
        cluster,
        'InvalidRayClusterSpec',
        `The RayCluster spec is invalid ${namespace}/${name}: ${invalidSpec}`,
        'Validate',
      );
      return;
    }
    if (isAutoscalingEnabled(cluster.spec) && cluster.spec.autoscalerOptions?.version === 'v1') {
      const groups = (cluster.spec.workerGroupSpecs ?? [])
        .filter(
          (group) =>
            group.template.spec.restartPolicy && group.template.spec.restartPolicy !== 'Never',
        )
        .map((group) => group.groupName);
      if (groups.length > 0) {
        this.warn(
          cluster,
          'InvalidRayClusterSpec',
          `RayCluster spec warning ${namespace}/${name}: restartPolicy for worker groups [${groups.join(', ')}] should be Never or unset when using autoscaler V1`,
          'Validate',
        );
      }
    }
    const invalidUpgrade = validateUpgradeStrategy(cluster.spec, creatorOf(cluster));
    if (invalidUpgrade) {
      this.warn(
        cluster,
        'InvalidRayClusterSpec',
        `The RayCluster UpgradeStrategy is invalid ${namespace}/${name}: ${invalidUpgrade}`,
        'Validate',
      );
      return;
    }
    const conditions = cluster.status?.conditions;
    if (
      isConditionTrue(conditions, 'RayClusterSuspending') &&
      isConditionTrue(conditions, 'RayClusterSuspended')
    ) {
      this.warn(
        cluster,
        'InvalidRayClusterStatus',
        `The RayCluster status is invalid ${namespace}/${name}, invalid RayCluster State: rayv1.RayClusterSuspending and rayv1.RayClusterSuspended conditions should not be both true`,
        'Validate',
      );
      return { requeueAfterMs: kubeRayTimings.rayClusterRequeueMs };
    }

    let failure: ReconcileError | undefined;
    try {
      this.reconcileAutoscalerRbac(cluster);
      this.reconcileIngress(cluster);
      this.reconcileAuthSecret(cluster);
      this.reconcileHeadService(cluster);
      this.reconcileHeadlessService(cluster);
      this.reconcileServeService(cluster);
      this.reconcilePods(cluster);
    } catch (error) {
      if (error instanceof ReconcileError) failure = error;
      else if (error instanceof StatusError) failure = new ReconcileError(error.message);
      else throw error;
    }

    const current = runtime.find<RayCluster>('rayClusters', namespace, name) ?? cluster;
    const pods = runtime.index.podsOfCluster(namespace, name);
    const headService = runtime.find<Service>('services', namespace, headServiceName(current));
    const next = computeRayClusterStatus({
      cluster: current,
      pods,
      headService,
      replicaFailure: failure?.replica,
      reconcileFailed: failure !== undefined,
      now: runtime.now(),
      statusConditions: runtime.gates['RayClusterStatusConditions'] !== false,
    });
    let inconsistent = false;
    let updated = current;
    if (next && isRayClusterStatusInconsistent(current.status, next)) {
      inconsistent = true;
      try {
        updated = runtime.writeStatus('rayClusters', current, next);
      } catch (error) {
        if (!(error instanceof StatusError)) throw error;
        inconsistent = true;
      }
    }
    this.syncRayHead(updated, pods);
    this.hooks.afterReconcile?.(updated);

    if (failure) {
      const count = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, count);
      return {
        requeueAfterMs: Math.min(300_000, kubeRayTimings.rayClusterRequeueMs * 2 ** (count - 1)),
      };
    }
    this.failures.delete(key);
    return inconsistent ? { requeueAfterMs: kubeRayTimings.rayClusterRequeueMs } : undefined;
  }

  private warn(cluster: RayCluster, reason: string, note: string, action: string): void {
    this.runtime.event(controllerName, cluster, 'Warning', reason, note, action);
  }

  private normal(cluster: RayCluster, reason: string, note: string, action: string): void {
    this.runtime.event(controllerName, cluster, 'Normal', reason, note, action);
  }

  private reconcileAutoscalerRbac(cluster: RayCluster): void {
    if (!isAutoscalingEnabled(cluster.spec)) return;
    const runtime = this.runtime;
    const namespace = cluster.metadata.namespace ?? 'default';
    const { serviceAccount, role, roleBinding } = buildAutoscalerRbac(cluster);
    const accountName = autoscalerServiceAccountName(cluster);
    if (!runtime.find('serviceAccounts', namespace, accountName)) {
      if (cluster.spec.headGroupSpec.template.spec.serviceAccountName === accountName) {
        const message = `If users specify ServiceAccountName for the head Pod, they need to create a ServiceAccount themselves. However, ServiceAccount ${accountName} is not found. Please create one. See the PR description of https://github.com/ray-project/kuberay/pull/1128 for more details.`;
        this.warn(
          cluster,
          'AutoscalerServiceAccountNotFound',
          `Failed to reconcile RayCluster ${namespace}/${cluster.metadata.name}. ${message}`,
          'Validate',
        );
        throw new ReconcileError(`serviceaccounts "${accountName}" not found`);
      }
      this.createWithEvents(
        cluster,
        'serviceAccounts',
        serviceAccount,
        'CreatedServiceAccount',
        'FailedToCreateServiceAccount',
        'service account',
      );
    }
    if (!runtime.find('roles', namespace, role.metadata?.name ?? '')) {
      this.createWithEvents(cluster, 'roles', role, 'CreatedRole', 'FailedToCreateRole', 'role');
    }
    if (!runtime.find('roleBindings', namespace, roleBinding.metadata?.name ?? '')) {
      this.createWithEvents(
        cluster,
        'roleBindings',
        roleBinding,
        'CreatedRoleBinding',
        'FailedToCreateRoleBinding',
        'role binding',
      );
    }
  }

  private createWithEvents(
    cluster: RayCluster,
    kind: 'serviceAccounts' | 'roles' | 'roleBindings' | 'services' | 'ingresses',
    object: KubeObject,
    createdReason: string,
    failedReason: string,
    noun: string,
  ): void {
    const where = `${object.metadata?.namespace}/${object.metadata?.name}`;
    try {
      const { created } = this.runtime.createIfMissing(kind, object);
      if (created) this.normal(cluster, createdReason, `Created ${noun} ${where}`, 'Create');
    } catch (error) {
      if (!(error instanceof StatusError)) throw error;
      this.warn(
        cluster,
        failedReason,
        `Failed creating ${noun} ${where}, ${error.message}`,
        'Create',
      );
      throw new ReconcileError(error.message);
    }
  }

  private reconcileIngress(cluster: RayCluster): void {
    if (cluster.spec.headGroupSpec.enableIngress !== true) return;
    if (!this.runtime.findType('ingresses')) return;
    const ingress = buildHeadIngress(cluster);
    if (this.runtime.find('ingresses', ingress.metadata?.namespace, ingress.metadata?.name ?? ''))
      return;
    this.createWithEvents(
      cluster,
      'ingresses',
      ingress,
      'CreatedIngress',
      'FailedToCreateIngress',
      'ingress',
    );
  }

  private reconcileAuthSecret(cluster: RayCluster): void {
    const options = cluster.spec.authOptions;
    if (!options || options.mode !== 'token' || options.enableK8sTokenAuth || options.secretName)
      return;
    const name = checkName(cluster.metadata.name ?? '');
    const namespace = cluster.metadata.namespace;
    if (this.runtime.find('secrets', namespace, name)) return;
    const token = randomBytes(32).toString('base64');
    this.runtime.createIfMissing('secrets', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name,
        namespace,
        labels: { [labelKeys.cluster]: cluster.metadata.name ?? '' },
        ownerReferences: [
          {
            apiVersion: kubeRayConstants.apiVersion,
            kind: 'RayCluster',
            name: cluster.metadata.name ?? '',
            uid: cluster.metadata.uid ?? '',
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      data: { auth_token: Buffer.from(token).toString('base64') },
    });
  }

  private reconcileHeadService(cluster: RayCluster): void {
    const namespace = cluster.metadata.namespace;
    if (this.runtime.find('services', namespace, headServiceName(cluster))) return;
    const service = buildHeadService(cluster);
    const ports = (service['spec'] as { ports?: unknown[] }).ports ?? [];
    if (ports.length === 0) {
      throw new ReconcileError('ray head service does not have any ports set up.');
    }
    this.createWithEvents(
      cluster,
      'services',
      service,
      'CreatedService',
      'FailedToCreateService',
      'service',
    );
  }

  private reconcileHeadlessService(cluster: RayCluster): void {
    const multiHost = (cluster.spec.workerGroupSpecs ?? []).some(
      (group) => (group.numOfHosts ?? 1) > 1,
    );
    if (!multiHost) return;
    const service = buildHeadlessWorkerService(cluster);
    if (this.runtime.find('services', service.metadata?.namespace, service.metadata?.name ?? ''))
      return;
    this.createWithEvents(
      cluster,
      'services',
      service,
      'CreatedService',
      'FailedToCreateService',
      'service',
    );
  }

  private reconcileServeService(cluster: RayCluster): void {
    if (cluster.metadata.annotations?.[annotationKeys.enableServeService] !== 'true') return;
    const name = `${cluster.metadata.name}-serve-svc`;
    if (this.runtime.find('services', cluster.metadata.namespace, name)) return;
    const service = buildServeService(cluster);
    if (typeof service === 'string') throw new ReconcileError(service);
    try {
      this.runtime.createIfMissing('services', service);
    } catch (error) {
      if (error instanceof StatusError) throw new ReconcileError(error.message);
      throw error;
    }
  }

  private deletePod(pod: Pod): boolean {
    return this.runtime.delete('pods', pod.metadata.namespace, pod.metadata.name ?? '');
  }

  private deleteAllPods(pods: readonly Pod[]): void {
    for (const pod of pods) {
      if (pod.metadata.deletionTimestamp) continue;
      try {
        this.deletePod(pod);
      } catch (error) {
        if (!(error instanceof StatusError)) throw error;
        throw new ReconcileError(error.message, 'FailedDeleteAllPods');
      }
    }
  }

  private reconcilePods(cluster: RayCluster): void {
    const runtime = this.runtime;
    const namespace = cluster.metadata.namespace ?? 'default';
    const clusterName = cluster.metadata.name ?? '';
    const where = `${namespace}/${clusterName}`;
    const allPods = runtime.index.podsOfCluster(namespace, clusterName);
    const suspendStatus = rayClusterSuspendStatus(cluster);
    const conditionsGate = runtime.gates['RayClusterStatusConditions'] !== false;
    if (
      suspendStatus === 'RayClusterSuspending' ||
      (!conditionsGate && cluster.spec.suspend === true)
    ) {
      if (allPods.some((pod) => !pod.metadata.deletionTimestamp)) {
        this.deleteAllPods(allPods);
        this.normal(
          cluster,
          'DeletedPod',
          `Deleted Pods for RayCluster ${where} due to suspension`,
          'Delete',
        );
      }
      return;
    }
    if (
      conditionsGate &&
      (suspendStatus === 'RayClusterSuspended' || cluster.spec.suspend === true)
    )
      return;

    const clusterHash = (): string => this.memoOf(cluster).hash ?? this.hashOf(cluster);
    const heads = allPods.filter((pod) => pod.metadata.labels?.[labelKeys.nodeType] === 'head');
    if (cluster.spec.upgradeStrategy?.type === 'Recreate') {
      const head = heads[0];
      const podHash = head?.metadata.annotations?.[annotationKeys.upgradeRecreateHash];
      if (head && podHash !== undefined && podHash !== clusterHash()) {
        this.deleteAllPods(allPods);
        this.normal(
          cluster,
          'DeletedPod',
          `Deleted all Pods for RayCluster ${where} due to spec change with Recreate upgradeStrategy`,
          'Delete',
        );
        return;
      }
    }

    const liveHeads = heads.filter((pod) => !pod.metadata.deletionTimestamp);
    if (liveHeads.length === 1) {
      const head = liveHeads[0] as Pod;
      const reason = shouldDeletePod(head, 'head');
      if (reason) {
        try {
          this.deletePod(head);
        } catch (error) {
          if (!(error instanceof StatusError)) throw error;
          this.warn(
            cluster,
            'FailedToDeleteHeadPod',
            `Failed deleting head Pod ${namespace}/${head.metadata.name}; ${podDescription(head)}, ${error.message}`,
            'Delete',
          );
          throw new ReconcileError(error.message, 'FailedDeleteHeadPod');
        }
        this.normal(
          cluster,
          'DeletedHeadPod',
          `Deleted head Pod ${namespace}/${head.metadata.name}; ${podDescription(head)}`,
          'Delete',
        );
        throw new ReconcileError(reason);
      }
    } else if (liveHeads.length === 0 && heads.length === 0) {
      const skipRestart =
        isConditionTrue(cluster.status?.conditions, 'RayClusterProvisioned') &&
        cluster.metadata.annotations?.[annotationKeys.disableProvisionedHeadRestart] === 'true';
      if (!skipRestart) this.createHeadPod(cluster, clusterHash());
    } else if (liveHeads.length > 1) {
      const names = liveHeads.map((pod) => pod.metadata.name).join(' ');
      throw new ReconcileError(
        `${liveHeads.length} head pods found [${names}]. Please delete extra head pods`,
      );
    }

    for (const group of cluster.spec.workerGroupSpecs ?? []) {
      this.reconcileWorkerGroup(cluster, group, allPods);
    }
  }

  private createHeadPod(cluster: RayCluster, clusterHash: string): void {
    const namespace = cluster.metadata.namespace ?? 'default';
    const pod = buildRayPod({
      cluster,
      nodeType: 'head',
      multiHostIndexing: this.multiHostIndexing(),
    });
    const annotations = (pod.metadata?.annotations ?? {}) as Record<string, string>;
    annotations[annotationKeys.upgradeRecreateHash] = clusterHash;
    annotations[annotationKeys.kubeRayVersion] = kubeRayConstants.version;
    let created: KubeObject;
    try {
      created = this.runtime.create('pods', pod);
    } catch (error) {
      if (!(error instanceof StatusError)) throw error;
      this.warn(
        cluster,
        'FailedToCreateHeadPod',
        `Failed to create head Pod ${namespace}/, ${error.message}`,
        'Create',
      );
      throw new ReconcileError(error.message, 'FailedCreateHeadPod');
    }
    this.normal(
      cluster,
      'CreatedHeadPod',
      `Created head Pod ${namespace}/${created.metadata?.name}`,
      'Create',
    );
  }

  private memoOf(cluster: RayCluster): {
    stamp: string;
    hash?: string;
    params: Map<string, Record<string, string>>;
  } {
    const key = namespacedKey(cluster.metadata.namespace, cluster.metadata.name);
    const stamp = `${cluster.metadata.uid}/${cluster.metadata.generation}`;
    let memo = this.memos.get(key);
    if (!memo || memo.stamp !== stamp) {
      memo = { stamp, params: new Map() };
      this.memos.set(key, memo);
    }
    return memo;
  }

  private hashOf(cluster: RayCluster): string {
    const memo = this.memoOf(cluster);
    memo.hash = hashClusterSpec(cluster.spec);
    return memo.hash;
  }

  private multiHostIndexing(): boolean {
    return this.runtime.gates['RayMultiHostIndexing'] !== false;
  }

  private reconcileWorkerGroup(
    cluster: RayCluster,
    group: WorkerGroupSpec,
    allPods: readonly Pod[],
  ): void {
    const namespace = cluster.metadata.namespace ?? 'default';
    const where = `${namespace}/${cluster.metadata.name}`;
    const groupPods = allPods.filter(
      (pod) =>
        pod.metadata.labels?.[labelKeys.nodeType] === 'worker' &&
        pod.metadata.labels[labelKeys.group] === group.groupName,
    );
    if (group.suspend === true) {
      if (groupPods.some((pod) => !pod.metadata.deletionTimestamp)) {
        for (const pod of groupPods) {
          if (pod.metadata.deletionTimestamp) continue;
          try {
            this.deletePod(pod);
          } catch (error) {
            if (!(error instanceof StatusError)) throw error;
            this.warn(
              cluster,
              'FailedToDeleteWorkerPodCollection',
              `Failed deleting worker Pods for suspended group ${group.groupName} in RayCluster ${where}, ${error.message}`,
              'Delete',
            );
            throw new ReconcileError(error.message, 'FailedDeleteWorkerPod');
          }
        }
        this.normal(
          cluster,
          'DeletedWorkerPod',
          `Deleted all pods for suspended worker group ${group.groupName} in RayCluster ${where}`,
          'Delete',
        );
      }
      return;
    }
    const livePods = groupPods.filter((pod) => !pod.metadata.deletionTimestamp);
    if ((group.numOfHosts ?? 1) > 1 && this.multiHostIndexing()) {
      this.reconcileMultiHostGroup(cluster, group, livePods);
      return;
    }

    let unhealthy = 0;
    const deleted = new Set<string>();
    for (const pod of livePods) {
      if (!shouldDeletePod(pod, 'worker')) continue;
      unhealthy++;
      deleted.add(pod.metadata.name ?? '');
      this.deleteWorker(
        cluster,
        pod,
        `Deleted worker Pod ${namespace}/${pod.metadata.name}; ${podDescription(pod)}`,
      );
    }
    if (unhealthy > 0) throw new ReconcileError(`delete ${unhealthy} unhealthy worker Pods`);

    for (const podName of group.scaleStrategy?.workersToDelete ?? []) {
      const pod = livePods.find((candidate) => candidate.metadata.name === podName);
      if (!pod) continue;
      deleted.add(podName);
      this.deleteWorker(cluster, pod, `Deleted pod ${namespace}/${podName}`);
    }
    const running = livePods.filter((pod) => !deleted.has(pod.metadata.name ?? ''));
    const diff = desiredReplicasOf(group) - running.length;
    if (diff > 0) {
      const used = new Set(
        running
          .map((pod) => Number(pod.metadata.labels?.[labelKeys.replicaIndex]))
          .filter((index) => Number.isInteger(index)),
      );
      let nextIndex = 0;
      for (let created = 0; created < diff; created++) {
        while (used.has(nextIndex)) nextIndex++;
        used.add(nextIndex);
        this.createWorkerPod(cluster, group, { replicaIndex: nextIndex });
      }
    } else if (diff < 0 && !isAutoscalingEnabled(cluster.spec)) {
      for (const pod of running.slice(0, -diff)) {
        this.deleteWorker(cluster, pod, `Deleted Pod ${namespace}/${pod.metadata.name}`);
      }
    }
  }

  private deleteWorker(cluster: RayCluster, pod: Pod, note: string): void {
    try {
      if (!this.deletePod(pod)) return;
    } catch (error) {
      if (!(error instanceof StatusError)) throw error;
      this.warn(
        cluster,
        'FailedToDeleteWorkerPod',
        `Failed deleting Pod ${pod.metadata.namespace}/${pod.metadata.name}, ${error.message}`,
        'Delete',
      );
      throw new ReconcileError(error.message, 'FailedDeleteWorkerPod');
    }
    this.normal(cluster, 'DeletedWorkerPod', note, 'Delete');
  }

  private createWorkerPod(
    cluster: RayCluster,
    group: WorkerGroupSpec,
    placement: { replicaIndex: number; replicaName?: string; hostIndex?: number },
  ): void {
    const namespace = cluster.metadata.namespace ?? 'default';
    const pod = buildRayPod({
      cluster,
      nodeType: 'worker',
      group,
      multiHostIndexing: this.multiHostIndexing(),
      ...placement,
    });
    let created: KubeObject;
    try {
      created = this.runtime.create('pods', pod);
    } catch (error) {
      if (!(error instanceof StatusError)) throw error;
      this.warn(
        cluster,
        'FailedToCreateWorkerPod',
        `Failed to create worker Pod for the cluster ${namespace}/${cluster.metadata.name}, ${error.message}`,
        'Create',
      );
      throw new ReconcileError(error.message, 'FailedCreateWorkerPod');
    }
    this.normal(
      cluster,
      'CreatedWorkerPod',
      `Created worker Pod ${namespace}/${created.metadata?.name}`,
      'Create',
    );
  }

  /**
   * KubeRay `reconcileMultiHostWorkerGroup` (gate RayMultiHostIndexing): replicas of
   * `numOfHosts` pods sharing `ray.io/worker-group-replica-name`; incomplete or unhealthy
   * replicas and those named in `workersToDelete` are deleted whole, missing replicas created whole.
   */
  private reconcileMultiHostGroup(
    cluster: RayCluster,
    group: WorkerGroupSpec,
    livePods: readonly Pod[],
  ): void {
    const namespace = cluster.metadata.namespace ?? 'default';
    const hosts = Math.max(1, group.numOfHosts ?? 1);
    const replicas = new Map<string, Pod[]>();
    for (const pod of livePods) {
      const replicaName = pod.metadata.labels?.[labelKeys.replicaName] ?? '';
      replicas.set(replicaName, [...(replicas.get(replicaName) ?? []), pod]);
    }
    const toDelete = new Set(group.scaleStrategy?.workersToDelete ?? []);
    const healthy: [string, Pod[]][] = [];
    for (const [replicaName, pods] of replicas) {
      const broken =
        replicaName === '' ||
        pods.length !== hosts ||
        pods.some((pod) => shouldDeletePod(pod, 'worker') !== undefined) ||
        pods.some((pod) => toDelete.has(pod.metadata.name ?? ''));
      if (!broken) {
        healthy.push([replicaName, pods]);
        continue;
      }
      for (const pod of pods) {
        this.deleteWorker(
          cluster,
          pod,
          `Deleted worker Pod ${namespace}/${pod.metadata.name} for group ${group.groupName}: multi-host replica ${replicaName} is incomplete, unhealthy or to be deleted`,
        );
      }
    }
    const wanted = desiredReplicasOf(group) / hosts;
    if (healthy.length < wanted) {
      const used = new Set(
        healthy.map(([, pods]) => Number(pods[0]?.metadata.labels?.[labelKeys.replicaIndex])),
      );
      let nextIndex = 0;
      for (let count = healthy.length; count < wanted; count++) {
        while (used.has(nextIndex)) nextIndex++;
        used.add(nextIndex);
        const replicaName = `${group.groupName}-${randomSuffix()}`;
        for (let host = 0; host < hosts; host++) {
          this.createWorkerPod(cluster, group, {
            replicaIndex: nextIndex,
            replicaName,
            hostIndex: host,
          });
        }
      }
    } else if (healthy.length > wanted && !isAutoscalingEnabled(cluster.spec)) {
      for (const [replicaName, pods] of healthy.slice(0, healthy.length - wanted)) {
        for (const pod of pods) {
          this.deleteWorker(
            cluster,
            pod,
            `Deleted worker Pod ${namespace}/${pod.metadata.name} for group ${group.groupName}: scaling down multi-host replica ${replicaName}`,
          );
        }
      }
    }
  }

  /** Starts, updates or stops the cluster's Ray head to follow its head pod. */
  private syncRayHead(cluster: RayCluster, pods: readonly Pod[]): void {
    const runtime = this.runtime;
    const key = namespacedKey(cluster.metadata.namespace, cluster.metadata.name);
    const head = pods.find(
      (pod) =>
        pod.metadata.labels?.[labelKeys.nodeType] === 'head' && !pod.metadata.deletionTimestamp,
    );
    if (!head || head.status?.phase !== 'Running') {
      runtime.heads.stop(key);
      return;
    }
    if (!isRunningAndReady(head) && !runtime.heads.get(key)) return;
    const nodes = rayNodesOfCluster(
      cluster,
      pods,
      (nodeName) =>
        runtime.find('nodes', undefined, nodeName)?.metadata?.labels?.['nvidia.com/gpu.product'],
      this.memoOf(cluster).params,
    );
    runtime.heads.ensure({
      clusterKey: key,
      headPodName: head.metadata.name ?? '',
      serviceName: headServiceName(cluster),
      dashboardPort: servicePortsOf(cluster).get('dashboard') ?? kubeRayConstants.ports.dashboard,
      nodes,
      start: () => ({
        clock: runtime.context.clock,
        clusterName: cluster.metadata.name ?? '',
        namespace: cluster.metadata.namespace ?? 'default',
        rayVersion: cluster.spec.rayVersion ?? '',
        nodes,
        ...(isAuthEnabled(cluster.spec) ? authTokenOption(runtime, cluster) : {}),
      }),
    });
  }
}

function authTokenOption(runtime: KubeRayRuntime, cluster: RayCluster): { authToken?: string } {
  const secret = runtime.find('secrets', cluster.metadata.namespace, authSecretName(cluster));
  const data = secret?.['data'] as Record<string, string> | undefined;
  const stringData = secret?.['stringData'] as Record<string, string> | undefined;
  const token = data?.['auth_token']
    ? Buffer.from(data['auth_token'], 'base64').toString('utf8')
    : stringData?.['auth_token'];
  return token ? { authToken: token } : {};
}

function randomSuffix(): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let suffix = '';
  for (let index = 0; index < 5; index++)
    suffix += alphabet[Math.floor(Math.random() * alphabet.length)];
  return suffix;
}

/** The Ray container's terminated state, if any (`getRayContainerStateTerminated`). */
function rayContainerTerminated(pod: Pod): { exitCode?: number; reason?: string } | undefined {
  const name = pod.spec.containers[0]?.name;
  return pod.status?.containerStatuses?.find((status) => status.name === name)?.state?.terminated;
}

function podDescription(pod: Pod): string {
  const terminated = rayContainerTerminated(pod);
  return `Pod status: ${pod.status?.phase ?? ''}; Pod restart policy: ${pod.spec.restartPolicy ?? ''}; Ray container terminated status: ${
    terminated ? `&{${terminated.exitCode ?? 0} ${terminated.reason ?? ''}}` : '<nil>'
  }`;
}

/**
 * KubeRay `shouldDeletePod`: the reason to delete a pod that cannot recover (phase Failed or
 * Succeeded, or a terminated Ray container under `restartPolicy: Never`), else undefined.
 */
export function shouldDeletePod(pod: Pod, nodeType: 'head' | 'worker'): string | undefined {
  const phase = pod.status?.phase;
  if (phase === 'Failed' || phase === 'Succeeded') {
    return `The ${nodeType} Pod ${pod.metadata.name} status is ${phase} which is a terminal state. KubeRay will delete the Pod and create new Pods in the next reconciliation if necessary.`;
  }
  const terminated = rayContainerTerminated(pod);
  if (phase === 'Running' && terminated && pod.spec.restartPolicy === 'Never') {
    return `The Pod status of the ${nodeType} Pod ${pod.metadata.name} is ${phase}, and the Ray container terminated status is &{${terminated.exitCode ?? 0} ${terminated.reason ?? ''}}. The container is unable to restart due to its restart policy Never, so KubeRay will delete it.`;
  }
  return undefined;
}
