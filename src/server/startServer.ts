import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';

import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';

import { AuditLog } from './audit/AuditLog.ts';
import { ensureAdminUser, firstAdminUsername } from './auth/ensureAdminUser.ts';
import { oidcSignInFromConfig } from './auth/oidcSignInFromConfig.ts';
import { TeamStore } from './auth/TeamStore.ts';
import { buildServer } from './buildServer.ts';
import { createMetricsRegistry } from './httpMetrics.ts';
import { informerMetrics } from './informerMetrics.ts';
import { KubeCache } from './k8s/KubeCache.ts';
import { KubeClient } from './k8s/KubeClient.ts';
import { connectKube, type KubeConnectionSource } from './k8s/kubeConnection.ts';
import { kubeRayApiServerCachedKinds } from './k8s/kubeKinds.ts';
import { KubeRayApiServerClient } from './k8s/KubeRayApiServerClient.ts';
import { packageVersion } from './packageRoot.ts';
import { runsInCluster, type ServerConfig } from './serverConfig.ts';
import { ClusterIndex } from './services/ClusterIndex.ts';
import { ClusterService } from './services/ClusterService.ts';
import { GpuService } from './services/GpuService.ts';
import { KubeRayTemplateSource } from './services/KubeRayTemplateSource.ts';
import { reconcileInterruptedMutations } from './services/reconcileInterruptedMutations.ts';
import { sandboxTemplates, TemplateService } from './services/TemplateService.ts';
import { scaledClock, UsageMeter } from './services/UsageMeter.ts';
import { UsageService } from './services/UsageService.ts';
import type { Database } from './store/database.ts';
import { IdempotencyStore } from './store/IdempotencyStore.ts';
import { openDatabase } from './store/openDatabase.ts';

/**
 * A fresh sandbox gets a team per world namespace (team-a, team-b), with the first admin in
 * each, so a newcomer can pick a team in the wizard straight away.
 */
async function seedSandboxTeams(db: Kysely<Database>, teams: readonly string[]): Promise<void> {
  const store = new TeamStore(db);
  for (const name of teams) {
    const created = await store.create({
      name,
      displayName: name,
      description: 'Team of the sandbox world',
    });
    if (created) await store.setMembers(name, [firstAdminUsername]);
  }
}

/** Milliseconds between attempts of the startup reconciliation when one fails. Default 5 s. */
const reconcileRetryMs = 5_000;

/** Milliseconds a graceful shutdown may take before the process exits anyway. Default 10 s. */
const shutdownGraceMs = 10_000;

/** Where the portal's Kubernetes connection comes from, given its settings. */
export function connectionSourceOf(
  config: ServerConfig,
  sandboxKubeconfig?: string,
): KubeConnectionSource {
  if (config.apiserverUrl) {
    return {
      kind: 'apiserver-v2',
      url: config.apiserverUrl,
      ...(config.apiserverToken ? { token: config.apiserverToken } : {}),
    };
  }
  if (runsInCluster(config)) {
    return { kind: 'in-cluster', serviceAccountDir: config.serviceAccountDir };
  }
  if (config.kubeconfig)
    return {
      kind: 'kubeconfig',
      path: config.kubeconfig,
      ...(config.context ? { context: config.context } : {}),
    };
  if (sandboxKubeconfig) return { kind: 'sandbox', kubeconfigPath: sandboxKubeconfig };
  throw new Error('no cluster configured and no sandbox started');
}

/** True when no cluster is configured, so the entry point should start the embedded sandbox. */
export function needsSandbox(config: ServerConfig): boolean {
  return !config.apiserverUrl && !runsInCluster(config) && !config.kubeconfig;
}

/**
 * Builds and starts the portal: opens the store (creating the first admin), connects to
 * Kubernetes, starts the watch-fed cache, serves the API and web app, prints the URL, and closes
 * everything cleanly on SIGTERM/SIGINT.
 * @returns the listening app and its URL
 */
