import type { KubeObject, ObjectMeta } from '../../apiserver/resourceType.ts';
import type { RayJobSpec } from './RayJob.ts';

/** A `ray.io/v1` RayCronJob (kuberay-api.md §1.6; feature gate `RayCronJob`, off by default). */
export interface RayCronJob extends KubeObject {
  metadata: ObjectMeta;
  spec: {
    jobTemplate: RayJobSpec;
    /** Five-field cron schedule; `TZ=`/`CRON_TZ=` prefixes are rejected. */
    schedule: string;
    /** IANA time zone; default the operator's (the sandbox's: UTC). */
    timeZone?: string;
    suspend?: boolean;
  };
  status?: { lastScheduleTime?: string };
}
