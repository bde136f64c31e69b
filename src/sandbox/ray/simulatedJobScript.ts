import type { JobScript, JobScriptAction, JobScriptContext } from './jobScriptActions.ts';
import { nodeResourceTotals } from './rayNodes.ts';
import { rayDriverConnect, sampleWorkloads } from './sampleWorkloads.ts';

/**
 * How a simulated job's run follows from its entrypoint (documented in docs/sandbox-ray.md):
 * the entrypoint is read as a small shell command line (`&&`, `||`, `;`, quotes, leading
 * `VAR=value` assignments) and each command becomes a script of timed output lines and an exit
 * code. Nothing is executed.
 */

/** A simulated entrypoint, ready to run. */
export interface SimulatedJobScript {
  /** Creates the script afresh (called once to measure it and once to run it). */
  create(ctx: JobScriptContext): JobScript;
  /** Run time requested with `--duration=S` or `RAYDECK_SIM_DURATION=S`, in ms. */
  durationOverrideMs?: number;
  /** Whether `RAYDECK_SIM_FAIL=1` asked for a failure (a traceback half-way, exit code 1). */
  forcedFailure: boolean;
}

/** Run time of a command the simulation does not know, in ms. */
export const genericRunMs = 10_000;

const knownPython = /^python(\d(\.\d+)?)?$/;

/**
 * Reads `entrypoint` (and the runtime_env's `env_vars`) into a {@link SimulatedJobScript}.
 * Rules, in order: `RAYDECK_SIM_DURATION=S` or `--duration=S` set the run time; `RAYDECK_SIM_FAIL=1`
 * fails it; each command then runs: `exit N`, `sleep S`, `echo …`, `true`, `false`, `cd …`,
 * `python <sample>.py …` (the samples in `workloads/`, by file name, from any folder),
 * `python -c "…"`, other `python …` (a generic Ray driver), and anything else (a generic
 * {@link genericRunMs} run that echoes what it ran). A command containing `raise` fails with a
 * Python traceback.
 */
export function simulateEntrypoint(
  entrypoint: string,
  envVars: Readonly<Record<string, string>> = {},
): SimulatedJobScript {
  const durationText =
    /(?:^|\s)RAYDECK_SIM_DURATION=(\d+(?:\.\d+)?)\b/.exec(entrypoint)?.[1] ??
    envVars.RAYDECK_SIM_DURATION ??
    /(?:^|\s)--duration[= ](\d+(?:\.\d+)?)\b/.exec(entrypoint)?.[1];
  const durationSeconds = durationText === undefined ? Number.NaN : Number(durationText);
  const forcedFailure =
    /(?:^|\s)RAYDECK_SIM_FAIL=(1|true|yes)\b/i.test(entrypoint) ||
    /^(1|true|yes)$/i.test(envVars.RAYDECK_SIM_FAIL ?? '');
  const commands = splitCommandLine(entrypoint);
  return {
    create: (ctx) => {
      const script = runCommandLine(commands, ctx);
      return forcedFailure
        ? failHalfWay(
            script,
            measureScript(runCommandLine(commands, measuringContext(ctx))),
            failureFile(commands),
          )
        : script;
    },
    ...(Number.isFinite(durationSeconds) && durationSeconds >= 0
      ? { durationOverrideMs: Math.round(durationSeconds * 1000) }
      : {}),
    forcedFailure,
  };
}

/** The total `sleep` time of a script, ms, with every wait satisfied at once. */
export function measureScript(script: JobScript): number {
  let total = 0;
  let next = script.next(true);
  while (!next.done) {
    if (next.value.kind === 'sleep') total += next.value.ms;
    next = script.next(true);
  }
  return total;
}

/** A context for measuring: same nodes and head, its own randomness (results are discarded). */
function measuringContext(ctx: JobScriptContext): JobScriptContext {
  return {
    nodes: () => ctx.nodes(),
    headIp: ctx.headIp,
    random: () => 0.5,
    pid: (name) => ctx.pid(name),
  };
}

type Operator = '&&' | '||' | ';';

interface Command {
  /** How it joins the previous command (`;` for the first). */
  joinedBy: Operator;
  words: string[];
  /** The command's own text, for messages. */
  text: string;
}

/** Splits a command line on `&&`, `||` and `;` outside quotes, then into words. */
export function splitCommandLine(line: string): Command[] {
  const commands: Command[] = [];
  let current = '';
  let quote: string | undefined;
  let joinedBy: Operator = ';';
  const flush = (next: Operator): void => {
    const text = current.trim();
    if (text !== '') commands.push({ joinedBy, words: splitWords(text), text });
    current = '';
    joinedBy = next;
  };
  for (let index = 0; index < line.length; index++) {
    const char = line[index] ?? '';
    if (quote) {
      if (char === quote) quote = undefined;
      current += char;
      continue;
    }
    if (char === '"' || char === "'") {
      quote = char;
      current += char;
      continue;
    }
    const two = line.slice(index, index + 2);
    if (two === '&&' || two === '||') {
      flush(two);
      index++;
      continue;
    }
    if (char === ';' || char === '\n') {
      flush(';');
      continue;
    }
    current += char;
  }
  flush(';');
  return commands;
}

