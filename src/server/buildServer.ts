import { join } from 'node:path';

import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifySchema } from 'fastify';
import type { Kysely } from 'kysely';
import type { Registry } from 'prom-client';

import { ApiErrorBody } from '../shared/api/apiErrorBody.ts';
import { streamEventNames, StreamEventSchemas } from '../shared/api/streamSchemas.ts';
import { apiErrorHandler } from './apiErrorHandler.ts';
import { authPlugin, type TrustedHeadersOptions } from './auth/authPlugin.ts';
import { logRedaction } from './auth/logRedaction.ts';
import { mutationRateLimit } from './auth/mutationRateLimit.ts';
import type { OidcSignIn } from './auth/OidcSignIn.ts';
import { createMetricsRegistry, registerHttpMetrics } from './httpMetrics.ts';
import type { KubeCache } from './k8s/KubeCache.ts';
import type { KubeClient } from './k8s/KubeClient.ts';
import type { KubeConnection } from './k8s/kubeConnection.ts';
import { createServiceProxy, createServiceProxyUpgrade } from './k8s/serviceProxyRequest.ts';
import { packageRoot } from './packageRoot.ts';
import { portalFastifyOptions, useStrictValidation } from './portalFastifyOptions.ts';
import { passLogTailUpgrades } from './proxy/dashboardLogTailUpgrade.ts';
import { registerRequestLogging } from './requestLogging.ts';
import { aboutRoutes } from './routes/aboutRoutes.ts';
import { adminRoutes } from './routes/adminRoutes.ts';
import { auditRoutes } from './routes/auditRoutes.ts';
import { authRoutes } from './routes/authRoutes.ts';
import { catalogRoutes } from './routes/catalogRoutes.ts';
import { clusterRoutes } from './routes/clusterRoutes.ts';
import { dashboardProxyRoutes } from './routes/dashboardProxyRoutes.ts';
import { healthRoutes, type ReadinessCheck } from './routes/healthRoutes.ts';
import { inventoryRoutes } from './routes/inventoryRoutes.ts';
import { jobRoutes } from './routes/jobRoutes.ts';
import { metricsRoutes } from './routes/metricsRoutes.ts';
import { oidcRoutes } from './routes/oidcRoutes.ts';
import { quotaRoutes } from './routes/quotaRoutes.ts';
import { serviceRoutes } from './routes/serviceRoutes.ts';
import { streamEventSchemaName, streamRoutes } from './routes/streamRoutes.ts';
import { templateRoutes } from './routes/templateRoutes.ts';
import { tokenRoutes } from './routes/tokenRoutes.ts';
import { usageRoutes } from './routes/usageRoutes.ts';
import { versionRoutes } from './routes/versionRoutes.ts';
import { webAppRoutes } from './routes/webAppRoutes.ts';
import { securityHeaders } from './securityHeaders.ts';
import type { ServerConfig } from './serverConfig.ts';
import type { ClusterIndex } from './services/ClusterIndex.ts';
import type { ClusterService } from './services/ClusterService.ts';
import { ConnectionHealth } from './services/ConnectionHealth.ts';
import type { GpuService } from './services/GpuService.ts';
import { JobService, type JobServiceSettings } from './services/JobService.ts';
import { QuotaService } from './services/QuotaService.ts';
import { RayServiceService } from './services/RayServiceService.ts';
import type { TemplateService } from './services/TemplateService.ts';
import { RayObjectActivity } from './services/UsageMeter.ts';
import { UsageService } from './services/UsageService.ts';
import { WorkloadCatalog } from './services/WorkloadCatalog.ts';
import type { Database } from './store/database.ts';
import type { IdempotencyStore } from './store/IdempotencyStore.ts';
import { JobStore } from './store/JobStore.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The jobs service (tests drive its capture loop). */
    jobs: JobService;
  }
}

