import type { SimClock } from '../world/simClock.ts';
import type { PendingDemand } from './JobManager.ts';
import { pythonTraceback, rayFrame } from './pythonTraceback.ts';
import { seededRandom, stableHex } from './rayNodes.ts';
import type { RayNodeRecord, ResourceAmounts, ResourceLedger } from './ResourceLedger.ts';
import type {
  ServeApplicationConfig,
  ServeDeployConfig,
  ServeDeploymentConfig,
} from './serveDeployConfig.ts';

/** Serve application statuses (`ApplicationStatus`). */
export type ServeApplicationStatus =
  'NOT_STARTED' | 'DEPLOYING' | 'DEPLOY_FAILED' | 'RUNNING' | 'UNHEALTHY' | 'DELETING';

/** Serve deployment statuses (`DeploymentStatus`). */
export type ServeDeploymentStatus = 'UPDATING' | 'HEALTHY' | 'UNHEALTHY' | 'DEPLOY_FAILED';

/** Options for {@link ServeController}. */
export interface ServeControllerOptions {
  clock: SimClock;
  ledger: ResourceLedger;
  clusterName: string;
  /** Called after resources were freed, so waiting work elsewhere can be placed. */
  onResourcesFreed: () => void;
}

/** From a PUT until the app is being built (the controller picks the config up). */
export const serveBuildStartMs = 1000;
/** From a PUT until the app's code is imported and its deployments exist. */
export const serveBuildDoneMs = 3000;
/** From a replica being placed on a node until it is RUNNING (actor start + constructor). */
export const serveReplicaStartMs = 2000;
/** From app removal until it is gone (status DELETING meanwhile). */
export const serveDeleteMs = 1000;
/** After this long unplaced, Serve explains in the deployment message why replicas wait. */
const schedulingWarningMs = 30_000;

interface Replica {
  replicaId: string;
  actorId: string;
  workerId: string;
  pid: number;
  state: 'STARTING' | 'RUNNING';
  node?: RayNodeRecord;
  startTimeMs: number;
  owner: string;
}

interface Deployment {
  config: ServeDeploymentConfig;
  targetReplicas: number;
  status: ServeDeploymentStatus;
  trigger: string;
  message: string;
  replicas: Replica[];
  /** Since when some replica has been waiting for resources. */
  unplacedSinceMs?: number;
}

interface App {
  config: ServeApplicationConfig;
  /** JSON of the submitted entry: an unchanged re-PUT changes nothing. */
  fingerprint: string;
  status: ServeApplicationStatus;
  message: string;
  lastDeployedTimeS: number;
  deployments: Map<string, Deployment>;
  timers: Set<() => void>;
}

/**
 * Ray Serve's controller, on the simulated clock: applications from `PUT
 * /api/serve/applications/` go NOT_STARTED → DEPLOYING → RUNNING, their deployments UPDATING →
 * HEALTHY as replicas are placed and started; an import path containing `fail` or `broken`
 * ends in DEPLOY_FAILED. Replicas hold their `ray_actor_options` resources on a node.
 */
export class ServeController {
  private readonly options: ServeControllerOptions;
  private readonly apps = new Map<string, App>();
  private config?: ServeDeployConfig;
  private controllerPid = 0;
  private replicaCounter = 0;

  constructor(options: ServeControllerOptions) {
    this.options = options;
  }

  /** Whether Serve is running (a config was deployed and Serve not shut down since). */
  get running(): boolean {
    return this.config !== undefined;
  }