/** Shell-like word splitting with single and double quotes and backslash escapes. */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: string | undefined;
  for (let index = 0; index < text.length; index++) {
    const char = text[index] ?? '';
    if (quote) {
      if (char === quote) quote = undefined;
      else if (char === '\\' && quote === '"' && index + 1 < text.length) word += text[++index];
      else word += char;
      continue;
    }
    if (char === '"' || char === "'") {
      quote = char;
      inWord = true;
    } else if (char === '\\' && index + 1 < text.length) {
      word += text[++index];
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += char;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

function* runCommandLine(commands: readonly Command[], ctx: JobScriptContext): JobScript {
  let status = 0;
  for (const command of commands) {
    if (command.joinedBy === '&&' && status !== 0) continue;
    if (command.joinedBy === '||' && status === 0) continue;
    const words = withoutDurationFlag(command.words);
    while (words[0] === 'env' || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0] ?? '')) words.shift();
    const [program = '', ...args] = words;
    if (program === 'exit') {
      return exitCode(args[0]);
    }
    status = yield* runCommand(program, args, command.text, ctx);
  }
  return status;
}

/** The words without the simulation's own `--duration=S` / `--duration S` flag. */
function withoutDurationFlag(words: readonly string[]): string[] {
  const out: string[] = [];
  for (let index = 0; index < words.length; index++) {
    const word = words[index] ?? '';
    if (word === '--duration') index++;
    else if (!word.startsWith('--duration=')) out.push(word);
  }
  return out;
}

function exitCode(text: string | undefined): number {
  const code = Number(text ?? 0);
  return Number.isInteger(code) ? ((code % 256) + 256) % 256 : 2;
}

function* runCommand(
  program: string,
  args: string[],
  text: string,
  ctx: JobScriptContext,
): JobScript {
  if (program === '' || program === 'true' || program === ':' || program === 'cd') return 0;
  if (program === 'false') return 1;
  if (program === 'sleep') {
    const seconds = sleepSeconds(args);
    if (seconds === undefined) {
      yield { kind: 'print', text: `sleep: invalid time interval '${args[0] ?? ''}'` };
      return 1;
    }
    yield { kind: 'sleep', ms: Math.round(seconds * 1000) };
    return 0;
  }
  if (program === 'echo') {
    yield { kind: 'sleep', ms: 5 };
    yield { kind: 'print', text: (args[0] === '-n' ? args.slice(1) : args).join(' ') };
    return 0;
  }
  if (/\braise\b/.test(text) && !knownPython.test(program)) {
    return yield* pythonFailure(
      ctx,
      '<string>',
      'raise RuntimeError("simulated failure")',
      'RuntimeError: simulated failure',
    );
  }
  if (knownPython.test(program)) return yield* runPython(args, text, ctx, program);
  yield { kind: 'print', text: `Running: ${text}` };
  yield { kind: 'sleep', ms: genericRunMs };
  yield { kind: 'print', text: `Finished: ${text}` };
  return 0;
}

function sleepSeconds(args: readonly string[]): number | undefined {
  if (args.length === 0) return undefined;
  let total = 0;
  for (const arg of args) {
    const match = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(arg);
    if (!match) return undefined;
    const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[match[2] ?? ''] ?? 1;
    total += Number(match[1]) * unit;
  }
  return total;
}

