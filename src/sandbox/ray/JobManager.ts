import type { SimClock } from '../world/simClock.ts';
import type { JobScript, JobScriptContext } from './jobScriptActions.ts';
import { type JobSubmitRequest, RayDashboardError } from './jobSubmitRequest.ts';
import { pythonTraceback, rayFrame } from './pythonTraceback.ts';
import { seededRandom, stableHex } from './rayNodes.ts';
import type { RayNodeRecord, ResourceAmounts, ResourceLedger } from './ResourceLedger.ts';
import { formatRayLogTime } from './sampleWorkloads.ts';
import { measureScript, simulateEntrypoint } from './simulatedJobScript.ts';

/** Ray's job statuses; the last three are terminal. */
export type JobStatus = 'PENDING' | 'RUNNING' | 'STOPPED' | 'SUCCEEDED' | 'FAILED';

/** Whether a status can no longer change. */
export const isTerminal = (status: JobStatus): boolean =>
  status === 'STOPPED' || status === 'SUCCEEDED' || status === 'FAILED';

/** The driver of a job once `ray.init()` connected (Ray's `DriverInfo`). */
export interface DriverInfo {
  /** The Ray job id, e.g. `02000000`. */
  id: string;
  node_ip_address: string;
  /** The driver's process id, as a string (as Ray sends it). */
  pid: string;
}

/**
 * A job as `GET /api/jobs/{id}` returns it: Ray's `JobDetails`, fields in Ray's order.
 * `entrypoint_num_*` are not returned, as in Ray.
 */
export interface JobDetails {
  type: 'SUBMISSION';
  /** Ray job id (hex) once a Ray driver connected; null for commands that never call `ray.init()`. */
  job_id: string | null;
  submission_id: string;
  driver_info: DriverInfo | null;
  status: JobStatus;
  entrypoint: string;
  message: string | null;
  error_type: string | null;
  /** Epoch ms of submission. */
  start_time: number | null;
  /** Epoch ms when the job became terminal. */
  end_time: number | null;
  metadata: Record<string, string> | null;
  runtime_env: Record<string, unknown> | null;
  /** `http://<node ip>:52365` of the node running the entrypoint, once started. */
  driver_agent_http_address: string | null;
  driver_node_id: string | null;
  driver_exit_code: number | null;
}

/** A resource bundle that cannot be placed now: what an autoscaler should make room for. */
export interface PendingDemand {
  /** Ray resources of one bundle, e.g. `{ CPU: 1, GPU: 1 }`. */
  resources: ResourceAmounts;
  /** `job` (an entrypoint), `task` (a workload's tasks or actors) or `serve` (a replica). */
  kind: 'job' | 'task' | 'serve';
  /** Submission id, or `app/deployment` for Serve. */
  owner: string;
}

/** Options for {@link JobManager}. */
export interface JobManagerOptions {
  clock: SimClock;
  ledger: ResourceLedger;
  clusterName: string;
  /** Ray's `RAY_JOB_START_TIMEOUT_SECONDS`: a job PENDING longer than this fails. Default 900. */
  startTimeoutSeconds?: number;
  /** Called after resources were freed, so waiting work elsewhere can be placed. */
  onResourcesFreed: () => void;
  /**
   * Called after the job table changed in a way worth persisting: a submission, a start, a
   * driver connecting, an end, a deletion (not every log line).
   */
  onJobsChanged?: () => void;
  /** The file names of an uploaded package (`gcs://…zip`); undefined when not stored. */
  packageFiles?: (uri: string) => readonly string[] | undefined;
}

/** One job as persisted: what `GET /api/jobs/` shows plus its log; no timers or scripts. */
export interface PersistedJob {
  submissionId: string;
  request: JobSubmitRequest;
  status: JobStatus;
  message: string | null;
  errorType: string | null;
  startTime: number;
  endTime: number | null;
  driverAgentHttpAddress: string | null;
  driverNodeId: string | null;
  driverExitCode: number | null;
  jobId: string | null;
  driverInfo: DriverInfo | null;
  logs: string;
}

/** A head's job table as persisted (see {@link JobManager.exportTable}). */
export interface PersistedJobTable {
  format: 'raydeck-ray-jobs/v1';
  nextJobNumber: number;
  submissions: number;
  /** Epoch ms. */
  lastActivityMs: number;
  jobs: PersistedJob[];
}

