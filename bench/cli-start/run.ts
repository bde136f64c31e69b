/**
 * bench/cli-start: cold start of the `raydeck` executable as a user runs it (the built
 * bin/raydeck.js → dist/node/main.js, a new Node process each time): `raydeck --help` and
 * `raydeck get clusters` against a local portal (built, on the bare sandbox), next to bare
 * `node -e ""` on the same machine. Prints min and median of each. Goal: median ≤ 300 ms for
 * both raydeck commands. Needs `npm run build`.
 * Run: `npx tsx bench/cli-start/run.ts` (BENCH_RUNS, default 20 per command; about a minute).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { percentile, startPortalProcess, startSandboxProcess } from '../support/benchProcesses.ts';

const runs = Number(process.env['BENCH_RUNS'] ?? 20);
const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'raydeck.js');

// The web app is not under test: without a web build, the portal serves a stub page.
if (!existsSync(join(root, 'dist', 'web', 'index.html')) && !process.env['RAYDECK_WEB_ROOT']) {
  const webRoot = mkdtempSync(join(tmpdir(), 'raydeck-bench-web-'));
  writeFileSync(join(webRoot, 'index.html'), '<!doctype html>');
  process.env['RAYDECK_WEB_ROOT'] = webRoot;
}
const sandbox = await startSandboxProcess();
const portal = await startPortalProcess(sandbox.kubeconfig);
// The CLI reads its context from these (no config file), as in CI.
const env = {
  ...process.env,
  XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'raydeck-bench-cli-')),
  RAYDECK_URL: portal.url,
  RAYDECK_TOKEN: portal.token,
  NO_COLOR: '1',
};

const commands: Record<string, string[]> = {
  'node -e ""': ['-e', ''],
  'raydeck --help': [bin, '--help'],
  'raydeck get clusters': [bin, 'get', 'clusters'],
};
const times: Record<string, number[]> = Object.fromEntries(
  Object.keys(commands).map((name) => [name, []]),
);
// Interleaved, so load from the other people on the machine hits each command alike.
for (let run = 0; run < runs + 1; run++) {
  for (const [name, args] of Object.entries(commands)) {
    const before = performance.now();
    const result = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
    const elapsed = performance.now() - before;
    if (result.status !== 0)
      throw new Error(`${name} exited ${result.status}: ${result.stderr || result.stdout}`);
    // The first round warms the file cache; it is not counted.
    if (run > 0) times[name]?.push(elapsed);
  }
}
for (const [name, values] of Object.entries(times)) {
  process.stdout.write(
    `cli-start: ${name.padEnd(22)} min ${Math.min(...values).toFixed(0)} ms, median ${percentile(values, 0.5).toFixed(0)} ms (${values.length} runs)${name.startsWith('raydeck') ? ' (goal: median ≤ 300 ms)' : ''}\n`,
  );
}
portal.child.kill('SIGTERM');
sandbox.child.send({ type: 'exit' });
process.exit(0);
