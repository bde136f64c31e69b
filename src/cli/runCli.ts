import { Command, CommanderError } from 'commander';

import { ApiError } from '../shared/client/ApiError.ts';
import { type CliIo, processCliIo } from './CliIo.ts';
import { CliRuntime, type GlobalOptions } from './CliRuntime.ts';
import { CliError, type ExitCode, exitCodes } from './exitCodes.ts';
import { addAuthVerbs } from './verbs/addAuthVerbs.ts';
import { addCatalogVerbs } from './verbs/addCatalogVerbs.ts';
import { addClusterVerbs } from './verbs/addClusterVerbs.ts';
import { addCompletionVerbs } from './verbs/addCompletionVerbs.ts';
import { addGetVerbs } from './verbs/addGetVerbs.ts';
import { addRayVerbs } from './verbs/addRayVerbs.ts';
import { examples } from './verbs/examples.ts';

/**
 * Runs one `raydeck` command line and resolves to its exit code (see exitCodes.ts); never
 * calls process.exit, so tests run it in-process with an injected {@link CliIo}.
 * `addCommands` lets src/main.ts add `serve` and `sandbox`, which live outside the CLI.
 */
export async function runCli(
  argv: readonly string[],
  io: CliIo = processCliIo(),
  addCommands?: (program: Command) => void,
): Promise<number> {
  const program = new Command('raydeck');
  const runtime = new CliRuntime(io, () => program.opts<GlobalOptions>());
  program
    .description(
      'Self-service GPU portal for Ray on Kubernetes: the portal, its sandbox and the CLI',
    )
    .option('--context <name>', 'context of the config file to use (default: its current context)')
    .option('--server <url>', "portal URL, instead of the context's [RAYDECK_URL]")
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      examples([
        'raydeck login --server http://127.0.0.1:8080 --token-stdin',
        'raydeck get clusters',
        'raydeck create cluster demo --template rtx4090-1 --wait',
        'raydeck describe cluster team-a/demo',
        'raydeck delete cluster team-a/demo',
      ]) +
        '\nConfig: $XDG_CONFIG_HOME/raydeck/config.yaml (else ~/.config/raydeck/config.yaml).\n' +
        'Exit codes: 0 ok, 1 API error, 2 usage, 3 auth, 4 not found, 5 failed, 6 not available, 7 refused.\n',
    );
  addAuthVerbs(program, runtime);
  addGetVerbs(program, runtime);
  addClusterVerbs(program, runtime);
  addRayVerbs(program, runtime);
  addCatalogVerbs(program, runtime);
  addCompletionVerbs(program, runtime);
  addCommands?.(program);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCodes.ok;
  } catch (error) {
    return report(error, runtime);
  }
}

/** Prints an error on stderr (the server's reason and fields included) and picks the exit code. */
function report(error: unknown, runtime: CliRuntime): ExitCode {
  if (error instanceof CommanderError) {
    // Commander printed help or its message already.
    if (error.exitCode === 0) return exitCodes.ok;
    return exitCodes.usage;
  }
  if (error instanceof CliError) {
    runtime.err(`error: ${error.message}\n`);
    return error.code;
  }
  if (error instanceof ApiError) {
    const lines = [`error: ${error.message} (${error.status} ${error.reason})`];
    for (const field of error.fields) {
      const line = `${field.path}: ${field.message}`;
      if (!error.message.includes(line)) lines.push(`  ${line}`);
    }
    if (error.requestId && error.status >= 500) lines.push(`  request id: ${error.requestId}`);
    const code = exitCodeOf(error);
    if (code === exitCodes.notAvailable)
      lines.splice(0, 1, `error: not available in this portal version (${error.message})`);
    runtime.err(`${lines.join('\n')}\n`);
    return code;
  }
  if (error instanceof TypeError && error.message === 'fetch failed') {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    runtime.err(`error: cannot reach the portal${cause}\n`);
    return exitCodes.error;
  }
  runtime.err(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  return exitCodes.error;
}

function exitCodeOf(error: ApiError): ExitCode {
  if (error.status === 401 || error.status === 403) return exitCodes.auth;
  // The portal's catch-all answers "No route for GET /api/…": an older portal without this API.
  if (error.status === 404 && error.message.startsWith('No route for '))
    return exitCodes.notAvailable;
  if (error.status === 404) return exitCodes.notFound;
  return exitCodes.error;
}
