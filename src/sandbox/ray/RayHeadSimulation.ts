import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

import type { ProxyHandler, ProxyUpgradeHandler } from '../apiserver/serviceProxy.ts';
import type { SimClock } from '../world/simClock.ts';
import { clusterStatusData, nodeSummaryData, rayStatusText } from './clusterStatus.ts';
import {
  DashboardRouter,
  internalErrorText,
  methodNotAllowedText,
  notFoundText,
  sendJson,
  sendRest,
  sendText,
  splitPath,
} from './dashboardHttp.ts';
import { notAWebSocketText, serveLogTail } from './jobLogTail.ts';
import { type JobDetails, JobManager, type PendingDemand } from './JobManager.ts';
import { addJobsRoutes, missing } from './jobsApi.ts';
import { type JobSubmitRequestJson, submitRequestFromJson } from './jobSubmitRequest.ts';
import type { JobTableStore } from './jobTableFile.ts';
import { addPackagesRoutes } from './packagesApi.ts';
import { PackageStore } from './PackageStore.ts';
import { pythonJsonDumps } from './pythonJson.ts';
import { type RayNodeDescription, stableHex } from './rayNodes.ts';
import { ResourceLedger } from './ResourceLedger.ts';
import { addServeRoutes } from './serveApi.ts';
import { ServeController } from './ServeController.ts';
import { validateServeDeployConfig } from './serveDeployConfig.ts';

/** Options for {@link RayHeadSimulation}. */
export interface RayHeadSimulationOptions {
  /** The only source of time. */
  clock: SimClock;
  /** The RayCluster's name (seeds node ids and generated submission ids). */
  clusterName: string;
  namespace: string;
  /** Ray version the head reports, e.g. `2.52.0`; ≥ 2.54 accepts `entrypoint_label_selector`. */
  rayVersion: string;
  /** The cluster's Ray nodes: the head and the workers that are up. */
  nodes: readonly RayNodeDescription[];
  /**
   * Ray token authentication (KubeRay `authOptions.mode: token`): every request except the
   * public health and login paths must carry `Authorization: Bearer <token>`,
   * `X-Ray-Authorization: Bearer <token>` or cookie `ray-authentication-token`.
   */
  authToken?: string;
  /** Ray's `RAY_JOB_START_TIMEOUT_SECONDS`. Default 900. */
  jobStartTimeoutSeconds?: number;
  /**
   * Where the job table is kept so it survives a sandbox restart (restored at construction,
   * saved on every job change). Default: memory only.
   */
  jobTable?: JobTableStore;
}

/** The result of {@link RayHeadSimulation.deployServeConfig}. */
export type ServeDeployResult =
  { accepted: true } | { accepted: false; status: 400; message: string };

/** The Jobs API version this simulation implements (Ray's `CURRENT_VERSION`; 4 added DELETE). */
export const jobsApiVersion = '4';

/** Paths Ray serves without a token (`http_server_head.py`). */
const publicPaths = new Set([
  '/',
  '/favicon.ico',
  '/api/authentication_mode',
  '/api/authenticate',
  '/api/healthz',
  '/api/gcs_healthz',
  '/api/local_raylet_healthz',
  '/-/healthz',
]);

/** Headers by which Ray tells a browser apart (`is_browser_request`). */
const browserHeaders = [
  'referer',
  'origin',
  'sec-fetch-mode',
  'sec-fetch-dest',
  'sec-fetch-site',
  'sec-fetch-user',
  'access-control-request-method',
  'access-control-request-headers',
];

/** Ray's token cookie. */
export const rayAuthCookie = 'ray-authentication-token';

/**
 * One simulated Ray head: the dashboard on port 8265 (Jobs API, Serve API, cluster status,
 * nodes, activity) and the job, Serve and scheduling behaviour behind it, on the simulated
 * clock. The KubeRay operator simulation creates one per ready head pod, registers
 * {@link handler} on the head Service's `dashboard` port, and calls {@link updateNodes} as
 * workers come and go. Behaviour and its sources: docs/sandbox-ray.md.
 */
export class RayHeadSimulation {
  /** Serves one dashboard request (`path` is what follows `/proxy`, with the query string). */
  readonly handler: ProxyHandler;
  /** Serves a WebSocket upgrade: `/api/jobs/{id}/logs/tail`. */
  readonly upgradeHandler: ProxyUpgradeHandler;

  private readonly options: RayHeadSimulationOptions;
  private readonly ledger: ResourceLedger;
  private readonly jobs: JobManager;
  private readonly serve: ServeController;
  private readonly router = new DashboardRouter();
  private readonly packages = new PackageStore();
  private readonly createdAt: number;
  private readonly sessionName: string;
  private rescheduling = false;
  private rescheduleAgain = false;
  private stopped = false;