/** Everything the portal API needs beyond HTTP: store, Kubernetes connection and services. */
export interface PortalDependencies {
  db: Kysely<Database>;
  connection: KubeConnection;
  cache: KubeCache;
  client: KubeClient;
  index: ClusterIndex;
  clusters: ClusterService;
  templates: TemplateService;
  gpus: GpuService;
  idempotency: IdempotencyStore;
  /** True when connected to the embedded sandbox (shown on the About page). */
  sandbox: boolean;
  trustedHeaders?: TrustedHeadersOptions;
  /** OIDC sign-in, when configured (`--oidc-issuer`). */
  oidc?: OidcSignIn;
  /** False turns username/password sign-in off (`--local-login`). Default true. */
  localLogin?: boolean;
  /** Mutations per user per minute. Default 120. */
  mutationsPerMinute?: number;
  /** GPU-hour reports; default one over the store with the wall clock (no meter attached). */
  usage?: UsageService;
  /**
   * Jobs: settings (serverConfig `job*`), the clock (epoch ms; tests inject one) and whether the
   * capture loop runs (default true).
   */
  jobs?: { settings?: Partial<JobServiceSettings>; now?: () => number; capture?: boolean };
}

/** The groups of the API document, in the order `/api/docs` shows them. */
const apiTags = [
  {
    name: 'clusters',
    description:
      'Ray clusters: list, detail, create, scale, suspend, resume, delete; the Ray dashboard proxy.',
  },
  {
    name: 'services',
    description:
      'Ray Serve: RayServices (deploy, health, zero-downtime upgrades, send a request) and Serve apps on a cluster.',
  },
  {
    name: 'jobs',
    description:
      'Ray jobs (RayJobs and Jobs API submissions): list, submit, follow the log live, stop, delete, resubmit; the workload catalog.',
  },
  { name: 'templates', description: 'Governed compute templates and whether each fits now.' },
  { name: 'gpus', description: 'GPU inventory by node and product.' },
  { name: 'quotas', description: "Team quotas: used/limit meters and the admins' settings." },
  { name: 'usage', description: 'GPU-hours per team, user and cluster, and idle GPU-hours.' },
  { name: 'stream', description: 'Live updates as Server-Sent Events.' },
  { name: 'auth', description: 'Sign-in, sign-out, the current user, password change.' },
  { name: 'tokens', description: 'Your API tokens.' },
  { name: 'admin', description: 'Users and teams (admins only).' },
  { name: 'audit', description: 'The audit trail.' },
  { name: 'meta', description: 'Health, readiness, metrics, version and the About page.' },
];

/**
 * `schema` as documented: any 4xx or 5xx answer has the one `ApiErrorBody` shape (the error
 * handler, `sendApiError` and the not-found handler see to it), so every operation says so
 * unless its schema names that status itself. Documentation only: validation is unchanged.
 */
function withErrorResponses(schema: FastifySchema): FastifySchema {
  // Routes registered without a schema (none are documented) reach here with none at all.
  if (typeof schema !== 'object' || ('hide' in schema && schema.hide === true)) return schema;
  const response =
    typeof schema.response === 'object' && schema.response !== null ? schema.response : {};
  return { ...schema, response: { '4XX': ApiErrorBody, '5XX': ApiErrorBody, ...response } };
}

/** Options for {@link buildServer}. Everything with side effects is injected. */
export interface BuildServerOptions {
  config: Pick<ServerConfig, 'logLevel' | 'webRoot'> & Partial<Pick<ServerConfig, 'logRequests'>>;
  /** Raydeck's version, reported by `/api/v1/version`. */
  version: string;
  /** Readiness checks for `/readyz`; none means always ready. */
  readinessChecks?: readonly ReadinessCheck[];
  /** `false` silences logs (tests); otherwise pino writes JSON lines to stdout. */
  logger?: boolean;
  /** The portal API; without it only health, version, metrics and the web app are served. */
  portal?: PortalDependencies;
  /** Registry for `/metrics`; a fresh one with process metrics by default. */
  metricsRegistry?: Registry;
}

/**
 * Assembles the portal's Fastify app without listening, so tests can drive it in-process with
 * `app.inject()` and the process entry point can `listen()` on it.
 */
