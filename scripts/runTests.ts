/**
 * `npm test`: typecheck, lint, format check, build, the initial JS budget (checkBundleSize.ts),
 * then every Vitest project (node, web, e2e), then the `node` project once more on the Node the
 * container image runs (scripts/ensureImageNodeRuntime.ts), ending with one plain summary line
 * `N passed, N failed` that CI reads. Each static check counts as one test; every Vitest test
 * counts as one, on each Node it runs on. All steps run even when an earlier one fails, so one run
 * shows everything that is broken. Extra arguments go to Vitest (e.g. `--project node`); with
 * them the image-Node stage is left out, as a filtered run is a developer's quick check.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { ensureImageNodeRuntime, type ImageNodeRuntime } from './ensureImageNodeRuntime.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

interface StepResult {
  name: string;
  ok: boolean;
  seconds: number;
}

function run(
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): StepResult {
  process.stdout.write(`\n▶ ${name}: ${command} ${args.join(' ')}\n`);
  const started = performance.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
  const seconds = (performance.now() - started) / 1000;
  const ok = result.status === 0;
  process.stdout.write(`${ok ? '✔' : '✘'} ${name} (${seconds.toFixed(1)} s)\n`);
  return { name, ok, seconds };
}

const bin = (tool: string) => `${root}node_modules/.bin/${tool}`;
const steps: StepResult[] = [
  run('typecheck (node)', bin('tsc'), ['-p', 'tsconfig.json']),
  run('typecheck (web)', bin('tsc'), ['-p', 'src/web/tsconfig.json']),
  run('lint', bin('eslint'), ['.', '--max-warnings', '0']),
  run('format', bin('prettier'), ['--check', '.']),
  run('build', 'npm', ['run', '--silent', 'build']),
  run('bundle size', bin('tsx'), ['scripts/checkBundleSize.ts']),
];

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  testResults: {
    name: string;
    status: string;
    message?: string;
    assertionResults: { status?: string }[];
  }[];
}

interface Tally {
  passed: number;
  failed: number;
  skipped: number;
}

/** Runs Vitest with `node` and counts its JSON report; a run without a report counts as failed. */
function runVitest(
  name: string,
  node: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): { step: StepResult; tally: Tally } {
  const report = `${root}test-results/${name.replace(/\W+/g, '-')}.json`;
  rmSync(report, { force: true });
  const step = run(
    name,
    node,
    [
      `${root}node_modules/vitest/vitest.mjs`,
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
      ...args,
    ],
    env,
  );
  const tally: Tally = { passed: 0, failed: 0, skipped: 0 };
  if (existsSync(report)) {
    const json = JSON.parse(readFileSync(report, 'utf8')) as VitestJson;
    // A file that fails outside its tests (a broken import, a failing beforeAll) has no failed
    // test of its own but must still count as a failure.
    const brokenFiles = json.testResults.filter(
      (file) =>
        file.status === 'failed' && !file.assertionResults.some((test) => test.status === 'failed'),
    );
    for (const file of brokenFiles) process.stdout.write(`✘ ${name}: could not run ${file.name}\n`);
    tally.passed = json.numPassedTests;
    tally.failed = json.numFailedTests + brokenFiles.length;
    tally.skipped = json.numPendingTests + json.numTodoTests;
  } else {
    tally.failed = 1;
    process.stdout.write(`✘ ${name} wrote no report\n`);
  }
  if (!step.ok && tally.failed === 0) tally.failed = 1; // Failed for a reason outside any test.
  return { step, tally };
}

mkdirSync(`${root}test-results`, { recursive: true });
const vitestArgs = process.argv.slice(2);
const vitestRuns = [runVitest('vitest', process.execPath, vitestArgs)];

// The `node` project again on the image's Node. Installing it needs the npm registry (as
// `npm ci` does); where that fails the stage counts as one failure, never as a silent pass.
if (vitestArgs.length === 0) {
  let runtime: ImageNodeRuntime | undefined;
  try {
    runtime = ensureImageNodeRuntime((line) => process.stdout.write(`${line}\n`));
  } catch (error) {
    process.stdout.write(`✘ could not install the image's Node: ${String(error)}\n`);
    steps.push({ name: "image's Node runtime", ok: false, seconds: 0 });
  }
  if (runtime) {
    vitestRuns.push(
      runVitest(`vitest on Node ${runtime.version}`, runtime.node, ['--project', 'node'], {
        ...process.env,
        RAYDECK_IMAGE_NODE_SQLITE_ADDON: runtime.sqliteAddon,
        NODE_OPTIONS: [
          process.env.NODE_OPTIONS,
          `--import=${root}test/support/imageNodeSqliteAddon.mjs`,
        ]
          .filter(Boolean)
          .join(' '),
      }),
    );
  }
}

const passed =
  steps.filter((step) => step.ok).length +
  vitestRuns.reduce((sum, { tally }) => sum + tally.passed, 0);
const failed =
  steps.filter((step) => !step.ok).length +
  vitestRuns.reduce((sum, { tally }) => sum + tally.failed, 0);
const skipped = vitestRuns.reduce((sum, { tally }) => sum + tally.skipped, 0);

process.stdout.write('\n');
for (const step of [...steps, ...vitestRuns.map((vitestRun) => vitestRun.step)]) {
  process.stdout.write(
    `${step.ok ? 'ok  ' : 'FAIL'}  ${step.name}  ${step.seconds.toFixed(1)} s\n`,
  );
}
if (skipped > 0) process.stdout.write(`${skipped} skipped\n`);
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exitCode = failed > 0 ? 1 : 0;