  /** Deploys `config` as `PUT /api/serve/applications/`: apps not in it are deleted. */
  deploy(config: ServeDeployConfig): void {
    if (!this.config)
      this.controllerPid =
        1000 + (Number.parseInt(stableHex(`${this.options.clusterName}/serve`, 2), 16) % 60_000);
    this.config = {
      ...config,
      proxyLocation: this.config?.proxyLocation ?? config.proxyLocation,
      httpOptions: this.config?.httpOptions ?? config.httpOptions,
    };
    const now = this.options.clock.now();
    const wanted = new Set(config.applications.map((app) => app.name));
    for (const [name, app] of this.apps) {
      if (!wanted.has(name) && app.status !== 'DELETING') this.deleteApp(app);
    }
    for (const appConfig of config.applications) {
      const fingerprint = JSON.stringify(appConfig.raw);
      const existing = this.apps.get(appConfig.name);
      if (existing && existing.fingerprint === fingerprint && existing.status !== 'DELETING')
        continue;
      if (existing) this.teardown(existing);
      const app: App = {
        config: appConfig,
        fingerprint,
        status: existing ? 'DEPLOYING' : 'NOT_STARTED',
        message: '',
        lastDeployedTimeS: now / 1000,
        deployments: new Map(),
        timers: new Set(),
      };
      this.apps.set(appConfig.name, app);
      if (!existing) this.later(app, serveBuildStartMs, () => (app.status = 'DEPLOYING'));
      this.later(app, serveBuildDoneMs, () => this.built(app));
    }
  }

  /** `DELETE /api/serve/applications/`: shuts Serve down and removes every app at once. */
  shutdown(): void {
    for (const app of this.apps.values()) this.teardown(app);
    this.apps.clear();
    this.config = undefined;
    this.options.onResourcesFreed();
  }

  /** Places waiting replicas that now fit. */
  schedulePending(): void {
    for (const app of this.apps.values()) {
      for (const deployment of app.deployments.values()) {
        for (const replica of deployment.replicas) {
          if (replica.node) continue;
          const node = this.options.ledger.place(replica.owner, replicaDemand(deployment.config));
          if (!node) continue;
          replica.node = node;
          this.later(app, serveReplicaStartMs, () => {
            replica.state = 'RUNNING';
            this.refreshStatus(app, deployment);
          });
        }
        if (deployment.replicas.every((replica) => replica.node))
          deployment.unplacedSinceMs = undefined;
      }
    }
  }

  /** Replicas on nodes that died are replaced; their deployments turn UNHEALTHY meanwhile. */
  nodesLost(owners: readonly string[]): void {
    const lost = new Set(owners);
    for (const app of this.apps.values()) {
      for (const deployment of app.deployments.values()) {
        const dead = deployment.replicas.filter((replica) => lost.has(replica.owner));
        if (dead.length === 0) continue;
        deployment.replicas = deployment.replicas.filter((replica) => !lost.has(replica.owner));
        for (let index = 0; index < dead.length; index++) {
          deployment.replicas.push(this.newReplica(app, deployment));
        }
        deployment.status = 'UNHEALTHY';
        deployment.trigger = 'HEALTH_CHECK_FAILED';
        deployment.message = `${dead.length} replica(s) of Deployment(name='${deployment.config.name}', app='${app.config.name}') died unexpectedly (their node died); replacements are starting.`;
        if (app.status === 'RUNNING') app.status = 'UNHEALTHY';
      }
    }
  }

  /** Replicas waiting for resources. */
  pendingDemand(): PendingDemand[] {
    const out: PendingDemand[] = [];
    for (const app of this.apps.values()) {
      for (const deployment of app.deployments.values()) {
        for (const replica of deployment.replicas) {
          if (!replica.node) {
            out.push({
              resources: replicaDemand(deployment.config),
              kind: 'serve',
              owner: `${app.config.name}/${deployment.config.name}`,
            });
          }
        }
      }
    }
    return out;
  }

  /** Whether any app is RUNNING (idle detection may count Serve as activity). */
  hasRunningApps(): boolean {
    return [...this.apps.values()].some((app) => app.status === 'RUNNING');
  }

  /** Cancels every timer (the head is going away). */
  stopAll(): void {
    for (const app of this.apps.values()) this.cancelTimers(app);
  }

