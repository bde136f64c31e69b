import { join } from 'node:path';

import { type Command, Option } from 'commander';

import { runCli } from './cli/runCli.ts';
import type { ServerConfigSources, ServerSetting } from './server/serverConfig.ts';

interface SandboxFlags {
  listen: string;
  kubeconfigOut?: string;
  state?: string;
  fsync?: boolean;
  token?: string;
  rbac?: boolean;
  tls?: boolean;
  world?: string | boolean;
  speed?: string;
  apiserverV2?: string | boolean;
}

/**
 * The `raydeck` executable. This entry point is the one place that wires the parts together:
 * `serve` runs the portal server, `sandbox` the sandbox, and every other verb is the CLI in
 * src/cli. The server and the sandbox are imported only inside their actions (dynamic import):
 * statically they pull in Fastify, client-node and the sandbox, about 2 s of module loading that
 * `raydeck --help` and the CLI verbs must not pay (bench/cli-start). serverConfig.ts, which
 * defines the `serve` flags, loads only when the first argument is `serve`.
 */
export async function main(argv: readonly string[]): Promise<void> {
  // serverConfig.ts is loaded only for `serve`, whose flags it defines (~20 ms otherwise).
  const settings =
    argv[0] === 'serve' ? (await import('./server/serverConfig.ts')).serverSettings : [];
  const code = await runCli(argv, undefined, (program) => addServerCommands(program, settings));
  // `serve` and `sandbox` keep running after their action and set process.exitCode themselves
  // (2 on a ConfigError).
  if (serverRunning) {
    if (code !== 0) process.exitCode = code;
    return;
  }
  // A CLI verb is done: exit once stdout is flushed (a pipe is written asynchronously) instead
  // of waiting for fetch's idle keep-alive sockets to close, which took ~0.5 s (bench/cli-start).
  process.stdout.write('', () => process.exit(code));
}

/** Set by `serve` and `sandbox`, which keep the process alive after their action returns. */
let serverRunning = false;

/** Adds `serve` and `sandbox` to the CLI program; their modules load when they run. */
function addServerCommands(program: Command, settings: readonly ServerSetting[]): void {
  const serve = program.command('serve').description('Run the portal server');
  for (const setting of settings) {
    // The environment is read by loadServerConfig, not commander, so precedence and error
    // messages live in one place.
    serve.addOption(
      new Option(`${setting.flag} <value>`, `${setting.description} [${setting.env}]`),
    );
  }
  serve.action((flags: ServerConfigSources['flags']) => {
    serverRunning = true;
    return configOrExit(() => runServe(flags));
  });

  program
    .command('sandbox')
    .description(
      'Run the embedded sandbox cluster alone (Kubernetes API, simulated nodes, KubeRay)',
    )
    .option('--listen <host:port>', 'address to listen on', '127.0.0.1:6443')
    .option('--kubeconfig-out <file>', 'write a kubeconfig for kubectl to this file')
    .option('--state <file>', 'restore from and persist to this file (and FILE.journal)')
    .option('--fsync', 'fdatasync every state write (survives power loss; slower)')
    .option('--token <token>', 'admin bearer token; requests without a token get 401')
    .option('--rbac', 'authorize every request with the stored RBAC objects')
    .option('--tls', 'serve HTTPS (self-signed); kubectl sends tokens only over TLS')
    .option('--world <file>', 'world file (YAML): nodes, namespaces, quotas, timings')
    .option('--no-world', 'serve the bare API server: no nodes, no controllers')
    .option('--speed <factor>', 'run simulated time this many times faster')
    .option(
      '--apiserver-v2 [host:port]',
      'also serve a KubeRay APIServer v2 in front of it (only ray.io, their events, the service proxy); default 127.0.0.1:31888',
    )
    .action((flags: SandboxFlags) => {
      serverRunning = true;
      return configOrExit(() => runSandbox(flags));
    });
}