export async function buildServer(options: BuildServerOptions): Promise<FastifyInstance> {
  const app = Fastify(
    portalFastifyOptions(
      options.logger === false ? false : { level: options.config.logLevel, redact: logRedaction },
    ),
  );
  useStrictValidation(app);
  registerRequestLogging(app, options.config.logRequests ?? 'api');
  await app.register(securityHeaders);
  const registry = options.metricsRegistry ?? createMetricsRegistry();
  registerHttpMetrics(app, registry);
  app.setErrorHandler(apiErrorHandler);

  const portal = options.portal;
  if (portal) {
    await app.register(fastifySwagger, {
      openapi: {
        info: {
          title: 'Raydeck API',
          version: options.version,
          description:
            'Self-service GPU portal for Ray on Kubernetes. Authenticate with a session cookie (web) or `Authorization: Bearer rdk_…` (API tokens).',
        },
        tags: apiTags,
        components: {
          securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
          // The stream's event data; its route entry links here (no route answers them as JSON).
          schemas: Object.fromEntries(
            streamEventNames.map((event) => [
              streamEventSchemaName(event),
              StreamEventSchemas[event],
            ]),
          ),
        },
        security: [{ bearer: [] }],
      },
      transform: ({ schema, url }) => ({ schema: withErrorResponses(schema), url }),
    });
    await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });
    app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
    await app.register(authPlugin, {
      db: portal.db,
      ...(portal.trustedHeaders ? { trustedHeaders: portal.trustedHeaders } : {}),
      localLogin: portal.localLogin ?? true,
    });
    await app.register(mutationRateLimit, { max: portal.mutationsPerMinute ?? 120 });
  }

  await app.register(healthRoutes, { checks: options.readinessChecks ?? [] });
  await app.register(versionRoutes, { version: options.version });
  await app.register(metricsRoutes, { registry });

  if (portal) {
    await app.register(authRoutes);
    await app.register(oidcRoutes, {
      oidc: portal.oidc ?? null,
      localLogin: portal.localLogin ?? true,
    });
    await app.register(adminRoutes);
    await app.register(tokenRoutes);
    await app.register(auditRoutes);
    await app.register(clusterRoutes, {
      clusters: portal.clusters,
      idempotency: portal.idempotency,
    });
    await app.register(templateRoutes, { templates: portal.templates, gpus: portal.gpus });
    await app.register(inventoryRoutes, { gpus: portal.gpus });
    await app.register(quotaRoutes, {
      quotas: new QuotaService({ cache: portal.cache, client: portal.client }),
    });
    await app.register(usageRoutes, {
      usage:
        portal.usage ??
        new UsageService({
          db: portal.db,
          now: () => new Date(),
          idleSignal: () => new RayObjectActivity(portal.cache).description,
        }),
    });
    const connectionHealth = new ConnectionHealth({ cache: portal.cache });
    connectionHealth.start();
    app.addHook('onClose', async () => connectionHealth.stop());
    await app.register(streamRoutes, {
      cache: portal.cache,
      index: portal.index,
      connection: connectionHealth,
    });
    const serviceProxy = createServiceProxy(portal.connection.kubeConfig);
    await app.register(dashboardProxyRoutes, { proxy: serviceProxy, cache: portal.cache });
    // `ray job submit`/`ray job logs --follow` open the log tail as a WebSocket (ADR 0011).
    passLogTailUpgrades(app, {
      upgrade: createServiceProxyUpgrade(portal.connection.kubeConfig),
      cache: portal.cache,
    });
    await app.register(serviceRoutes, {
      services: new RayServiceService({
        cache: portal.cache,
        client: portal.client,
        clusters: portal.clusters,
        proxy: serviceProxy,
      }),
    });
    const now = portal.jobs?.now ?? Date.now;
    const catalog = new WorkloadCatalog({ db: portal.db, folder: join(packageRoot, 'workloads') });
    const jobs = new JobService({
      store: new JobStore(portal.db),
      cache: portal.cache,
      proxy: createServiceProxy(portal.connection.kubeConfig),
      client: portal.client,
      clusters: portal.clusters,
      index: portal.index,
      catalog,
      now,
      ...(portal.jobs?.settings ? { settings: portal.jobs.settings } : {}),
    });
    app.decorate('jobs', jobs);
    if (portal.jobs?.capture !== false) jobs.start();
    app.addHook('onClose', async () => jobs.stop());
    await app.register(jobRoutes, { jobs });
    await app.register(catalogRoutes, { catalog, now });
    await app.register(aboutRoutes, { version: options.version, portal });
  }
  await app.register(webAppRoutes, { webRoot: options.config.webRoot });
  return app;
}