  constructor(options: RayHeadSimulationOptions) {
    this.options = options;
    this.createdAt = options.clock.now();
    this.sessionName = sessionName(this.createdAt, options.clusterName);
    this.ledger = new ResourceLedger(options.clusterName);
    this.ledger.setNodes(options.nodes, this.createdAt);
    const onResourcesFreed = (): void => this.reschedule();
    this.jobs = new JobManager({
      clock: options.clock,
      ledger: this.ledger,
      clusterName: options.clusterName,
      ...(options.jobStartTimeoutSeconds !== undefined
        ? { startTimeoutSeconds: options.jobStartTimeoutSeconds }
        : {}),
      onResourcesFreed,
      ...(options.jobTable
        ? { onJobsChanged: () => options.jobTable?.save(this.jobs.exportTable()) }
        : {}),
      packageFiles: (uri) => this.packages.files(uri),
    });
    const saved = options.jobTable?.load();
    if (saved) this.jobs.restoreTable(saved);
    this.serve = new ServeController({
      clock: options.clock,
      ledger: this.ledger,
      clusterName: options.clusterName,
      onResourcesFreed,
    });
    this.addRoutes();
    this.handler = (request, response, path) => this.handle(request, response, path);
    this.upgradeHandler = (request, socket, head, path) =>
      this.handleUpgrade(request, socket, head, path);
  }

  /** Replaces the node set (workers added, removed, or not alive); waiting work is placed. */
  updateNodes(nodes: readonly RayNodeDescription[]): void {
    const lost = this.ledger.setNodes(nodes, this.options.clock.now());
    this.jobs.nodesLost(lost);
    this.serve.nodesLost(lost);
    this.reschedule();
  }

  /** Cancels every timer; afterwards requests get 503 (the head is gone). */
  stop(): void {
    this.stopped = true;
    this.jobs.stopAll();
    this.serve.stopAll();
  }

  /** A job by submission id or Ray job id. */
  getJob(submissionId: string): JobDetails | undefined {
    return this.jobs.details(submissionId);
  }

  /** Every job, in submission order (what `GET /api/jobs/` returns). */
  listJobs(): JobDetails[] {
    return this.jobs.list();
  }

  /** A job's driver log so far ('' before it started); undefined for an unknown job. */
  getJobLogs(submissionId: string): string | undefined {
    return this.jobs.logs(submissionId);
  }

  /**
   * Submits a job without HTTP, exactly as `POST /api/jobs/` would (the RayJob simulation's
   * HTTPMode and K8sJobMode submitter use it).
   * @throws RayDashboardError with Ray's status and body when Ray would refuse it
   */
  submitJob(request: JobSubmitRequestJson): { job_id: string; submission_id: string } {
    const submissionId = this.jobs.submit(submitRequestFromJson(request, this.submitOptions()));
    return { job_id: submissionId, submission_id: submissionId };
  }

  /** `POST /api/jobs/{id}/stop` without HTTP; undefined for an unknown job. */
  stopJob(submissionId: string): boolean | undefined {
    return this.jobs.stop(submissionId);
  }

  /**
   * Resource bundles that wait for room: entrypoints of PENDING jobs, tasks and actors of
   * running workloads, and Serve replicas. An autoscaler adds nodes until they fit.
   */
  pendingResourceDemand(): PendingDemand[] {
    return [...this.jobs.pendingDemand(), ...this.serve.pendingDemand()];
  }

  /** What `GET /api/serve/applications/` returns (Ray's `ServeInstanceDetails`). */
  serveApplications(): Record<string, unknown> {
    return this.serve.details();
  }

  /** `PUT /api/serve/applications/` without HTTP: `config` is serveConfigV2 as parsed JSON. */
  deployServeConfig(config: unknown): ServeDeployResult {
    const result = validateServeDeployConfig(config);
    if (!result.ok) return { accepted: false, status: 400, message: result.text };
    this.serve.deploy(result.config);
    return { accepted: true };
  }

  /** True when no job is PENDING or RUNNING (Serve apps do not count, as in Ray's driver activity). */
  isIdle(): boolean {
    return !this.jobs.hasActiveJobs();
  }

  /** Epoch ms of the last job activity: now while a job is active, else the last submission or end. */
  lastActivityTime(): number {
    if (this.jobs.hasActiveJobs()) return this.options.clock.now();
    return Math.max(this.createdAt, this.jobs.lastActivity());
  }

  private submitOptions(): { acceptsLabelSelector: boolean } {
    const [major = 0, minor = 0] = this.options.rayVersion
      .split('.')
      .map((part) => Number.parseInt(part, 10));
    return { acceptsLabelSelector: major > 2 || (major === 2 && minor >= 54) };
  }

