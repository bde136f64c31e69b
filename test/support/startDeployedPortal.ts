import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

import { loadWorld } from '../../src/sandbox/startSandbox.ts';
import { sandboxTemplates } from '../../src/server/services/TemplateService.ts';
import { buildOverlay, findObject, type KubeObject } from '../deploy/buildOverlay.ts';
import { portalServiceAccount } from '../deploy/rbacRules.ts';
import { eventually } from './eventually.ts';
import { nodeRuntimeEnv } from './nodeRuntimeEnv.ts';
import { signedInSession } from './portalUserClients.ts';
import { type RbacTestSandbox, startRbacSandbox } from './startRbacSandbox.ts';

const packageRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The deploy kit's overlays of the portal (deploy/raydeck/overlays). */
export type KitOverlay = 'homelab' | 'production';

/**
 * Kinds of the kit the sandbox does not serve, left out when the kit is applied: the
 * PodDisruptionBudget only matters to evictions, which the sandbox has no API for. Any other
 * unserved kind fails the apply, so a new kind in the kit is noticed.
 */
const unservedKitKinds = new Set(['PodDisruptionBudget']);

/**
 * The Dockerfile's `ENV` for the runtime image; the kit's ConfigMap overrides the RAYDECK_*
 * ones, exactly as in the pod.
 */
const imageEnvironment = { NODE_ENV: 'production', RAYDECK_HOST: '0.0.0.0', RAYDECK_PORT: '8080' };

/**
 * Lifetime of the minted ServiceAccount token, in seconds of the sandbox's (simulated) clock:
 * 24 h, so even at 8× speed it outlives any test file (the kubelet's projected tokens last about
 * an hour and are refreshed, which no test process does).
 */
const tokenLifetimeSeconds = 86_400;

/** Milliseconds to wait for the startup line, and then for `/readyz`. Default 60 s each. */
const startTimeoutMs = 60_000;

/** Options of {@link startDeployedPortal}. */
export interface DeployedPortalOptions {
  /** Which overlay to render and apply. Default `homelab`. */
  overlay?: KitOverlay;
  /**
   * `built`: `node bin/raydeck.js serve`, the image's entry point (needs `npm run build`).
   * `source` (default): `scripts/dev.ts serve` under tsx, with `--web-root` at a stub page, so
   * API tests need no build.
   */
  entry?: 'source' | 'built';
  /**
   * The simulated world (nodes, scheduler, kubelet, KubeRay) and its speed, so clusters become
   * Ready; `false` for a bare API server with namespaces team-a and team-b. Default `{ speed: 8 }`.
   */
  world?: { speed?: number } | false;
  /** Changes the rendered kit before it is applied (gets a copy), e.g. drops one RBAC rule. */
  editKit?: (objects: KubeObject[]) => KubeObject[];
  /** `RAYDECK_ADMIN_PASSWORD` in the kit's optional Secret raydeck-secrets. */
  adminPassword?: string;
  /**
   * `ready` (default): resolve once `/readyz` answers 200, after giving the teams and templates
   * the embedded sandbox seeds (through the portal's API, as an admin would). `listening`:
   * resolve at the startup line, seeding nothing (for tests of a portal that cannot get ready).
   */
  waitUntil?: 'ready' | 'listening';
  /** More keys of the Secret raydeck-secrets, e.g. `RAYDECK_OIDC_CLIENT_SECRET`. */
  secretSettings?: Readonly<Record<string, string>>;
  /** Loopback port (`RAYDECK_PORT`), for settings that name the portal's URL. Default 0 (free). */
  port?: number;
}

/** A `raydeck serve` process started as the kit's pod would be, against an RBAC sandbox. */
export interface DeployedPortal {
  /** Origin of the portal, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** `RAYDECK_DATA_DIR` (a fresh temporary folder, removed by `stop()`). */
  dataDir: string;
  /** The sandbox the kit was applied to (`request` acts as its admin, like kubectl). */
  sandbox: RbacTestSandbox;
  /** The whole environment the process got. */
  env: Readonly<Record<string, string>>;
  /** The `Raydeck portal listening on …` line. */
  startupLine: string;
  adminPassword: string;
  /** Team namespaces of the cluster, made teams with the admin in them when seeded. */
  teams: readonly string[];
  /** Everything the process wrote, for failure messages. */
  output: () => string;
  /** Stops the portal gracefully, then the sandbox, and removes the temporary folders. */
  stop: () => Promise<void>;
}

interface Container {
  name: string;
  args?: string[];
  env?: {
    name: string;
    value?: string;
    valueFrom?: {
      configMapKeyRef?: { name: string; key: string };
      secretKeyRef?: { name: string; key: string };
    };
  }[];
  envFrom?: {
    configMapRef?: { name: string; optional?: boolean };
    secretRef?: { name: string; optional?: boolean };
  }[];
}