/** Delay between placing a job's supervisor and its entrypoint running (actor + process start). */
export const supervisorStartMs = 1500;
/** Extra setup time when the runtime_env installs packages (`pip`, `uv`, `conda`). */
export const runtimeEnvInstallMs = 20_000;
/** Ray's `JobLogStorageClient.NUM_LOG_LINES_ON_ERROR` and `MAX_LOG_SIZE`. */
const failureLogLines = 10;
const failureLogChars = 20_000;
/** Job ids count up from here: id 1 is the dashboard's own driver on a real head. */
const firstDriverJobNumber = 2;
/** Characters of generated submission ids (Ray leaves out I, l, o, O and 0). */
const submissionIdAlphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz123456789';

interface Job {
  submissionId: string;
  request: JobSubmitRequest;
  status: JobStatus;
  message: string | null;
  errorType: string | null;
  startTime: number;
  endTime: number | null;
  driverAgentHttpAddress: string | null;
  driverNodeId: string | null;
  driverExitCode: number | null;
  jobId: string | null;
  driverInfo: DriverInfo | null;
  node?: RayNodeRecord;
  logs: string;
  timers: Set<() => void>;
  startTimeout?: () => void;
  script?: JobScript;
  scale?: DurationScale;
  waiting?: { bundles: ResourceAmounts[]; cancelTimeout?: () => void };
  watchers: Set<LogWatcher>;
}

interface LogWatcher {
  onLogs: (chunk: string) => void;
  onEnd: () => void;
}

/** Spreads an overridden run time over a script's own sleeps so it ends exactly on time. */
class DurationScale {
  private naturalElapsed = 0;
  private scaledElapsed = 0;
  private readonly factor: number;
  readonly targetMs: number | undefined;

  constructor(naturalMs: number, targetMs: number | undefined) {
    this.targetMs = targetMs;
    this.factor = targetMs === undefined || naturalMs === 0 ? 1 : targetMs / naturalMs;
  }

  delay(ms: number): number {
    this.naturalElapsed += ms;
    const next = Math.round(this.naturalElapsed * this.factor);
    const delay = next - this.scaledElapsed;
    this.scaledElapsed = next;
    return delay;
  }

  /** Time still owed at exit (a script with no sleeps of its own runs for the whole target). */
  remaining(): number {
    if (this.targetMs === undefined) return 0;
    return Math.max(0, this.targetMs - this.scaledElapsed);
  }
}

/**
 * Ray's job manager and job supervisors, on the simulated clock: accepts submissions, keeps
 * them PENDING until their entrypoint resources fit (or fails them after the start timeout),
 * runs the simulated entrypoint, and records status, driver info, exit code and logs.
 */
export class JobManager {
  private readonly options: JobManagerOptions;
  private readonly jobs = new Map<string, Job>();
  private nextJobNumber = firstDriverJobNumber;
  private submissions = 0;
  private lastActivityMs: number;

  constructor(options: JobManagerOptions) {
    this.options = options;
    this.lastActivityMs = options.clock.now();
  }