  /**
   * `GET /api/serve/applications/` (Ray's `ServeInstanceDetails`), optionally only apps of one
   * API type. All simulated apps are declarative (from a PUT).
   */
  details(apiType?: 'declarative' | 'imperative'): Record<string, unknown> {
    if (!this.config) {
      return {
        deploy_mode: 'MULTI_APP',
        controller_info: {},
        proxies: {},
        applications: {},
        target_capacity: null,
      };
    }
    const head = this.options.ledger.head();
    const proxies = this.proxyNodes();
    const applications = apiType === 'imperative' ? [] : [...this.apps.values()];
    return {
      controller_info: {
        node_id: head?.nodeId ?? null,
        node_ip: head?.description.ip ?? null,
        node_instance_id: '',
        actor_id: stableHex(`${this.options.clusterName}/controller`, 16),
        actor_name: 'SERVE_CONTROLLER_ACTOR',
        worker_id: stableHex(`${this.options.clusterName}/controller-worker`, 28),
        log_file_path: `/serve/controller_${this.controllerPid}.log`,
      },
      proxy_location: this.config.proxyLocation,
      http_options: this.config.httpOptions,
      grpc_options: this.config.grpcOptions,
      proxies: Object.fromEntries(proxies.map((node) => [node.nodeId, this.proxyDetails(node)])),
      deploy_mode: 'MULTI_APP',
      applications: Object.fromEntries(
        applications.map((app) => [app.config.name, this.appDetails(app)]),
      ),
      target_capacity: null,
      target_groups:
        proxies.length === 0
          ? []
          : [
              {
                targets: proxies.map((node) => ({
                  ip: node.description.ip,
                  port: Number(this.config?.httpOptions.port ?? 8000),
                  instance_id: '',
                  name: `SERVE_PROXY_ACTOR-${node.nodeId}`,
                })),
                route_prefix: '/',
                protocol: 'HTTP',
              },
            ],
    };
  }

  private proxyNodes(): RayNodeRecord[] {
    const location = this.config?.proxyLocation ?? 'EveryNode';
    if (location === 'Disabled') return [];
    const head = this.options.ledger.head();
    if (location === 'HeadOnly') return head ? [head] : [];
    const withReplicas = new Set(
      [...this.apps.values()].flatMap((app) =>
        [...app.deployments.values()].flatMap((deployment) =>
          deployment.replicas.flatMap((replica) => (replica.node ? [replica.node.nodeId] : [])),
        ),
      ),
    );
    return this.options.ledger
      .aliveNodes()
      .filter((node) => node.description.isHead || withReplicas.has(node.nodeId));
  }

  private proxyDetails(node: RayNodeRecord): Record<string, unknown> {
    return {
      node_id: node.nodeId,
      node_ip: node.description.ip,
      node_instance_id: '',
      actor_id: stableHex(`${node.nodeId}/proxy`, 16),
      actor_name: `SERVE_PROXY_ACTOR-${node.nodeId}`,
      worker_id: stableHex(`${node.nodeId}/proxy-worker`, 28),
      log_file_path: `/serve/proxy_${node.description.ip}.log`,
      status: 'HEALTHY',
    };
  }

  private appDetails(app: App): Record<string, unknown> {
    return {
      name: app.config.name,
      route_prefix: app.config.routePrefix,
      docs_path: null,
      status: app.status,
      message: app.message,
      last_deployed_time_s: app.lastDeployedTimeS,
      deployed_app_config: app.config.raw,
      source: 'declarative',
      deployments: Object.fromEntries(
        [...app.deployments.values()].map((deployment) => [
          deployment.config.name,
          this.deploymentDetails(app, deployment),
        ]),
      ),
      external_scaler_enabled: app.config.raw.external_scaler_enabled === true,
      deployment_topology: null,
    };
  }