/**
 * Runs the portal as deployed: renders `deploy/raydeck/overlays/<overlay>` with kubectl's
 * Kustomize, applies it to a sandbox that enforces RBAC and serves HTTPS, mints the kit's
 * ServiceAccount a token (TokenRequest) and writes it as the kubelet mounts it (`token`, `ca.crt`
 * = the sandbox's certificate, `namespace`), then starts `raydeck serve` with the pod's
 * environment only: the image's ENV, the container's `envFrom`/`env` read from the cluster
 * (ConfigMap raydeck-config, Secret raydeck-secrets), and what the kubelet adds
 * (`KUBERNETES_SERVICE_HOST`/`_PORT`), no kubeconfig. The portal must then find the cluster by
 * itself (`--in-cluster auto`). Four values differ from a pod, each because a test machine is
 * not one: `RAYDECK_DATA_DIR` (a temporary folder for the PVC), `RAYDECK_SERVICE_ACCOUNT_DIR`
 * (the mount path is not writable), `RAYDECK_HOST=127.0.0.1` and `RAYDECK_PORT=0` (no network
 * namespace of its own: loopback only, a free port).
 */
export async function startDeployedPortal(
  options: DeployedPortalOptions = {},
): Promise<DeployedPortal> {
  const overlay = options.overlay ?? 'homelab';
  const world = options.world ?? { speed: 8 };
  const adminPassword = options.adminPassword ?? 'deployed-admin-password-1';
  const rendered = structuredClone(buildOverlay(`raydeck/overlays/${overlay}`));
  const kit = options.editKit ? options.editKit(rendered) : rendered;

  const sandbox = await startRbacSandbox({ tls: true, ...(world ? { world } : {}) });
  const folders: string[] = [];
  let child: ChildProcess | undefined;
  const stop = async (): Promise<void> => {
    if (child) await stopProcess(child);
    await sandbox.close();
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  };
  try {
    const teams = world ? loadWorld(undefined).namespaces.map((namespace) => namespace.name) : [];
    if (!world) {
      teams.push('team-a', 'team-b');
      await sandbox.apply(
        teams.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })),
      );
    }
    await sandbox.apply(kit.filter((object) => !unservedKitKinds.has(object.kind)));
    const { namespace, name } = portalServiceAccount;
    // The admin's part of the install (docs/deploy.md): the optional Secret of secret settings.
    await sandbox.apply([
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'raydeck-secrets', namespace },
        data: Object.fromEntries(
          Object.entries({
            RAYDECK_ADMIN_PASSWORD: adminPassword,
            ...options.secretSettings,
          }).map(([key, value]) => [key, Buffer.from(value).toString('base64')]),
        ),
      },
    ]);

    const account = await sandbox.serviceAccount(namespace, name, {
      expirationSeconds: tokenLifetimeSeconds,
    });
    const certificate = sandbox.apiServer.certificate;
    if (!certificate) throw new Error('startDeployedPortal: the sandbox serves no certificate');
    const serviceAccountDir = mkdtempSync(join(tmpdir(), 'raydeck-serviceaccount-'));
    folders.push(serviceAccountDir);
    writeFileSync(join(serviceAccountDir, 'token'), account.token);
    writeFileSync(join(serviceAccountDir, 'ca.crt'), certificate);
    writeFileSync(join(serviceAccountDir, 'namespace'), namespace);
    const dataDir = mkdtempSync(join(tmpdir(), 'raydeck-deployed-'));
    folders.push(dataDir);

    const container = portalContainer(kit);
    const env: Record<string, string> = {
      // The image's PATH (the node base image sets one); nothing else of this process leaks in.
      ...(process.env['PATH'] ? { PATH: process.env['PATH'] } : {}),
      ...imageEnvironment,
      ...(await containerEnvironment(sandbox, namespace, container)),
      KUBERNETES_SERVICE_HOST: '127.0.0.1',
      KUBERNETES_SERVICE_PORT: new URL(sandbox.url).port,
      RAYDECK_DATA_DIR: dataDir,
      RAYDECK_SERVICE_ACCOUNT_DIR: serviceAccountDir,
      RAYDECK_HOST: '127.0.0.1',
      RAYDECK_PORT: String(options.port ?? 0),
      ...nodeRuntimeEnv(),
    };

    const args = container.args ?? [];
    const command =
      options.entry === 'built'
        ? [join(packageRoot, 'bin', 'raydeck.js'), ...args]
        : ['--import', 'tsx', 'scripts/dev.ts', ...args, '--web-root', stubWebRoot(folders)];
    if (options.entry === 'built' && !existsSync(join(packageRoot, 'dist', 'web', 'index.html'))) {
      throw new Error('The portal is not built: run `npm run build` first.');
    }
    const started = spawn(process.execPath, command, {
      cwd: packageRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    });
    child = started;
    let output = '';
    started.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    started.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const startupLine = await waitForOutput(
      started,
      () => output,
      /^Raydeck portal listening on .*$/m,
    );
    const url = /listening on (http:\/\/\S+)/.exec(startupLine)?.[1] ?? '';
    if (options.waitUntil !== 'listening') {
      await waitForReady(url, started, () => output);
      await seedLikeTheSandbox(url, adminPassword, teams);
    }
    return {
      url,
      dataDir,
      sandbox,
      env,
      startupLine,
      adminPassword,
      teams,
      output: () => output,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The portal's container in the kit's Deployment. */
function portalContainer(kit: readonly KubeObject[]): Container {
  const spec = findObject(kit, 'Deployment', 'raydeck')['spec'] as {
    template: { spec: { containers: Container[] } };
  };
  const container = spec.template.spec.containers.find((candidate) => candidate.name === 'raydeck');
  if (!container) throw new Error('the raydeck Deployment has no raydeck container');
  return container;
}

/**
 * The variables the kubelet gives the container: `envFrom` ConfigMaps and Secrets in order,
 * then `env` (values and key references), all read from the cluster as the admin.
 */
async function containerEnvironment(
  sandbox: RbacTestSandbox,
  namespace: string,
  container: Container,
): Promise<Record<string, string>> {
  const read = async (
    kind: 'configmaps' | 'secrets',
    name: string,
    optional: boolean,
  ): Promise<Record<string, string>> => {
    const found = await sandbox.request('GET', `/api/v1/namespaces/${namespace}/${kind}/${name}`);
    if (found.status === 404 && optional) return {};
    if (found.status !== 200) {
      throw new Error(`${kind}/${name} for the portal's environment: ${found.status}`);
    }
    const data = (found.body as { data?: Record<string, string> }).data ?? {};
    return kind === 'secrets'
      ? Object.fromEntries(
          Object.entries(data).map(([key, value]) => [
            key,
            Buffer.from(value, 'base64').toString(),
          ]),
        )
      : data;
  };
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) {
      const { name, optional } = source.configMapRef;
      Object.assign(env, await read('configmaps', name, optional === true));
    }
    if (source.secretRef) {
      const { name, optional } = source.secretRef;
      Object.assign(env, await read('secrets', name, optional === true));
    }
  }
  for (const variable of container.env ?? []) {
    const reference = variable.valueFrom?.configMapKeyRef ?? variable.valueFrom?.secretKeyRef;
    if (variable.value !== undefined) {
      env[variable.name] = variable.value;
    } else if (reference) {
      const kind = variable.valueFrom?.configMapKeyRef ? 'configmaps' : 'secrets';
      const value = (await read(kind, reference.name, false))[reference.key];
      if (value === undefined) throw new Error(`${kind}/${reference.name} has no ${reference.key}`);
      env[variable.name] = value;
    }
  }
  return env;
}