  /**
   * Accepts a job as `POST /api/jobs/` does and returns its submission id.
   * @throws RayDashboardError 500 when the submission id is taken
   */
  submit(request: JobSubmitRequest): string {
    const now = this.options.clock.now();
    const submissionId = request.submissionId ?? this.generateSubmissionId();
    if (this.jobs.has(submissionId)) {
      const valueError = `ValueError: Job with submission_id ${submissionId} already exists. Please use a different submission_id.`;
      throw new RayDashboardError(
        500,
        pythonTraceback(
          [
            rayFrame(
              'dashboard/modules/job/job_head.py',
              361,
              'submit_job',
              'resp = await job_agent_client.submit_job_internal(submit_request)',
            ),
          ],
          `RuntimeError: Request failed with status code 400: ${pythonTraceback(
            [
              rayFrame(
                'dashboard/modules/job/job_manager.py',
                580,
                'submit_job',
                'raise ValueError(',
              ),
            ],
            valueError,
          )}.`,
        ),
      );
    }
    const job: Job = {
      submissionId,
      request,
      status: 'PENDING',
      message: null,
      errorType: null,
      startTime: now,
      endTime: null,
      driverAgentHttpAddress: null,
      driverNodeId: null,
      driverExitCode: null,
      jobId: null,
      driverInfo: null,
      logs: '',
      timers: new Set(),
      watchers: new Set(),
    };
    this.jobs.set(submissionId, job);
    this.lastActivityMs = now;
    this.appendLog(
      job,
      `${formatRayLogTime(now)}\tINFO job_manager.py:568 -- Runtime env is setting up.\n`,
    );
    const negative = Object.entries(entrypointDemand(request)).find(([, amount]) => amount < 0);
    if (negative) {
      const error = 'Resource quantities must be nonnegative.';
      this.finish(job, 'FAILED', {
        message: `Failed to start supervisor actor ${submissionId}: '${error}'. Full traceback:\n${pythonTraceback(
          [
            rayFrame(
              'dashboard/modules/job/job_manager.py',
              612,
              'submit_job',
              'supervisor = self._supervisor_actor_cls.options(',
            ),
          ],
          `ValueError: ${error}`,
        )}`,
        errorType: 'JOB_SUPERVISOR_ACTOR_START_FAILURE',
      });
      return submissionId;
    }
    this.changed();
    const timeoutMs = (this.options.startTimeoutSeconds ?? 900) * 1000;
    // The monitor loop checks once a second and fails the job once it is *more* than the
    // timeout past its start time: the first check after the timeout.
    job.startTimeout = this.options.clock.setTimer(timeoutMs + 1000, () => this.startTimedOut(job));
    this.schedulePending();
    return submissionId;
  }

  /** The job table in a JSON-safe form, to be restored by {@link restoreTable}. */
  exportTable(): PersistedJobTable {
    return {
      format: 'raydeck-ray-jobs/v1',
      nextJobNumber: this.nextJobNumber,
      submissions: this.submissions,
      lastActivityMs: this.lastActivityMs,
      jobs: [...this.jobs.values()].map((job) => ({
        submissionId: job.submissionId,
        request: job.request,
        status: job.status,
        message: job.message,
        errorType: job.errorType,
        startTime: job.startTime,
        endTime: job.endTime,
        driverAgentHttpAddress: job.driverAgentHttpAddress,
        driverNodeId: job.driverNodeId,
        driverExitCode: job.driverExitCode,
        jobId: job.jobId,
        driverInfo: job.driverInfo,
        logs: job.logs,
      })),
    };
  }

  /**
   * Loads a table saved by {@link exportTable} (after a sandbox restart). Ended jobs come back
   * as they were. A job that was PENDING or RUNNING lost its supervisor with the old process, so
   * it ends FAILED now, as Ray reports a job whose supervisor actor died with its node.
   */
  restoreTable(table: PersistedJobTable): void {
    const now = this.options.clock.now();
    this.nextJobNumber = Math.max(this.nextJobNumber, table.nextJobNumber);
    this.submissions = Math.max(this.submissions, table.submissions);
    this.lastActivityMs = Math.max(this.lastActivityMs, table.lastActivityMs);
    for (const saved of table.jobs) {
      const job: Job = { ...saved, timers: new Set(), watchers: new Set() };
      if (!isTerminal(job.status)) {
        job.message = `Job supervisor actor died: the Ray head restarted (Raydeck sandbox restart) while the job was ${job.status}.`;
        job.errorType = 'JOB_SUPERVISOR_ACTOR_DIED';
        job.status = 'FAILED';
        job.endTime = now;
        this.lastActivityMs = Math.max(this.lastActivityMs, now);
      }
      this.jobs.set(job.submissionId, job);
    }
    this.changed();
  }

  /** The job with this submission id or Ray job id (hex). */
  details(id: string): JobDetails | undefined {
    const job = this.find(id);
    return job ? this.toDetails(job) : undefined;
  }

  /** Every job, in submission order. */
  list(): JobDetails[] {
    return [...this.jobs.values()].map((job) => this.toDetails(job));
  }

  /** The driver log so far; empty until the entrypoint started, as in Ray. Undefined: no job. */
  logs(id: string): string | undefined {
    const job = this.find(id);
    if (!job) return undefined;
    return job.driverAgentHttpAddress === null ? '' : job.logs;
  }

