import { join } from 'node:path';

import { RayDashboardError } from '../../ray/jobSubmitRequest.ts';
import { jobTableFile } from '../../ray/jobTableFile.ts';
import { rayHeadPortListeners } from '../../ray/rayHeadPortListeners.ts';
import { RayHeadSimulation } from '../../ray/RayHeadSimulation.ts';
import type {
  RayHeadApi,
  RayHeadStartOptions,
  RayJobSubmission,
  ServeApplicationStatus,
} from './RayHeadRegistry.ts';

interface ServeDetails {
  applications?: Record<
    string,
    {
      status?: string;
      message?: string | null;
      deployments?: Record<
        string,
        { status?: string; message?: string | null; replicas?: { node_ip?: string | null }[] }
      >;
    }
  >;
}

/**
 * The operator's {@link RayHeadApi} over the sandbox's Ray head simulation
 * (src/sandbox/ray/RayHeadSimulation.ts): the same calls KubeRay makes over HTTP, made in
 * process. A worker counts as idle for the autoscaler when no job is active on the cluster and
 * no Serve replica is placed on it. With `stateDir`, the head's job table is kept in
 * `<stateDir>/<namespace>/<head pod>.json`, so it survives a sandbox restart (the head pod
 * does too); a new head pod starts with an empty table, as a restarted Ray head does.
 */
export function simulatedRayHead(
  options: RayHeadStartOptions,
  persistence: { stateDir?: string } = {},
): RayHeadApi {
  const jobTable =
    persistence.stateDir && options.headPodName
      ? jobTableFile(join(persistence.stateDir, options.namespace, `${options.headPodName}.json`))
      : undefined;
  const simulation = new RayHeadSimulation({
    clock: options.clock,
    clusterName: options.clusterName,
    namespace: options.namespace,
    rayVersion: options.rayVersion,
    nodes: options.nodes,
    ...(options.authToken ? { authToken: options.authToken } : {}),
    ...(jobTable ? { jobTable } : {}),
  });
  const ipByName = new Map(options.nodes.map((node) => [node.name, node.ip]));
  const serveDetails = (): ServeDetails => simulation.serveApplications() as ServeDetails;
  return {
    handler: simulation.handler,
    upgradeHandler: simulation.upgradeHandler,
    portListeners: rayHeadPortListeners({
      handler: simulation.handler,
      upgradeHandler: simulation.upgradeHandler,
      serveApplications: () => simulation.serveApplications(),
    }),
    updateNodes: (nodes) => {
      ipByName.clear();
      for (const node of nodes) ipByName.set(node.name, node.ip);
      simulation.updateNodes(nodes);
    },
    stop: () => simulation.stop(),
    getJob: (submissionId) => {
      const details = simulation.getJob(submissionId);
      if (!details) return undefined;
      return {
        status: details.status,
        message: details.message ?? '',
        ...(details.start_time ? { startTime: details.start_time } : {}),
        ...(details.end_time ? { endTime: details.end_time } : {}),
      };
    },
    submitJob: (submission: RayJobSubmission) => {
      try {
        simulation.submitJob({
          entrypoint: submission.entrypoint,
          submission_id: submission.submissionId,
          ...(submission.runtimeEnv ? { runtime_env: submission.runtimeEnv } : {}),
          ...(submission.metadata ? { metadata: submission.metadata } : {}),
          ...(submission.entrypointNumCpus
            ? { entrypoint_num_cpus: submission.entrypointNumCpus }
            : {}),
          ...(submission.entrypointNumGpus
            ? { entrypoint_num_gpus: submission.entrypointNumGpus }
            : {}),
          ...(submission.entrypointResources
            ? { entrypoint_resources: submission.entrypointResources }
            : {}),
        });
      } catch (error) {
        if (error instanceof RayDashboardError) throw new Error(error.message, { cause: error });
        throw error;
      }
    },
    stopJob: (submissionId) => {
      simulation.stopJob(submissionId);
    },
    deployServeConfig: (config) => {
      const result = simulation.deployServeConfig(config);
      if (!result.accepted) throw new Error(result.message);
    },
    serveApplications: () => {
      const result: Record<string, ServeApplicationStatus> = {};
      for (const [name, app] of Object.entries(serveDetails().applications ?? {})) {
        result[name] = {
          status: app.status ?? '',
          message: app.message ?? '',
          deployments: Object.fromEntries(
            Object.entries(app.deployments ?? {}).map(([deployment, details]) => [
              deployment,
              { status: details.status ?? '', message: details.message ?? '' },
            ]),
          ),
        };
      }
      return result;
    },
    pendingResourceDemand: () =>
      simulation.pendingResourceDemand().map((demand) => ({ ...demand.resources })),
    isNodeIdle: (nodeName) => {
      if (!simulation.isIdle()) return false;
      const ip = ipByName.get(nodeName);
      for (const app of Object.values(serveDetails().applications ?? {})) {
        for (const deployment of Object.values(app.deployments ?? {})) {
          if ((deployment.replicas ?? []).some((replica) => replica.node_ip === ip)) return false;
        }
      }
      return true;
    },
  };
}
