/** A stream the CLI writes to: process.stdout/stderr, or a buffer in tests. */
export interface CliOutput {
  write(text: string): unknown;
  /** True on a terminal: phase lines redraw in place and colours may be used. */
  isTTY?: boolean;
}

/**
 * Everything the CLI touches outside itself, injectable so tests run it in-process against a
 * real portal: streams, environment, config folder, fetch, the confirmation prompt, the browser
 * opener and the wait between polls.
 */
export interface CliIo {
  stdout: CliOutput;
  stderr: CliOutput;
  env: Readonly<Record<string, string | undefined>>;
  /** Whether stdin is a terminal; without one, `delete` refuses unless `--yes`. */
  stdinIsTTY: boolean;
  /** Folder of config.yaml; default `$XDG_CONFIG_HOME/raydeck`, else `~/.config/raydeck`. */
  configDir?: string;
  fetch?: typeof fetch;
  /** Asks a yes/no question on the terminal; resolves true for yes. */
  confirm: (question: string) => Promise<boolean>;
  /** Opens a URL in the user's browser (`dashboard --open`). */
  openUrl: (url: string) => Promise<void>;
  /** Waits between polls (`--wait`, log follow), in milliseconds; tests pass a no-op. */
  sleep: (ms: number) => Promise<void>;
  /** All of stdin as text (`login --token-stdin`). */
  readStdin: () => Promise<string>;
  /** Ends long-running verbs (`get --watch`, `proxy`, log follow); default never (Ctrl-C). */
  signal?: AbortSignal;
  /** Current time in epoch ms, for AGE columns; tests pass a fixed value. */
  now: () => number;
}

/** The real process's streams, environment, prompt and browser opener. */
export function processCliIo(): CliIo {
  // `raydeck get clusters | head -1`: the reader went away; stop quietly as other CLIs do.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    stdinIsTTY: process.stdin.isTTY === true,
    confirm: async (question) => {
      const { createInterface } = await import('node:readline/promises');
      const prompt = createInterface({ input: process.stdin, output: process.stderr });
      try {
        const answer = await prompt.question(`${question} [y/N] `);
        return /^y(es)?$/i.test(answer.trim());
      } finally {
        prompt.close();
      }
    },
    openUrl: async (url) => {
      const { spawn } = await import('node:child_process');
      // The platform's opener; the URL is one argv entry, never parsed by a shell.
      const command =
        process.platform === 'darwin'
          ? 'open'
          : process.platform === 'win32'
            ? 'explorer'
            : 'xdg-open';
      spawn(command, [url], { stdio: 'ignore', detached: true }).unref();
    },
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    now: () => Date.now(),
    readStdin: async () => {
      let text = '';
      for await (const chunk of process.stdin) text += String(chunk);
      return text;
    },
  };
}