  /**
   * Follows a job's log as `/logs/tail` does: once the entrypoint started, `onLogs` gets what
   * was written so far and then each new chunk; `onEnd` comes when the job is terminal (at once
   * if it ended without starting). Returns a function that stops following.
   */
  followLogs(id: string, onLogs: (chunk: string) => void, onEnd: () => void): () => void {
    const job = this.find(id);
    if (!job) {
      onEnd();
      return () => undefined;
    }
    if (isTerminal(job.status) && job.driverAgentHttpAddress === null) {
      onEnd();
      return () => undefined;
    }
    let started = job.driverAgentHttpAddress !== null;
    if (started && job.logs !== '') onLogs(job.logs);
    if (isTerminal(job.status)) {
      onEnd();
      return () => undefined;
    }
    const watcher: LogWatcher = {
      onLogs: (chunk) => {
        if (!started) {
          if (job.driverAgentHttpAddress === null) return;
          started = true;
          onLogs(job.logs);
          return;
        }
        onLogs(chunk);
      },
      onEnd,
    };
    job.watchers.add(watcher);
    return () => job.watchers.delete(watcher);
  }

  /**
   * Asks a job to stop, as `POST /api/jobs/{id}/stop`: true if it was PENDING or RUNNING (it is
   * STOPPED at once), false if it had already ended. Undefined: no such job.
   */
  stop(id: string): boolean | undefined {
    const job = this.find(id);
    if (!job) return undefined;
    if (isTerminal(job.status)) return false;
    this.finish(job, 'STOPPED', {});
    return true;
  }

  /**
   * Deletes a terminal job's record, as `DELETE /api/jobs/{id}`. Undefined: no such job.
   * @throws RayDashboardError 500 when the job has not ended
   */
  delete(id: string): boolean | undefined {
    const job = this.find(id);
    if (!job) return undefined;
    if (!isTerminal(job.status)) {
      const inner = pythonTraceback(
        [
          rayFrame(
            'dashboard/modules/job/job_manager.py',
            703,
            'delete_job',
            'raise RuntimeError(',
          ),
        ],
        `RuntimeError: Attempted to delete job '${job.submissionId}', but it is in a non-terminal state ${job.status}.`,
      );
      throw new RayDashboardError(
        500,
        pythonTraceback(
          [
            rayFrame(
              'dashboard/modules/job/job_head.py',
              404,
              'delete_job',
              'resp = await job_agent_client.delete_job_internal(job.submission_id)',
            ),
          ],
          `RuntimeError: Request failed with status code 500: ${inner}.`,
        ),
      );
    }
    this.jobs.delete(job.submissionId);
    this.changed();
    return true;
  }

  /** Whether any job is PENDING or RUNNING. */
  hasActiveJobs(): boolean {
    return [...this.jobs.values()].some((job) => !isTerminal(job.status));
  }

  /** Number of PENDING or RUNNING jobs. */
  activeJobCount(): number {
    return [...this.jobs.values()].filter((job) => !isTerminal(job.status)).length;
  }

  /** Epoch ms of the last submission or job end (the manager's creation if none). */
  lastActivity(): number {
    return this.lastActivityMs;
  }

  /** Latest end time of any job, epoch ms; undefined when none has ended. */
  latestEndTime(): number | undefined {
    const ends = [...this.jobs.values()].flatMap((job) =>
      job.endTime === null ? [] : [job.endTime],
    );
    return ends.length === 0 ? undefined : Math.max(...ends);
  }

  /** Entrypoints and workload tasks that wait for resources. */
  pendingDemand(): PendingDemand[] {
    const out: PendingDemand[] = [];
    for (const job of this.jobs.values()) {
      if (job.status === 'PENDING' && !job.node) {
        const resources = entrypointDemand(job.request);
        if (Object.values(resources).some((amount) => amount > 0)) {
          out.push({ resources, kind: 'job', owner: job.submissionId });
        }
      }
      for (const bundle of job.waiting?.bundles ?? []) {
        out.push({ resources: bundle, kind: 'task', owner: job.submissionId });
      }
    }
    return out;
  }

