import { Command, Option } from 'commander';

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