  private deploymentDetails(app: App, deployment: Deployment): Record<string, unknown> {
    const now = this.options.clock.now();
    let message = deployment.message;
    const waiting = deployment.replicas.filter((replica) => !replica.node).length;
    if (
      waiting > 0 &&
      deployment.unplacedSinceMs !== undefined &&
      now - deployment.unplacedSinceMs >= schedulingWarningMs
    ) {
      message =
        `Deployment '${deployment.config.name}' in application '${app.config.name}' has ${waiting} replicas that have taken more than 30s to be scheduled. ` +
        'This may be due to waiting for the cluster to auto-scale or for a runtime environment to be installed. ' +
        `Resources required for each replica: ${JSON.stringify(replicaDemand(deployment.config))}, total resources available: ${JSON.stringify(this.freeTotals())}. ` +
        'Use `ray status` for more details.';
    }
    const options = deployment.config.rayActorOptions;
    return {
      name: deployment.config.name,
      status: deployment.status,
      status_trigger: deployment.trigger,
      message,
      deployment_config: {
        name: deployment.config.name,
        num_replicas: deployment.targetReplicas,
        max_ongoing_requests: 5,
        max_queued_requests: -1,
        user_config: deployment.config.raw.user_config ?? null,
        graceful_shutdown_wait_loop_s: 2.0,
        graceful_shutdown_timeout_s: 20.0,
        health_check_period_s: 10.0,
        health_check_timeout_s: 30.0,
        ray_actor_options: { runtime_env: {}, num_cpus: 1.0, ...options },
      },
      target_num_replicas: deployment.targetReplicas,
      required_resources: replicaDemand(deployment.config),
      replicas: deployment.replicas.map((replica) => ({
        node_id: replica.node?.nodeId ?? null,
        node_ip: replica.node?.description.ip ?? null,
        node_instance_id: replica.node ? '' : null,
        actor_id: replica.actorId,
        actor_name: `SERVE_REPLICA::${app.config.name}#${deployment.config.name}#${replica.replicaId}`,
        worker_id: replica.node ? replica.workerId : null,
        log_file_path: replica.node
          ? `/serve/replica_${app.config.name}_${deployment.config.name}_${replica.replicaId}.log`
          : null,
        replica_id: replica.replicaId,
        state: replica.state,
        pid: replica.node ? replica.pid : null,
        start_time_s: replica.startTimeMs / 1000,
      })),
      autoscaling_detail: null,
    };
  }

  private freeTotals(): ResourceAmounts {
    const totals: ResourceAmounts = {};
    for (const node of this.options.ledger.aliveNodes()) {
      for (const [name, amount] of Object.entries(this.options.ledger.available(node))) {
        if (name === 'CPU' || name === 'GPU' || name === 'memory')
          totals[name] = (totals[name] ?? 0) + amount;
      }
    }
    return totals;
  }

  private built(app: App): void {
    const importPath = app.config.importPath;
    if (/fail|broken/i.test(importPath)) {
      const module = importPath.split(':')[0] ?? importPath;
      app.status = 'DEPLOY_FAILED';
      app.message = `Deploying app '${app.config.name}' failed with exception:\n${pythonTraceback(
        [
          rayFrame(
            'serve/_private/application_state.py',
            1163,
            'build_serve_application',
            'app = call_user_app_builder_with_args_if_necessary(import_attr(import_path), args)',
          ),
          rayFrame(
            '_common/utils.py',
            164,
            'import_attr',
            'module = importlib.import_module(module_name)',
          ),
          {
            file: '/home/ray/anaconda3/lib/python3.10/importlib/__init__.py',
            line: 126,
            function: 'import_module',
            code: 'return _bootstrap._gcd_import(name[level:], package, level)',
          },
        ],
        `ModuleNotFoundError: No module named '${module}'`,
      )}`;
      return;
    }
    app.status = 'DEPLOYING';
    app.deployments = new Map();
    for (const config of deploymentsOf(app.config)) {
      const deployment: Deployment = {
        config,
        targetReplicas: config.numReplicas ?? 1,
        status: 'UPDATING',
        trigger: 'CONFIG_UPDATE_STARTED',
        message: '',
        replicas: [],
      };
      for (let index = 0; index < deployment.targetReplicas; index++)
        deployment.replicas.push(this.newReplica(app, deployment));
      app.deployments.set(config.name, deployment);
    }
    this.schedulePending();
  }