  /** Places PENDING jobs that now fit, in submission order. */
  schedulePending(): void {
    for (const job of this.jobs.values()) {
      if (job.status !== 'PENDING' || job.node) continue;
      const demand = entrypointDemand(job.request);
      const specified = Object.values(demand).some((amount) => amount > 0);
      const node = this.options.ledger.place(ownerKey(job), demand, { pinToHead: !specified });
      if (!node) continue;
      job.node = node;
      const setupMs =
        supervisorStartMs + (installsPackages(job.request.runtimeEnv) ? runtimeEnvInstallMs : 0);
      this.later(job, setupMs, () => this.startEntrypoint(job));
    }
  }

  /** Resumes workload scripts whose tasks or actors now fit. */
  recheckWaits(): void {
    for (const job of this.jobs.values()) {
      if (job.waiting && this.options.ledger.canPlaceAll(job.waiting.bundles)) {
        job.waiting.cancelTimeout?.();
        job.waiting = undefined;
        this.step(job, true);
      }
    }
  }

  /** Nodes died under these ledger owners: their jobs fail, or wait again if not started. */
  nodesLost(owners: readonly string[]): void {
    for (const job of this.jobs.values()) {
      if (!owners.includes(ownerKey(job))) continue;
      const node = job.node;
      job.node = undefined;
      if (job.status === 'PENDING') {
        this.cancelTimers(job);
        continue;
      }
      this.finish(
        job,
        'FAILED',
        {
          message: `Job supervisor actor died: The actor died because its node has died. Node Id: ${node?.nodeId ?? 'unknown'}`,
          errorType: 'JOB_SUPERVISOR_ACTOR_DIED',
        },
        false,
      );
    }
  }

  /** Cancels every timer and ends every log follower (the head is going away). */
  stopAll(): void {
    for (const job of this.jobs.values()) {
      for (const watcher of job.watchers) watcher.onEnd();
      job.watchers.clear();
      this.cancelTimers(job);
      job.startTimeout?.();
      job.waiting?.cancelTimeout?.();
      job.script?.return(0);
    }
  }

  private changed(): void {
    this.options.onJobsChanged?.();
  }

  private find(id: string): Job | undefined {
    return this.jobs.get(id) ?? [...this.jobs.values()].find((job) => job.jobId === id);
  }

  private generateSubmissionId(): string {
    const random = seededRandom(
      `${this.options.clusterName}/${this.options.clock.now()}/${this.submissions++}`,
    );
    let id = 'raysubmit_';
    for (let index = 0; index < 16; index++) {
      id += submissionIdAlphabet[Math.floor(random() * submissionIdAlphabet.length)];
    }
    return id;
  }

  private later(job: Job, delayMs: number, callback: () => void): void {
    const cancel = this.options.clock.setTimer(delayMs, () => {
      job.timers.delete(cancel);
      callback();
    });
    job.timers.add(cancel);
  }

  private cancelTimers(job: Job): void {
    for (const cancel of job.timers) cancel();
    job.timers.clear();
  }

  private startTimedOut(job: Job): void {
    job.startTimeout = undefined;
    if (job.status !== 'PENDING') return;
    const timeout = this.options.startTimeoutSeconds ?? 900;
    let message = `Job supervisor actor failed to start within ${timeout.toFixed(1)} seconds. This timeout can be configured by setting the environment variable RAY_JOB_START_TIMEOUT_SECONDS.`;
    if (Object.values(entrypointDemand(job.request)).some((amount) => amount > 0)) {
      // Ray's text, including its missing space before "aren't".
      message +=
        " This may be because the job entrypoint's specified resources (entrypoint_num_cpus, entrypoint_num_gpus, entrypoint_resources, entrypoint_memory)aren't available on the cluster. Try checking the cluster's available resources with `ray status` and specifying fewer resources for the job entrypoint.";
    }
    this.finish(job, 'FAILED', { message, errorType: 'JOB_SUPERVISOR_ACTOR_START_TIMEOUT' });
  }

