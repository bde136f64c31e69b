import type { Command } from 'commander';

import type { CliContext } from '../CliConfigStore.ts';
import type { CliRuntime } from '../CliRuntime.ts';
import { CliError, exitCodes } from '../exitCodes.ts';
import { formatOutput, parseOutputFormat } from '../formatOutput.ts';
import { examples } from './examples.ts';

interface LoginFlags {
  token?: string;
  tokenStdin?: boolean;
  name?: string;
  team?: string;
}

/** `login`, `logout`, `whoami` and `config get-contexts|use-context`. */
export function addAuthVerbs(program: Command, runtime: CliRuntime): void {
  program
    .command('login')
    .description(
      "Save a portal URL and an API token (make one on the portal's Tokens page) as a context and use it",
    )
    .option(
      '--token <token>',
      'API token rdk_… (visible in `ps`; prefer --token-stdin) [RAYDECK_TOKEN]',
    )
    .option('--token-stdin', 'read the API token from stdin')
    .option('--name <context>', 'context name; default the server host:port')
    .option(
      '--team <team>',
      'default team for cluster names without team/; default your first team',
    )
    .addHelpText(
      'after',
      examples([
        'raydeck login --server http://127.0.0.1:8080 --token rdk_…',
        'echo "$TOKEN" | raydeck login --server https://raydeck.example.com --token-stdin --name prod',
      ]),
    )
    .action(async (flags: LoginFlags) => {
      // --server is the program's option (it also overrides the context for other verbs).
      const server = (runtime.globals().server ?? runtime.io.env['RAYDECK_URL'])?.replace(
        /\/+$/,
        '',
      );
      if (!server) throw new CliError('login needs --server <portal URL>', exitCodes.usage);
      let url: URL;
      try {
        url = new URL(server);
      } catch {
        throw new CliError(`--server is not a URL: "${server}"`, exitCodes.usage);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw new CliError(
          `--server must be http:// or https://, got "${server}"`,
          exitCodes.usage,
        );
      const token = flags.tokenStdin
        ? (await runtime.io.readStdin()).trim()
        : (flags.token ?? runtime.io.env['RAYDECK_TOKEN']);
      if (!token)
        throw new CliError(
          "login needs an API token: --token-stdin, --token or RAYDECK_TOKEN (the portal's Tokens page makes one)",
          exitCodes.usage,
        );
      // Checks the token before saving it: a typo fails here, not on the next verb.
      const { user } = await runtime.clientFor(server, token).me();
      const name = flags.name ?? url.host;
      const team = flags.team ?? user.teams[0];
      const context: CliContext = {
        name,
        server,
        token,
        user: user.username,
        ...(team !== undefined ? { team } : {}),
      };
      const config = await runtime.loadConfig();
      runtime.store.save({
        currentContext: name,
        contexts: [...config.contexts.filter((entry) => entry.name !== name), context],
      });
      runtime.out(
        `Signed in to ${server} as ${user.username} (${user.role}); context "${name}" saved in ${runtime.store.file}\n`,
      );
    });

  program
    .command('logout')
    .description(
      'Forget the current context (or --context) and its token; revoke the token on the Tokens page',
    )
    .addHelpText('after', examples(['raydeck logout', 'raydeck --context prod logout']))
    .action(async () => {
      const wanted = runtime.globals().context;
      const config = await runtime.loadConfig();
      const name = wanted ?? config.currentContext;
      if (!name || !config.contexts.some((context) => context.name === name))
        throw new CliError(`not signed in${name ? ` to context "${name}"` : ''}`, exitCodes.auth);
      const contexts = config.contexts.filter((context) => context.name !== name);
      const current = config.currentContext === name ? contexts[0]?.name : config.currentContext;
      runtime.store.save({
        ...(current !== undefined ? { currentContext: current } : {}),
        contexts,
      });
      runtime.out(
        `Removed context "${name}". The token stays valid until it expires or is revoked on the portal's Tokens page.\n`,
      );
    });

  program
    .command('whoami')
    .description('Show the user, role and teams of the current context')
    .option('-o, --output <format>', 'table|wide|json|yaml|name', 'table')
    .addHelpText('after', examples(['raydeck whoami', 'raydeck whoami -o json']))
    .action(async (flags: { output?: string }) => {
      const format = parseOutputFormat(flags.output);
      const { client, context } = await runtime.client();
      const { user } = await client.me();
      runtime.out(
        await formatOutput(
          format,
          user,
          {
            columns: [
              { header: 'user', cell: (item) => item.username },
              { header: 'role', cell: (item) => item.role },
              { header: 'teams', cell: (item) => item.teams.join(',') || '-' },
              { header: 'via', cell: (item) => item.via, wide: true },
              { header: 'server', cell: () => context.server },
              { header: 'context', cell: () => context.name, wide: true },
            ],
            name: (item) => `user/${item.username}`,
          },
          '',
        ),
      );
    });

  const config = program
    .command('config')
    .description('Show and switch contexts of the config file');
  config
    .command('get-contexts')
    .description('List the saved contexts; * marks the current one')
    .option('-o, --output <format>', 'table|wide|json|yaml|name', 'table')
    .addHelpText('after', examples(['raydeck config get-contexts']))
    .action(async (flags: { output?: string }) => {
      const format = parseOutputFormat(flags.output);
      const file = await runtime.loadConfig();
      // Tokens never leave the file through this verb, not even with -o json.
      const rows = file.contexts.map(({ token: _token, ...rest }) => ({
        ...rest,
        current: rest.name === file.currentContext,
      }));
      runtime.out(
        await formatOutput(
          format,
          rows,
          {
            columns: [
              { header: 'current', cell: (row) => (row.current ? '*' : '') },
              { header: 'name', cell: (row) => row.name },
              { header: 'server', cell: (row) => row.server },
              { header: 'user', cell: (row) => row.user ?? '' },
              { header: 'team', cell: (row) => row.team ?? '' },
            ],
            name: (row) => `context/${row.name}`,
          },
          `No contexts in ${runtime.store.file}: raydeck login --server <portal URL>`,
        ),
      );
    });
  config
    .command('use-context <name>')
    .description('Make a saved context the current one')
    .addHelpText('after', examples(['raydeck config use-context prod']))
    .action(async (name: string) => {
      const file = await runtime.loadConfig();
      if (!file.contexts.some((context) => context.name === name))
        throw new CliError(
          `no context "${name}" (saved: ${file.contexts.map((context) => context.name).join(', ') || 'none'})`,
          exitCodes.notFound,
        );
      runtime.store.save({ ...file, currentContext: name });
      runtime.out(`Switched to context "${name}".\n`);
    });
}
