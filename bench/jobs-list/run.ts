/**
 * Jobs list at 10,000 jobs: the store query behind `GET /api/v1/jobs` (a page of 50, newest
 * first, with the total) on SQLite in a temp dir, unfiltered, filtered by team and phase, and a
 * text search. Prints p50/p95 per query. `BENCH_JOBS` sets the number of jobs.
 *
 *   npx tsx bench/jobs-list/run.ts
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import type { JobFilter, JobRow } from '../../src/server/store/JobStore.ts';
import { JobStore } from '../../src/server/store/JobStore.ts';
import { openDatabase } from '../../src/server/store/openDatabase.ts';

const count = Number(process.env.BENCH_JOBS ?? 10_000);
const db = await openDatabase({
  file: join(mkdtempSync(join(tmpdir(), 'bench-jobs-')), 'raydeck.db'),
});
const store = new JobStore(db);
const phases = ['Pending', 'Running', 'Succeeded', 'Failed', 'Stopped'];
const rows: JobRow[] = [];
for (let index = 0; index < count; index++) {
  const at = new Date(Date.UTC(2026, 0, 1) + index * 60_000).toISOString();
  const phase = phases[index % phases.length] ?? 'Pending';
  rows.push({
    id: `s-${index.toString(16).padStart(24, '0')}`,
    team: `team-${index % 20}`,
    kind: index % 3 === 0 ? 'rayjob' : 'submission',
    cluster: `cluster-${index % 200}`,
    rayjob_name: '',
    submission_id: `raysubmit_${index}`,
    owner: `user-${index % 50}`,
    origin: 'raydeck',
    catalog_id: '',
    template: '',
    entrypoint: `python train.py --run ${index}`,
    phase,
    status: JSON.stringify({ phase }),
    timeline: JSON.stringify([{ at, status: { phase } }]),
    request: JSON.stringify({ runtimeEnv: {}, entrypointResources: {}, metadata: {} }),
    gpus: index % 4,
    gpu_seconds: index,
    gpu_accounted_at: null,
    created_at: at,
    started_at: at,
    ended_at: null,
    updated_at: at,
    log_total_bytes: 1000,
    log_stored_from: 0,
    log_complete: 1,
    cluster_gone: 0,
  });
}
const started = performance.now();
for (let index = 0; index < rows.length; index += 500) {
  await db
    .insertInto('jobs')
    .values(rows.slice(index, index + 500))
    .execute();
}
console.log(`inserted ${count} jobs in ${(performance.now() - started).toFixed(0)} ms`);

const queries: Record<string, JobFilter> = {
  'all teams (admin)': { teams: '*' },
  'one team, Running': { teams: '*', team: 'team-7', phase: 'Running' },
  'member of 3 teams': { teams: ['team-1', 'team-2', 'team-3'] },
  'search "run 99"': { teams: '*', q: 'run 99' },
};
for (const [name, filter] of Object.entries(queries)) {
  const times: number[] = [];
  let cursor: string | undefined;
  for (let round = 0; round < 200; round++) {
    const start = performance.now();
    const page = await store.list(filter, 50, round % 2 === 1 ? cursor : undefined);
    times.push(performance.now() - start);
    cursor = page.nextCursor;
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => (times[Math.floor(q * (times.length - 1))] ?? 0).toFixed(1);
  console.log(`${name}: page of 50 + total, p50 ${at(0.5)} ms, p95 ${at(0.95)} ms`);
}
await db.destroy();