  private startEntrypoint(job: Job): void {
    const node = job.node;
    if (!node || job.status !== 'PENDING') return;
    job.startTimeout?.();
    job.startTimeout = undefined;
    job.status = 'RUNNING';
    job.driverAgentHttpAddress = `http://${node.description.ip}:52365`;
    job.driverNodeId = node.nodeId;
    const envVars = stringRecord(job.request.runtimeEnv?.env_vars);
    const simulated = simulateEntrypoint(job.request.entrypoint, envVars);
    const ctx = this.scriptContext(job);
    const natural =
      simulated.durationOverrideMs === undefined ? 0 : measureScript(simulated.create(ctx));
    job.scale = new DurationScale(natural, simulated.durationOverrideMs);
    job.script = simulated.create(this.scriptContext(job));
    this.changed();
    this.notifyWatchers(job, '');
    this.step(job, true);
  }

  private scriptContext(job: Job): JobScriptContext {
    const ledger = this.options.ledger;
    return {
      nodes: () => ledger.aliveNodes().map((record) => record.description),
      headIp: ledger.head()?.description.ip ?? job.node?.description.ip ?? '127.0.0.1',
      random: seededRandom(job.submissionId),
      pid: (name) =>
        1000 + (Number.parseInt(stableHex(`${job.submissionId}/${name}`, 3), 16) % 60_000),
      ...this.workingDirOf(job),
    };
  }

  /** The uploaded working_dir package the job runs in, when its runtime_env names one. */
  private workingDirOf(job: Job): Pick<JobScriptContext, 'workingDir'> {
    const uri = job.request.runtimeEnv?.['working_dir'];
    const files = typeof uri === 'string' ? this.options.packageFiles?.(uri) : undefined;
    return typeof uri === 'string' && files ? { workingDir: { uri, files } } : {};
  }

  /** Runs the script until it sleeps, waits or exits. */
  private step(job: Job, input: boolean): void {
    const script = job.script;
    if (!script || job.status !== 'RUNNING') return;
    let resume = input;
    for (;;) {
      const next = script.next(resume);
      resume = true;
      if (next.done) {
        const exitCode = next.value;
        const remaining = job.scale?.remaining() ?? 0;
        if (remaining > 0) this.later(job, remaining, () => this.exited(job, exitCode));
        else this.exited(job, exitCode);
        return;
      }
      const action = next.value;
      const now = this.options.clock.now();
      switch (action.kind) {
        case 'print': {
          const text = typeof action.text === 'function' ? action.text(now) : action.text;
          this.appendLog(job, `${text}\n`);
          break;
        }
        case 'log':
          this.appendLog(
            job,
            `${formatRayLogTime(now)}\t${action.level} ${action.source} -- ${action.message}\n`,
          );
          break;
        case 'connectDriver':
          this.connectDriver(job);
          break;
        case 'sleep': {
          const delay = job.scale?.delay(action.ms) ?? action.ms;
          this.later(job, delay, () => this.step(job, true));
          return;
        }
        case 'waitFor': {
          if (this.options.ledger.canPlaceAll(action.bundles)) break;
          const waiting: NonNullable<Job['waiting']> = { bundles: action.bundles };
          if (action.timeoutMs !== undefined) {
            waiting.cancelTimeout = this.options.clock.setTimer(action.timeoutMs, () => {
              if (job.waiting !== waiting) return;
              job.waiting = undefined;
              this.step(job, false);
            });
          }
          job.waiting = waiting;
          return;
        }
      }
    }
  }

  private connectDriver(job: Job): void {
    if (job.jobId !== null || !job.node) return;
    const number = this.nextJobNumber++;
    const bytes = [
      number & 0xff,
      (number >>> 8) & 0xff,
      (number >>> 16) & 0xff,
      (number >>> 24) & 0xff,
    ];
    job.jobId = bytes.map((byte) => byte.toString(16).padStart(2, '0')).join('');
    job.driverInfo = {
      id: job.jobId,
      node_ip_address: job.node.description.ip,
      pid: String(this.scriptContext(job).pid('driver')),
    };
    this.changed();
  }

