import type { ObjectApi } from '../../apiserver/objectApi.ts';
import type { RunningController, WorldContext } from '../../world/worldContext.ts';
import { coreTypesOf } from './coreApi.ts';
import { startDeploymentController } from './deploymentController.ts';
import { startEndpointsController } from './endpointsController.ts';
import { startJobController } from './jobController.ts';
import { startKubelet } from './kubelet.ts';
import { PodIndex } from './PodIndex.ts';
import { simulatedPodLogs } from './podLogs.ts';
import { startReplicaSetController } from './replicaSetController.ts';
import {
  PodQuotaUsage,
  resourceQuotaAdmission,
  startResourceQuotaController,
} from './resourceQuota.ts';
import { startScheduler } from './scheduler.ts';
import { startStatefulSetController } from './statefulSetController.ts';

/** The quota usage admission currently consults, per API (admission plugins cannot be removed). */
const admissionUsage = new WeakMap<ObjectApi, { usage: PodQuotaUsage | undefined }>();

/**
 * Starts the simulated Kubernetes core of the sandbox world over `context.api`: the
 * `default-scheduler`, the kubelets of every node (with `pods/log`), ResourceQuota admission
 * and the quota controller, and the Deployment, ReplicaSet, StatefulSet, Job and Endpoints
 * controllers. They share one pod index, act only through the API (so watchers and HTTP clients
 * see every step) and read time only from `context.clock`. `stop()` cancels their timers and
 * subscriptions; quota admission then lets everything through.
 */
export function startCoreControllers(context: WorldContext): RunningController {
  const { api } = context;
  const types = coreTypesOf(api);
  const pods = new PodIndex(api);

  const quotaQueue: { enqueue?: (namespace: string) => void } = {};
  const usage = new PodQuotaUsage(api, pods, (namespace) => quotaQueue.enqueue?.(namespace));
  let admission = admissionUsage.get(api);
  if (!admission) {
    const slot: { usage: PodQuotaUsage | undefined } = { usage: undefined };
    admission = slot;
    admissionUsage.set(api, slot);
    api.addAdmissionPlugin((request) =>
      slot.usage ? resourceQuotaAdmission(api, slot.usage)(request) : undefined,
    );
  }
  admission.usage = usage;
  const quotaController = startResourceQuotaController(context, types, usage);
  quotaQueue.enqueue = quotaController.enqueue;

  const kubelet = startKubelet(context, types, pods);
  context.apiServer.setPodLogSource(
    simulatedPodLogs((pod) => kubelet.kubelet.runtimeOf(pod), context.clock),
  );
  const running: RunningController[] = [
    quotaController,
    startScheduler(context, types, pods),
    kubelet,
    startReplicaSetController(context, types, pods),
    startDeploymentController(context, types),
    startStatefulSetController(context, types, pods),
    startJobController(context, types, pods),
    startEndpointsController(context, types, pods),
  ];
  return {
    stop: () => {
      for (const controller of running) controller.stop();
      usage.stop();
      pods.stop();
      const slot = admissionUsage.get(api);
      if (slot?.usage === usage) slot.usage = undefined;
    },
  };
}
