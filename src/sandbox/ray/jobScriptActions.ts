import type { RayNodeDescription } from './rayNodes.ts';
import type { ResourceAmounts } from './ResourceLedger.ts';

/**
 * What a simulated entrypoint does, one step at a time. A script is a generator of these
 * actions; the job manager carries them out on the simulated clock. Keeping scripts as plain
 * generators lets them be read top to bottom like the programs they imitate.
 */
export type JobScriptAction =
  /** Let `ms` of the script's own time pass (scaled when the duration is overridden). */
  | { kind: 'sleep'; ms: number }
  /** A line on the driver's stdout; a function gets the simulated time (epoch ms). */
  | { kind: 'print'; text: string | ((nowMs: number) => string) }
  /** A line from Python's `logging` in Ray's format: `<time>\t<LEVEL> <source> -- <message>`. */
  | { kind: 'log'; level: 'INFO' | 'WARNING' | 'ERROR'; source: string; message: string }
  /** `ray.init()` connected: the job now has a Ray job id and driver info. */
  | { kind: 'connectDriver' }
  /**
   * Wait until every bundle fits on the cluster's free resources at once (tasks or actors the
   * script starts). Resumes with true when they fit, false after `timeoutMs` (none: forever).
   * While waiting, the bundles count as pending demand for an autoscaler.
   */
  | { kind: 'waitFor'; bundles: ResourceAmounts[]; timeoutMs?: number };

/** A simulated program: yields actions, resumes with a `waitFor` result, returns its exit code. */
export type JobScript = Generator<JobScriptAction, number, boolean>;

/** What a script may look at while it runs. */
export interface JobScriptContext {
  /** The cluster's alive Ray nodes, at the moment of asking. */
  nodes(): readonly RayNodeDescription[];
  /** The head node's IP (the GCS and dashboard address). */
  headIp: string;
  /** Deterministic randomness, seeded from the submission id. */
  random(): number;
  /** A stable fake process id for a named Ray process (`RayTrainWorker-0`, …). */
  pid(name: string): number;
  /**
   * The job's `runtime_env.working_dir` when it names a package uploaded to this head
   * (`gcs://_ray_pkg_<hash>.zip`): its URI and the archive's file names. The entrypoint runs
   * inside it.
   */
  workingDir?: { uri: string; files: readonly string[] };
}