  private exited(job: Job, exitCode: number): void {
    if (job.status !== 'RUNNING') return;
    if (exitCode === 0) {
      this.finish(job, 'SUCCEEDED', { exitCode });
      return;
    }
    const tail = lastLines(job.logs, failureLogLines);
    this.finish(job, 'FAILED', {
      exitCode,
      errorType: 'JOB_ENTRYPOINT_COMMAND_ERROR',
      message:
        tail === ''
          ? `Job entrypoint command failed with exit code ${exitCode}. No logs available.`
          : `Job entrypoint command failed with exit code ${exitCode}, last available logs (truncated to 20,000 chars):\n${tail}`,
    });
  }

  private finish(
    job: Job,
    status: JobStatus,
    outcome: { message?: string; errorType?: string; exitCode?: number },
    releaseResources = true,
  ): void {
    const now = this.options.clock.now();
    this.cancelTimers(job);
    job.startTimeout?.();
    job.startTimeout = undefined;
    job.waiting?.cancelTimeout?.();
    job.waiting = undefined;
    const script = job.script;
    job.script = undefined;
    script?.return(0);
    job.status = status;
    job.message = outcome.message ?? null;
    job.errorType = outcome.errorType ?? null;
    job.driverExitCode = outcome.exitCode ?? null;
    job.endTime = now;
    this.lastActivityMs = now;
    if (releaseResources && job.node) this.options.ledger.release(ownerKey(job), now);
    job.node = undefined;
    for (const watcher of job.watchers) watcher.onEnd();
    job.watchers.clear();
    this.changed();
    this.options.onResourcesFreed();
  }

  private appendLog(job: Job, text: string): void {
    job.logs += text;
    this.notifyWatchers(job, text);
  }

  private notifyWatchers(job: Job, chunk: string): void {
    for (const watcher of job.watchers) watcher.onLogs(chunk);
  }

  private toDetails(job: Job): JobDetails {
    return {
      type: 'SUBMISSION',
      job_id: job.jobId,
      submission_id: job.submissionId,
      driver_info: job.driverInfo,
      status: job.status,
      entrypoint: job.request.entrypoint,
      message: job.message ?? defaultMessage(job),
      error_type: job.errorType,
      start_time: job.startTime,
      end_time: job.endTime,
      metadata: job.request.metadata ?? null,
      runtime_env: job.request.runtimeEnv ?? null,
      driver_agent_http_address: job.driverAgentHttpAddress,
      driver_node_id: job.driverNodeId,
      driver_exit_code: job.driverExitCode,
    };
  }
}

/** The resources a job's entrypoint asks for, as Ray resource names. */
export function entrypointDemand(request: JobSubmitRequest): ResourceAmounts {
  const demand: ResourceAmounts = {};
  if (request.entrypointNumCpus) demand.CPU = request.entrypointNumCpus;
  if (request.entrypointNumGpus) demand.GPU = request.entrypointNumGpus;
  if (request.entrypointMemory) demand.memory = request.entrypointMemory;
  for (const [name, amount] of Object.entries(request.entrypointResources ?? {}))
    demand[name] = amount;
  return demand;
}

/** Ray's `JobInfo` default messages (`__post_init__`). */
function defaultMessage(job: Job): string {
  switch (job.status) {
    case 'PENDING': {
      let message = 'Job has not started yet.';
      if (Object.values(entrypointDemand(job.request)).some((amount) => amount > 0)) {
        message +=
          ' It may be waiting for resources (CPUs, GPUs, memory, custom resources) to become available.';
      }
      if (job.request.runtimeEnv && Object.keys(job.request.runtimeEnv).length > 0) {
        message += ' It may be waiting for the runtime environment to be set up.';
      }
      return message;
    }
    case 'RUNNING':
      return 'Job is currently running.';
    case 'STOPPED':
      return 'Job was intentionally stopped.';
    case 'SUCCEEDED':
      return 'Job finished successfully.';
    case 'FAILED':
      return 'Job failed.';
  }
}

function ownerKey(job: Job): string {
  return `job:${job.submissionId}`;
}

function installsPackages(runtimeEnv: Record<string, unknown> | undefined): boolean {
  return ['pip', 'uv', 'conda'].some(
    (key) => runtimeEnv?.[key] !== undefined && runtimeEnv[key] !== null,
  );
}

function stringRecord(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(
    Object.entries(value).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
}

function lastLines(text: string, count: number): string {
  const lines = text.split(/(?<=\n)/);
  return lines.slice(-count).join('').slice(-failureLogChars);
}