/** A web root with a stub page: the API is under test, not the web app (no build needed). */
function stubWebRoot(folders: string[]): string {
  const webRoot = mkdtempSync(join(tmpdir(), 'raydeck-web-'));
  folders.push(webRoot);
  writeFileSync(join(webRoot, 'index.html'), '<!doctype html>');
  return webRoot;
}

/**
 * What the embedded sandbox seeds and a deployed portal leaves to its admin: a team per team
 * namespace with the admin in it, and the starter templates (written by the portal into its
 * templates namespace, through the kit's RoleBinding). Waits until the templates are listed.
 */
async function seedLikeTheSandbox(
  url: string,
  adminPassword: string,
  teams: readonly string[],
): Promise<void> {
  const admin = await signedInSession(url, 'admin', adminPassword);
  for (const name of teams) {
    await admin.createTeam({ name });
    await admin.setTeamMembers(name, ['admin']);
  }
  for (const template of sandboxTemplates) await admin.createTemplate(template);
  await eventually(
    async () => (await admin.listTemplates()).items.length >= sandboxTemplates.length,
    'the starter templates listed by the deployed portal',
  );
}

/** Resolves with the first output line matching `pattern`; rejects if the process ends first. */
async function waitForOutput(
  child: ChildProcess,
  output: () => string,
  pattern: RegExp,
): Promise<string> {
  const deadline = Date.now() + startTimeoutMs;
  while (Date.now() < deadline) {
    const match = pattern.exec(output());
    if (match) return match[0];
    if (child.exitCode !== null) {
      throw new Error(`the deployed portal exited with ${child.exitCode}:\n${output()}`);
    }
    await delay(50);
  }
  throw new Error(`the deployed portal printed no startup line:\n${output()}`);
}

/** Polls `/readyz` every 100 ms until it answers 200. */
async function waitForReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + startTimeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`the deployed portal exited with ${child.exitCode}:\n${output()}`);
    }
    const response = await fetch(`${url}/readyz`).catch((error: unknown) => error);
    if (response instanceof Response) {
      if (response.ok) return;
      last = await response.text();
    } else {
      last = String(response);
    }
    await delay(100);
  }
  throw new Error(`the deployed portal at ${url} never got ready (${last}):\n${output()}`);
}

/** SIGTERM (the pod's graceful stop), SIGKILL after 10 s. */
function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