export async function startServer(
  config: ServerConfig,
  options: {
    sandboxKubeconfig?: string;
    /** Team namespaces of the sandbox world; created as teams with the first admin in them. */
    sandboxTeams?: readonly string[];
    onClose?: () => Promise<void>;
  } = {},
): Promise<{ app: FastifyInstance; url: string }> {
  const sandbox = options.sandboxKubeconfig !== undefined && needsSandbox(config);
  // Checked before anything starts: a half-configured OIDC stops the portal with the reason.
  const oidc = oidcSignInFromConfig(config);
  // Keys and audit entries older than this were left by a previous run (see reconcile below).
  const startedAt = new Date();
  const connection = connectKube(connectionSourceOf(config, options.sandboxKubeconfig));
  const db = await openDatabase(
    config.databaseUrl
      ? { url: config.databaseUrl }
      : { file: join(config.dataDir, 'raydeck.sqlite') },
  );
  const admin = await ensureAdminUser(db, {
    env: process.env,
    print: (line) => process.stdout.write(`${line}\n`),
  });
  if (sandbox && admin.created) await seedSandboxTeams(db, options.sandboxTeams ?? []);

  const registry = createMetricsRegistry();
  const metrics = informerMetrics(registry);
  // Through a KubeRay APIServer v2 only ray.io objects are cached; its events route and its v1
  // compute templates stand in for the core events and template ConfigMaps it does not forward.
  const kubeRay =
    connection.source === 'apiserver-v2'
      ? new KubeRayApiServerClient(connection.kubeConfig)
      : undefined;
  const cache = new KubeCache({
    kubeConfig: connection.kubeConfig,
    ...(config.namespaces ? { namespaces: config.namespaces } : {}),
    ...(kubeRay ? { kinds: kubeRayApiServerCachedKinds } : {}),
    observer: metrics.observer,
  });
  metrics.track(cache);
  const client = new KubeClient(connection.kubeConfig);
  const index = new ClusterIndex(cache);
  const kubeRayTemplates = kubeRay
    ? new KubeRayTemplateSource({ client: kubeRay, namespace: config.templatesNamespace })
    : undefined;
  await kubeRayTemplates?.start();
  const templates = new TemplateService({
    cache,
    client,
    namespace: config.templatesNamespace,
    ...(kubeRayTemplates ? { kubeRayTemplates } : {}),
  });
  const gpus = new GpuService(cache);
  const clusters = new ClusterService({
    cache,
    client,
    index,
    templates,
    ...(kubeRay ? { kubeRayApiServer: kubeRay } : {}),
  });
  const idempotency = new IdempotencyStore(db);
  // GPU-hours: metered from pod lifecycles into the store (started below), reported by usage.
  // The embedded sandbox stamps pods on its simulated clock: measure on the same one.
  const usageNow =
    sandbox && config.sandboxSpeed !== 1 ? scaledClock(config.sandboxSpeed) : () => new Date();
  const usageMeter = new UsageMeter({ db, cache, now: usageNow, registry });
  const usage = new UsageService({
    db,
    now: usageNow,
    idleSignal: () => usageMeter.idleSignal,
  });
  let reconciled = false;
  cache.start();

  const app = await buildServer({
    config,
    version: packageVersion,
    metricsRegistry: registry,
    readinessChecks: [
      {
        name: 'kubernetes-informers',
        check: () => {
          const lagging = cache.status().filter((informer) => !informer.synced);
          return lagging.length === 0
            ? { ready: true }
            : {
                ready: false,
                reason: `not synced: ${lagging.map((informer) => `${informer.name}${informer.lastError ? ` (${informer.lastError})` : ''}`).join(', ')}`,
              };
        },
      },
      {
        name: 'crash-reconcile',
        check: () =>
          reconciled
            ? { ready: true }
            : { ready: false, reason: 'resolving mutations a previous run left unfinished' },
      },
    ],
    portal: {
      db,
      connection,
      cache,
      client,
      index,
      clusters,
      templates,
      gpus,
      idempotency,
      usage,
      jobs: {
        settings: {
          logMaxBytes: Math.round(config.jobLogMaxMb * 2 ** 20),
          retentionDays: config.jobRetentionDays,
          packageMaxBytes: Math.round(config.jobPackageMaxMb * 2 ** 20),
        },
      },
      sandbox,
      ...(config.trustedProxies
        ? { trustedHeaders: { enabled: true, trustedProxies: config.trustedProxies } }
        : {}),
      ...(oidc ? { oidc } : {}),
      localLogin: config.localLogin,
    },
  });
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

  // A crash between the steps of a create leaves keys "in progress" and audit entries
  // "pending"; once the cache shows what exists, resolve them (readiness waits for it).
  const reconcile = (): void => {
    cache
      .whenSynced()
      .then(() =>
        reconcileInterruptedMutations({
          idempotency,
          auditLog: new AuditLog(db),
          cache,
          clusters,
          startedAt,
        }),
      )
      .then((report) => {
        reconciled = true;
        if (report.keysCompleted + report.keysReleased + report.auditResolved > 0) {
          app.log.warn(report, 'resolved mutations interrupted by the previous run');
        }
      })
      .catch((error: unknown) => {
        app.log.error({ err: error }, 'could not reconcile interrupted mutations; retrying');
        setTimeout(reconcile, reconcileRetryMs).unref();
      });
  };
  reconcile();
  usageMeter
    .start()
    .catch((error: unknown) => app.log.error({ err: error }, 'GPU-hour metering did not start'));

  // Once every informer has listed, one line says how much of the cluster the portal holds:
  // a count stuck at a multiple of 500 would betray a list cut off after its first pages.
  void cache
    .whenSynced()
    .then(() => app.log.info({ objects: cache.counts() }, 'kubernetes cache synced'));

  if (sandbox) {
    // A fresh sandbox gets starter templates once the cache shows what exists already.
    cache
      .waitForSync(60_000)
      .then(() => templates.seed(sandboxTemplates))
      .catch((error: unknown) =>
        app.log.error({ err: error }, 'could not seed the sandbox templates'),
      );
  }

  // SIGUSR2 writes a heap snapshot into the data dir and the portal keeps serving: a snapshot
  // of a live portal at scale is how its memory is studied (bench/portal-list). close-with-grace
  // would otherwise treat SIGUSR2 as a shutdown signal.
  const writeHeapSnapshotOnSignal = (): void => {
    const file = writeHeapSnapshot(
      join(config.dataDir, `heap-${new Date().toISOString().replace(/[:.]/g, '-')}.heapsnapshot`),
    );
    app.log.info({ file }, 'heap snapshot written');
  };
  process.on('SIGUSR2', writeHeapSnapshotOnSignal);
  closeWithGrace({ delay: shutdownGraceMs, skip: ['SIGUSR2'] }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info({ signal }, 'shutting down');
    process.off('SIGUSR2', writeHeapSnapshotOnSignal);
    await app.close();
    kubeRayTemplates?.stop();
    await usageMeter.stop();
    await cache.stop();
    await db.destroy();
    await options.onClose?.();
  });
  // "embedded sandbox" only for the sandbox this process runs; otherwise where the connection
  // came from and the server it reaches, in the words of the About page.
  const reachedThrough = {
    'in-cluster': 'in-cluster',
    kubeconfig: 'kubeconfig',
    sandbox: 'sandbox',
    'apiserver-v2': 'KubeRay APIServer',
  }[connection.source];
  process.stdout.write(
    `Raydeck portal listening on ${url} (cluster: ${sandbox ? 'embedded sandbox' : `${reachedThrough} ${connection.server}`})\n`,
  );
  return { app, url };
}