  private newReplica(app: App, deployment: Deployment): Replica {
    const seed = `${this.options.clusterName}/${app.config.name}/${deployment.config.name}/${this.replicaCounter++}`;
    const random = seededRandom(seed);
    const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
    const replicaId = Array.from(
      { length: 8 },
      () => alphabet[Math.floor(random() * alphabet.length)],
    ).join('');
    deployment.unplacedSinceMs ??= this.options.clock.now();
    return {
      replicaId,
      actorId: stableHex(`${seed}/actor`, 16),
      workerId: stableHex(`${seed}/worker`, 28),
      pid: 1000 + Math.floor(random() * 60_000),
      state: 'STARTING',
      startTimeMs: this.options.clock.now(),
      owner: `serve:${app.config.name}/${deployment.config.name}/${replicaId}`,
    };
  }

  private refreshStatus(app: App, deployment: Deployment): void {
    if (
      deployment.replicas.length === deployment.targetReplicas &&
      deployment.replicas.every((replica) => replica.state === 'RUNNING')
    ) {
      deployment.status = 'HEALTHY';
      deployment.trigger = 'CONFIG_UPDATE_COMPLETED';
      deployment.message = '';
    }
    const all = [...app.deployments.values()];
    if (
      all.every((candidate) => candidate.status === 'HEALTHY') &&
      (app.status === 'DEPLOYING' || app.status === 'UNHEALTHY')
    ) {
      app.status = 'RUNNING';
      app.message = '';
    }
  }

  private deleteApp(app: App): void {
    this.teardown(app);
    app.status = 'DELETING';
    app.message = '';
    this.later(app, serveDeleteMs, () => {
      if (this.apps.get(app.config.name) === app) this.apps.delete(app.config.name);
    });
  }

  private teardown(app: App): void {
    this.cancelTimers(app);
    const now = this.options.clock.now();
    for (const deployment of app.deployments.values()) {
      for (const replica of deployment.replicas) this.options.ledger.release(replica.owner, now);
    }
    app.deployments = new Map();
    this.options.onResourcesFreed();
  }

  private later(app: App, delayMs: number, callback: () => void): void {
    const cancel = this.options.clock.setTimer(delayMs, () => {
      app.timers.delete(cancel);
      callback();
    });
    app.timers.add(cancel);
  }

  private cancelTimers(app: App): void {
    for (const cancel of app.timers) cancel();
    app.timers.clear();
  }
}

/**
 * The deployments an app gets: those its config lists, else what its code would define (the
 * `serve_hello` sample: `Hello` with two half-CPU replicas; anything else: one deployment named
 * after the imported attribute, with one replica).
 */
function deploymentsOf(app: ServeApplicationConfig): ServeDeploymentConfig[] {
  if (app.deployments.length > 0) return app.deployments;
  if (/serve_hello/.test(app.importPath)) {
    return [
      { name: 'Hello', numReplicas: 2, rayActorOptions: { num_cpus: 0.5 }, raw: { name: 'Hello' } },
    ];
  }
  const attribute = app.importPath.split(/[:.]/).at(-1) ?? 'app';
  return [{ name: attribute, numReplicas: 1, rayActorOptions: {}, raw: { name: attribute } }];
}

/** What one replica reserves: `ray_actor_options`, with Serve's default of one CPU. */
function replicaDemand(config: ServeDeploymentConfig): ResourceAmounts {
  const options = config.rayActorOptions;
  const demand: ResourceAmounts = {
    CPU: typeof options.num_cpus === 'number' ? options.num_cpus : 1,
  };
  if (typeof options.num_gpus === 'number' && options.num_gpus > 0) demand.GPU = options.num_gpus;
  if (typeof options.memory === 'number' && options.memory > 0) demand.memory = options.memory;
  if (typeof options.resources === 'object' && options.resources !== null) {
    for (const [name, amount] of Object.entries(options.resources)) {
      if (typeof amount === 'number') demand[name] = amount;
    }
  }
  if (typeof options.accelerator_type === 'string')
    demand[`accelerator_type:${options.accelerator_type}`] = 0.001;
  return demand;
}