/** `raydeck sandbox`: validates the flags, then runs the sandbox until SIGTERM/SIGINT. */
async function runSandbox(flags: SandboxFlags): Promise<void> {
  const { loadWorld, parseListenAddress, startSandbox } = await import('./sandbox/startSandbox.ts');
  const speed = flags.speed === undefined ? undefined : Number(flags.speed);
  const problems: string[] = [];
  try {
    parseListenAddress(flags.listen);
  } catch (error) {
    problems.push((error as Error).message);
  }
  // A bare `--apiserver-v2` listens where the KubeRay Helm chart's NodePort does.
  const apiserverV2 =
    flags.apiserverV2 === true ? '127.0.0.1:31888' : flags.apiserverV2 || undefined;
  if (apiserverV2) {
    try {
      parseListenAddress(apiserverV2);
    } catch (error) {
      problems.push((error as Error).message.replace('--listen', '--apiserver-v2'));
    }
  }
  if (speed !== undefined && !(speed > 0))
    problems.push(`--speed must be a number above 0, got "${flags.speed}"`);
  if (typeof flags.world === 'string') {
    try {
      loadWorld(flags.world);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (problems.length > 0) {
    const { ConfigError } = await import('./server/serverConfig.ts');
    throw new ConfigError(problems);
  }
  const sandbox = await startSandbox({
    listen: flags.listen,
    ...(flags.kubeconfigOut ? { kubeconfigOut: flags.kubeconfigOut } : {}),
    ...(flags.state ? { state: flags.state } : {}),
    ...(flags.fsync ? { fsync: true } : {}),
    ...(flags.token ? { token: flags.token } : {}),
    ...(flags.rbac ? { rbac: true } : {}),
    ...(flags.tls ? { tls: true } : {}),
    ...(flags.world === false
      ? { world: false as const }
      : typeof flags.world === 'string'
        ? { world: flags.world }
        : {}),
    ...(speed !== undefined ? { speed } : {}),
    ...(apiserverV2 ? { apiserverV2 } : {}),
  });
  process.stdout.write(`Raydeck sandbox API server listening on ${sandbox.url}\n`);
  if (sandbox.apiserverV2Url) {
    process.stdout.write(
      `KubeRay APIServer v2 listening on ${sandbox.apiserverV2Url}: raydeck serve --apiserver-url ${sandbox.apiserverV2Url}\n`,
    );
  }
  if (flags.kubeconfigOut) {
    process.stdout.write(
      `kubeconfig written to ${flags.kubeconfigOut}: kubectl --kubeconfig ${flags.kubeconfigOut} get nodes\n`,
    );
  }
  const stop = () => {
    void sandbox.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/** `raydeck serve`: the portal, with the embedded sandbox when no cluster is configured. */
async function runServe(flags: ServerConfigSources['flags']): Promise<void> {
  const { loadServerConfig } = await import('./server/serverConfig.ts');
  const { needsSandbox, startServer } = await import('./server/startServer.ts');
  const config = loadServerConfig({ flags, env: process.env });
  if (!needsSandbox(config)) {
    await startServer(config);
    return;
  }
  // No cluster configured: run the embedded sandbox and reach it over HTTP like any cluster.
  const { startSandbox } = await import('./sandbox/startSandbox.ts');
  const sandboxDir = join(config.dataDir, 'sandbox');
  const kubeconfig = join(sandboxDir, 'kubeconfig');
  const sandbox = await startSandbox({
    listen: '127.0.0.1:0',
    kubeconfigOut: kubeconfig,
    state: join(sandboxDir, 'state.json'),
    ...(config.sandboxWorld ? { world: config.sandboxWorld } : {}),
    speed: config.sandboxSpeed,
  });
  process.stdout.write(
    `Embedded sandbox cluster at ${sandbox.url} (kubectl --kubeconfig ${kubeconfig})\n`,
  );
  await startServer(config, {
    sandboxKubeconfig: kubeconfig,
    sandboxTeams: sandbox.world?.namespaces.map((namespace) => namespace.name) ?? [],
    onClose: () => sandbox.stop(),
  });
}

/** Runs a server command; a ConfigError is printed (one line per problem) with exit code 2. */
async function configOrExit(run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    const { ConfigError } = await import('./server/serverConfig.ts');
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
}
