import type { Command } from 'commander';

import type { CliRuntime } from '../CliRuntime.ts';
import { CliError, exitCodes } from '../exitCodes.ts';
import { examples } from './examples.ts';

/** Verbs whose first argument is a cluster. */
const clusterVerbs = new Set(['scale', 'suspend', 'resume', 'dashboard', 'proxy']);
/** Verbs whose first argument is a kind, the second a name of that kind. */
const kindVerbs: Readonly<Record<string, readonly string[]>> = {
  get: ['clusters', 'templates', 'gpus', 'jobs', 'services', 'quotas', 'usage'],
  describe: ['cluster'],
  delete: ['cluster'],
  create: ['cluster'],
};

/**
 * The shell scripts: each asks `raydeck __complete <words…>` for candidates, so verbs, kinds
 * and resource names (clusters, templates, from the API) come from one place.
 */
const scripts: Readonly<Record<string, string>> = {
  bash: `# raydeck completion for bash: source <(raydeck completion bash)
_raydeck() {
  local IFS=$'\\n'
  COMPREPLY=($(compgen -W "$(raydeck __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)" -- "\${COMP_WORDS[COMP_CWORD]}"))
}
complete -o default -F _raydeck raydeck
`,
  zsh: `#compdef raydeck
# raydeck completion for zsh: source <(raydeck completion zsh)
_raydeck() {
  local -a candidates
  candidates=("\${(@f)$(raydeck __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  compadd -a candidates
}
compdef _raydeck raydeck
`,
  fish: `# raydeck completion for fish: raydeck completion fish > ~/.config/fish/completions/raydeck.fish
complete -c raydeck -f -a '(raydeck __complete (commandline -opc)[2..-1] (commandline -ct) 2>/dev/null)'
`,
};

/** `completion bash|zsh|fish` and the hidden `__complete` the scripts call. */
export function addCompletionVerbs(program: Command, runtime: CliRuntime): void {
  program
    .command('completion <shell>')
    .description('Print the shell completion script: bash, zsh or fish')
    .addHelpText(
      'after',
      examples([
        'source <(raydeck completion bash)      # in ~/.bashrc',
        'source <(raydeck completion zsh)       # in ~/.zshrc',
        'raydeck completion fish > ~/.config/fish/completions/raydeck.fish',
      ]),
    )
    .action((shell: string) => {
      const script = scripts[shell];
      if (!script)
        throw new CliError(`completion knows bash, zsh and fish, not "${shell}"`, exitCodes.usage);
      runtime.out(script);
    });

  program
    .command('__complete', { hidden: true })
    .argument('[words...]')
    .allowUnknownOption()
    .helpOption(false)
    .action(async (words: string[]) => {
      const candidates = await complete(program, runtime, words).catch(() => []);
      runtime.out(candidates.map((candidate) => `${candidate}\n`).join(''));
    });
}

/** Candidates for the last word, given the words before it (flags ignored). */
async function complete(program: Command, runtime: CliRuntime, words: string[]): Promise<string[]> {
  const before = words.slice(0, -1);
  const previous = before.at(-1);
  if (previous === '--template') return templateNames(runtime);
  const positional = before.filter((word) => !word.startsWith('-'));
  const verb = positional[0];
  if (verb === undefined)
    return program.commands
      .map((command) => command.name())
      .filter((name) => !name.startsWith('_'));
  if (verb === 'completion' && positional.length === 1) return Object.keys(scripts);
  if (verb === 'config' && positional.length === 1) return ['get-contexts', 'use-context'];
  if (verb === 'config' && positional[1] === 'use-context') {
    const config = await runtime.loadConfig();
    return config.contexts.map((context) => context.name);
  }
  if (clusterVerbs.has(verb) && positional.length === 1) return clusterNames(runtime);
  const kinds = kindVerbs[verb];
  if (kinds && positional.length === 1) return [...kinds];
  if (kinds && positional.length === 2 && verb !== 'create') {
    const kind = positional[1] ?? '';
    if (kind.startsWith('cluster')) return clusterNames(runtime);
    if (kind.startsWith('template')) return templateNames(runtime);
  }
  return [];
}

async function clusterNames(runtime: CliRuntime): Promise<string[]> {
  const { client } = await runtime.client();
  const { items } = await client.listClusters({ limit: 500 });
  return items.map((item) => `${item.namespace}/${item.name}`);
}

async function templateNames(runtime: CliRuntime): Promise<string[]> {
  const { client } = await runtime.client();
  const { items } = await client.listTemplates();
  return items.map((item) => item.name);
}
