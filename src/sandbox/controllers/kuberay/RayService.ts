import type { KubeObject, ObjectMeta } from '../../apiserver/resourceType.ts';
import type { Condition, RayClusterSpec, RayClusterStatus, ServiceTemplate } from './RayCluster.ts';

/** `RayServiceSpec` of kuberay-api.md §1.5. */
export interface RayServiceSpec {
  rayClusterConfig: RayClusterSpec;
  serveConfigV2?: string;
  serveService?: ServiceTemplate;
  upgradeStrategy?: {
    type?: string;
    clusterUpgradeOptions?: {
      maxSurgePercent?: number;
      stepSizePercent?: number;
      intervalSeconds?: number;
      gatewayClassName?: string;
    };
  };
  rayClusterDeletionDelaySeconds?: number;
  excludeHeadPodFromServeSvc?: boolean;
  suspend?: boolean;
  managedBy?: string;
}

/** Status of one Serve application, as KubeRay stores it. */
export interface AppStatus {
  status: string;
  message?: string;
  serveDeploymentStatuses?: Record<string, { status: string; message?: string }>;
}

/** `RayServiceStatus` (active or pending) of kuberay-api.md §1.5. */
export interface ServeClusterStatus {
  rayClusterName?: string;
  rayClusterStatus?: RayClusterStatus;
  applicationStatuses?: Record<string, AppStatus>;
  targetCapacity?: number;
  trafficRoutedPercent?: number;
  lastTrafficMigratedTime?: string;
}

/** `RayServiceStatuses` of kuberay-api.md §1.5. */
export interface RayServiceStatus {
  conditions?: Condition[];
  serviceStatus?: string;
  numServeEndpoints?: number;
  activeServiceStatus?: ServeClusterStatus;
  pendingServiceStatus?: ServeClusterStatus;
  lastUpdateTime?: string;
  observedGeneration?: number;
}

/** A `ray.io/v1` RayService. */
export interface RayService extends KubeObject {
  metadata: ObjectMeta;
  spec: RayServiceSpec;
  status?: RayServiceStatus;
}
