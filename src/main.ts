import { Command, Option } from 'commander';

import { parseListenAddress, startSandbox } from './sandbox/startSandbox.ts';
import {
  ConfigError,
  loadServerConfig,
  type ServerConfigSources,
  serverSettings,
} from './server/serverConfig.ts';
import { startServer } from './server/startServer.ts';

/**
 * The `raydeck` executable. This entry point is the one place that wires the parts together:
 * `serve` runs the portal server; later subcommands add the sandbox and the CLI verbs.
 */
export async function main(argv: readonly string[]): Promise<void> {
  const program = new Command('raydeck')
    .description('Self-service GPU portal for Ray on Kubernetes')
    .showHelpAfterError();

  const serve = program.command('serve').description('Run the portal server');
  for (const setting of serverSettings) {
    // The environment is read by loadServerConfig, not commander, so precedence and error
    // messages live in one place.
    serve.addOption(
      new Option(`${setting.flag} <value>`, `${setting.description} [${setting.env}]`),
    );
  }
  serve.action(async (flags: ServerConfigSources['flags']) => {
    const config = loadServerConfig({ flags, env: process.env });
    await startServer(config);
  });

  program
    .command('sandbox')
    .description('Run the embedded sandbox Kubernetes API server alone')
    .option('--listen <host:port>', 'address to listen on', '127.0.0.1:6443')
    .option('--kubeconfig-out <file>', 'write a kubeconfig for kubectl to this file')
    .option('--state <file>', 'restore from and snapshot to this file')
    .option('--token <token>', 'require this bearer token on every request')
    .option('--rbac', 'evaluate access reviews against stored RBAC objects')
    .action(
      async (flags: {
        listen: string;
        kubeconfigOut?: string;
        state?: string;
        token?: string;
        rbac?: boolean;
      }) => {
        try {
          parseListenAddress(flags.listen);
        } catch (error) {
          throw new ConfigError([(error as Error).message]);
        }
        const sandbox = await startSandbox(flags);
        process.stdout.write(`Raydeck sandbox API server listening on ${sandbox.url}\n`);
        if (flags.kubeconfigOut) {
          process.stdout.write(
            `kubeconfig written to ${flags.kubeconfigOut}: kubectl --kubeconfig ${flags.kubeconfigOut} get ns\n`,
          );
        }
        const stop = () => {
          void sandbox.stop().then(() => process.exit(0));
        };
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      },
    );

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
}