  private reschedule(): void {
    if (this.rescheduling) {
      this.rescheduleAgain = true;
      return;
    }
    this.rescheduling = true;
    try {
      do {
        this.rescheduleAgain = false;
        this.jobs.schedulePending();
        this.serve.schedulePending();
        this.jobs.recheckWaits();
      } while (this.rescheduleAgain);
    } finally {
      this.rescheduling = false;
    }
  }

  private version(): Record<string, string> {
    return {
      version: jobsApiVersion,
      ray_version: this.options.rayVersion,
      ray_commit: stableHex(`ray-${this.options.rayVersion}`, 20),
      session_name: this.sessionName,
    };
  }

  private addRoutes(): void {
    const router = this.router;
    router.add('GET', '/', ({ response }) => {
      const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Ray Dashboard</title></head><body><h1>Ray Dashboard</h1><p>Simulated Ray ${escapeHtml(this.options.rayVersion)} head of RayCluster ${escapeHtml(this.options.namespace)}/${escapeHtml(this.options.clusterName)} (Raydeck sandbox). The REST API is served; the web UI is not.</p></body></html>`;
      response.writeHead(200, {
        'Content-Type': 'text/html',
        'Cache-Control': 'no-store',
        'Content-Length': String(Buffer.byteLength(html)),
      });
      response.end(html);
    });
    for (const path of ['/api/gcs_healthz', '/api/healthz']) {
      router.add('GET', path, ({ response }) => sendText(response, 200, 'success'));
    }
    router.add('GET', '/api/authentication_mode', ({ response }) =>
      sendJson(response, 200, {
        authentication_mode: this.options.authToken ? 'token' : 'disabled',
      }),
    );
    router.add('POST', '/api/authenticate', ({ request, response }) =>
      this.authenticate(request, response),
    );
    addJobsRoutes(router, this.jobs, { ...this.submitOptions(), version: () => this.version() });
    addPackagesRoutes(router, this.packages);
    router.add(
      'GET',
      '/api/jobs/{job_or_submission_id}/logs/tail',
      ({ request, response, params }) => {
        const id = params.job_or_submission_id ?? '';
        if (this.jobs.details(id) === undefined) return missing(response, id);
        if (request.headers.upgrade?.toLowerCase() === 'websocket') {
          sendText(
            response,
            501,
            'The simulated Ray dashboard streams job logs over WebSocket only when the upgrade request reaches RayHeadSimulation.upgradeHandler; this request came as a plain HTTP request.',
          );
          return;
        }
        sendText(response, 400, notAWebSocketText(request.headers.upgrade));
      },
    );
    addServeRoutes(router, this.serve);
    router.add('GET', '/api/cluster_status', ({ response, query }) => {
      const view = this.clusterView();
      if (query.get('format') === '1') {
        sendRest(response, true, 'Got formatted cluster status.', {
          cluster_status: rayStatusText(view),
        });
        return;
      }
      sendRest(response, true, 'Got cluster status.', clusterStatusData(view));
    });
    router.add('GET', '/nodes', ({ response, query }) => {
      const view = query.get('view');
      if (view === 'summary') {
        sendRest(response, true, 'Node summary fetched.', nodeSummaryData(this.clusterView()));
      } else if (view?.toLowerCase() === 'hostnamelist') {
        sendRest(response, true, 'Node hostname list fetched.', {
          host_name_list: this.ledger.aliveNodes().map((node) => node.description.name),
        });
      } else {
        sendRest(response, false, `Unknown view ${view ?? 'None'}`, {});
      }
    });
    router.add('GET', '/api/component_activities', ({ response }) => {
      const active = this.jobs.activeJobCount();
      const latestEnd = this.jobs.latestEndTime();
      sendJson(response, 200, {
        driver: {
          is_active: active > 0 ? 'ACTIVE' : 'INACTIVE',
          reason: active > 0 ? `Number of active drivers: ${active}` : null,
          timestamp: this.options.clock.now() / 1000,
          last_activity_at: latestEnd === undefined ? null : latestEnd / 1000,
        },
      });
    });
  }

  private clusterView(): Parameters<typeof rayStatusText>[0] {
    return {
      ledger: this.ledger,
      demands: this.pendingResourceDemand(),
      nowMs: this.options.clock.now(),
      monitorPid:
        1000 + (Number.parseInt(stableHex(`${this.options.clusterName}/monitor`, 2), 16) % 60_000),
    };
  }

  private authenticate(request: IncomingMessage, response: ServerResponse): void {
    const token = this.options.authToken;
    if (!token) return sendText(response, 401, 'Unauthorized: Token authentication is not enabled');
    const header = request.headers.authorization ?? '';
    if (header === '') return sendText(response, 401, 'Unauthorized: Missing authentication token');
    if (header !== `Bearer ${token}`)
      return sendText(response, 403, 'Forbidden: Invalid authentication token');
    const body = pythonJsonDumps({ status: 'authenticated', message: 'Token is valid' });
    response.writeHead(200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': String(Buffer.byteLength(body)),
      'Set-Cookie': `${rayAuthCookie}=${token}; HttpOnly; Max-Age=2592000; Path=/; SameSite=Strict`,
    });
    response.end(body);
  }

  /** Ray's token middleware: undefined when the request may pass, else the refusal. */
  private authFailure(
    request: IncomingMessage,
    path: string,
  ): { status: number; text: string } | undefined {
    const token = this.options.authToken;
    if (!token || publicPaths.has(path) || path.startsWith('/static/')) return undefined;
    let header = request.headers.authorization ?? '';
    if (header === '') header = headerValue(request.headers['x-ray-authorization']);
    if (header === '') {
      const cookie = cookieValue(request.headers.cookie, rayAuthCookie);
      if (cookie) header = `Bearer ${cookie}`;
    }
    if (header === '') return { status: 401, text: 'Unauthorized: Missing authentication token' };
    if (header !== `Bearer ${token}`)
      return { status: 403, text: 'Forbidden: Invalid authentication token' };
    return undefined;
  }

  private handle(request: IncomingMessage, response: ServerResponse, pathWithQuery: string): void {
    if (this.stopped) return sendText(response, 503, 'The Ray head is not running.');
    const { path, segments, query } = splitPath(pathWithQuery);
    const method = (request.method ?? 'GET').toUpperCase();
    const refused = this.authFailure(request, path);
    if (refused) return sendText(response, refused.status, refused.text);
    if (
      (method === 'POST' || method === 'PUT') &&
      path !== '/api/authenticate' &&
      isBrowserRequest(request)
    ) {
      return sendText(response, 405, 'Method Not Allowed for browser traffic.');
    }
    const resolved = this.router.resolve(method, segments);
    if (resolved.kind === 'not-found') return sendText(response, 404, notFoundText);
    if (resolved.kind === 'method-not-allowed') {
      return sendText(response, 405, methodNotAllowedText, { Allow: resolved.allowed.join(',') });
    }
    const fail = (): void => {
      if (!response.headersSent) sendText(response, 500, internalErrorText);
      else response.destroy();
    };
    try {
      const result = resolved.handler({ request, response, params: resolved.params, query });
      if (result) result.catch(fail);
    } catch {
      fail();
    }
  }

  private handleUpgrade(
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    pathWithQuery: string,
  ): void {
    const { path, segments } = splitPath(pathWithQuery);
    const refused = this.stopped
      ? { status: 503, text: 'The Ray head is not running.' }
      : this.authFailure(request, path);
    const isTail =
      segments.length === 5 &&
      segments[0] === 'api' &&
      segments[1] === 'jobs' &&
      segments[3] === 'logs' &&
      segments[4] === 'tail' &&
      segments[2] !== '';
    const problem =
      refused ??
      (isTail && (request.method ?? 'GET') === 'GET'
        ? undefined
        : { status: 404, text: notFoundText });
    if (problem) {
      const body = Buffer.from(problem.text, 'utf8');
      socket.end(
        Buffer.concat([
          Buffer.from(
            `HTTP/1.1 ${problem.status} ${statusReason(problem.status)}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
          ),
          body,
        ]),
      );
      return;
    }
    serveLogTail(request, socket, this.jobs, segments[2] ?? '', head);
  }
}

/** Ray's `is_browser_request`: a Mozilla user agent or any browser-only header. */
function isBrowserRequest(request: IncomingMessage): boolean {
  return (
    (request.headers['user-agent'] ?? '').startsWith('Mozilla') ||
    browserHeaders.some((name) => request.headers[name] !== undefined)
  );
}

function headerValue(value: string | string[] | undefined): string {
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

function statusReason(status: number): string {
  return (
    { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 503: 'Service Unavailable' }[
      status
    ] ?? 'Error'
  );
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Ray's session name: `session_<YYYY-MM-DD_HH-MM-SS_ffffff>_<pid>`, from the start time. */
function sessionName(startMs: number, clusterName: string): string {
  const iso = new Date(startMs).toISOString();
  const stamp = `${iso.slice(0, 10)}_${iso.slice(11, 19).replaceAll(':', '-')}_${iso.slice(20, 23)}000`;
  return `session_${stamp}_${1 + (Number.parseInt(stableHex(clusterName, 2), 16) % 500)}`;
}