function* runPython(
  args: string[],
  text: string,
  ctx: JobScriptContext,
  program = 'python',
): JobScript {
  let index = 0;
  while (index < args.length && /^-[uBOEsSI]+$/.test(args[index] ?? '')) index++;
  const first = args[index];
  if (first === '-c') {
    const code = args[index + 1] ?? '';
    const raised = /\braise\s+([A-Za-z_][\w.]*)\s*(?:\((.*)\))?/.exec(code);
    if (/\braise\b/.test(code)) {
      const type = raised?.[1] ?? 'RuntimeError';
      const message = (raised?.[2] ?? '').trim().replace(/^(['"])(.*)\1$/, '$2');
      const error = raised
        ? `${type}${message ? `: ${message}` : ''}`
        : 'RuntimeError: No active exception to reraise';
      return yield* pythonFailure(ctx, '<string>', '', error, false);
    }
    if (/ray\.init\(/.test(code)) yield* rayDriverConnect(ctx);
    const printed = /print\((.*)\)/.exec(code)?.[1]?.trim();
    if (printed === 'ray.cluster_resources()') {
      yield { kind: 'print', text: clusterResourcesRepr(ctx) };
    } else if (printed && /^(['"]).*\1$/.test(printed)) {
      yield { kind: 'print', text: printed.slice(1, -1) };
    }
    return 0;
  }
  if (first === '-m' || first === undefined) {
    yield* rayDriverConnect(ctx);
    yield { kind: 'print', text: `Running: ${text}` };
    yield { kind: 'sleep', ms: genericRunMs };
    return 0;
  }
  const scriptPath = first;
  const scriptName = scriptPath.split('/').at(-1) ?? scriptPath;
  const scriptArgs = args.slice(index + 1);
  const notUploaded = missingFromWorkingDir(ctx, scriptPath);
  if (notUploaded) {
    yield {
      kind: 'print',
      text: `${program}: can't open file '${notUploaded}': [Errno 2] No such file or directory`,
    };
    return 2;
  }
  if (/\braise\b/.test(text)) {
    yield* rayDriverConnect(ctx);
    return yield* pythonFailure(
      ctx,
      scriptPath,
      'raise RuntimeError("simulated failure")',
      'RuntimeError: simulated failure',
    );
  }
  const workload = sampleWorkloads[scriptName];
  if (workload) return yield* workload(scriptArgs, ctx, scriptName);
  yield* rayDriverConnect(ctx);
  yield { kind: 'print', text: `Running: ${text}` };
  yield { kind: 'sleep', ms: genericRunMs };
  return 0;
}

/**
 * The absolute path Python would fail to open when the job runs in an uploaded working_dir that
 * does not contain `scriptPath` (a relative path); undefined when the file is there, the path is
 * absolute, or the job has no uploaded working_dir. Ray unpacks a package under
 * `runtime_resources/working_dir_files/<package name without .zip>/` of its session directory.
 */
function missingFromWorkingDir(ctx: JobScriptContext, scriptPath: string): string | undefined {
  const workingDir = ctx.workingDir;
  if (!workingDir || scriptPath.startsWith('/')) return undefined;
  const relative = scriptPath.replace(/^(\.\/)+/, '');
  if (workingDir.files.includes(relative)) return undefined;
  const packageName = (workingDir.uri.split('://')[1] ?? '').replace(/\.(zip|whl)$/, '');
  return `/tmp/ray/session_latest/runtime_resources/working_dir_files/${packageName}/${relative}`;
}

/** `print(ray.cluster_resources())`: a Python dict of the cluster's total resources. */
function clusterResourcesRepr(ctx: JobScriptContext): string {
  const totals: Record<string, number> = {};
  for (const node of ctx.nodes()) {
    for (const [name, amount] of Object.entries(nodeResourceTotals(node))) {
      totals[name] = (totals[name] ?? 0) + amount;
    }
  }
  const entries = Object.entries(totals).map(
    ([name, amount]) => `'${name}': ${Number.isInteger(amount) ? `${amount}.0` : amount}`,
  );
  return `{${entries.join(', ')}}`;
}

function* pythonFailure(
  ctx: JobScriptContext,
  file: string,
  code: string,
  error: string,
  inMain = true,
): JobScript {
  yield { kind: 'sleep', ms: 300 };
  const lines = ['Traceback (most recent call last):'];
  if (inMain) {
    lines.push(
      `  File "${file}", line ${40 + Math.floor(ctx.random() * 40)}, in <module>`,
      '    main()',
    );
    lines.push(
      `  File "${file}", line ${10 + Math.floor(ctx.random() * 30)}, in main`,
      `    ${code}`,
    );
  } else {
    lines.push(`  File "${file}", line 1, in <module>`);
  }
  lines.push(error);
  for (const line of lines) yield { kind: 'print', text: line };
  return 1;
}

function failureFile(commands: readonly Command[]): string {
  for (const command of commands) {
    const words = command.words.filter((word) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(word));
    if (knownPython.test(words[0] ?? '')) {
      const script = words.slice(1).find((word) => !word.startsWith('-'));
      if (script && script.endsWith('.py')) return script;
    }
  }
  return '<string>';
}

/**
 * `RAYDECK_SIM_FAIL=1`: runs `script` until half its own time has passed, then raises, printing
 * a traceback, with exit code 1.
 */
function* failHalfWay(script: JobScript, naturalMs: number, file: string): JobScript {
  const failAt = naturalMs / 2;
  let elapsed = 0;
  let resume = true;
  for (;;) {
    if (elapsed >= failAt) break;
    const next = script.next(resume);
    if (next.done) break;
    const action: JobScriptAction = next.value;
    if (action.kind === 'sleep' && elapsed + action.ms > failAt) {
      yield { kind: 'sleep', ms: failAt - elapsed };
      break;
    }
    if (action.kind === 'sleep') elapsed += action.ms;
    resume = yield action;
  }
  script.return(1);
  const error = 'RuntimeError: simulated failure (RAYDECK_SIM_FAIL=1)';
  const lines = [
    'Traceback (most recent call last):',
    `  File "${file}", line 97, in <module>`,
    '    sys.exit(main())',
    `  File "${file}", line 61, in main`,
    "    raise RuntimeError('simulated failure (RAYDECK_SIM_FAIL=1)')",
    error,
  ];
  for (const line of lines) yield { kind: 'print', text: line };
  return 1;
}
