/**
 * `npm test`: typecheck, lint, format check, build, the initial JS budget (checkBundleSize.ts),
 * then every Vitest project (node, web, e2e), ending with one plain summary line
 * `N passed, N failed` that CI reads. Each static check counts as one test; every Vitest test
 * counts as one. All steps run even when an earlier one fails, so one run shows everything that is
 * broken. Extra arguments go to Vitest (e.g. `--project node`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const vitestReport = `${root}test-results/vitest.json`;

interface StepResult {
  name: string;
  ok: boolean;
  seconds: number;
}

function run(name: string, command: string, args: string[]): StepResult {
  process.stdout.write(`\n▶ ${name}: ${command} ${args.join(' ')}\n`);
  const started = performance.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env });
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

mkdirSync(`${root}test-results`, { recursive: true });
rmSync(vitestReport, { force: true });
const vitest = run('vitest', bin('vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${vitestReport}`,
  ...process.argv.slice(2),
]);

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

let passed = steps.filter((step) => step.ok).length;
let failed = steps.length - passed;
let skipped = 0;
if (existsSync(vitestReport)) {
  const report = JSON.parse(readFileSync(vitestReport, 'utf8')) as VitestJson;
  // A file that fails to load has no tests but must still count as a failure.
  // A file that fails outside its tests (a broken import, a failing beforeAll) has no failed
  // test of its own but must still count as a failure.
  const brokenFiles = report.testResults.filter(
    (file) =>
      file.status === 'failed' && !file.assertionResults.some((test) => test.status === 'failed'),
  );
  for (const file of brokenFiles) process.stdout.write(`✘ could not run ${file.name}\n`);
  passed += report.numPassedTests;
  failed += report.numFailedTests + brokenFiles.length;
  skipped = report.numPendingTests + report.numTodoTests;
} else {
  failed += 1;
  process.stdout.write('✘ vitest wrote no report\n');
}
if (!vitest.ok && failed === 0) failed += 1; // Vitest failed for a reason outside any test.

process.stdout.write('\n');
for (const step of [...steps, vitest]) {
  process.stdout.write(
    `${step.ok ? 'ok  ' : 'FAIL'}  ${step.name}  ${step.seconds.toFixed(1)} s\n`,
  );
}
if (skipped > 0) process.stdout.write(`${skipped} skipped\n`);
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exitCode = failed > 0 ? 1 : 0;
