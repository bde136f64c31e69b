/**
 * Child process of the sandbox API server benchmark: runs the sandbox alone (so its RSS and CPU
 * are its own), prints its URL, and answers `rss` messages with its resident set size in bytes.
 * `BENCH_STATE=1` persists state as `raydeck sandbox --state` does (write-ahead journal in a
 * temporary directory); `BENCH_FSYNC=1` adds an fdatasync per write.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createSandboxApiServer } from '../../src/sandbox/apiserver/createSandboxApiServer.ts';
import { StateJournal } from '../../src/sandbox/apiserver/StateJournal.ts';

const journal =
  process.env['BENCH_STATE'] === '1'
    ? StateJournal.open(join(mkdtempSync(join(tmpdir(), 'raydeck-bench-state-')), 'state.json'), {
        fsync: process.env['BENCH_FSYNC'] === '1',
        storeOptions: { eventWindow: 20_000 },
      })
    : undefined;
const sandbox = createSandboxApiServer({
  eventWindow: 20_000,
  ...(journal ? { store: journal.store } : {}),
});
const url = await sandbox.listen('127.0.0.1', 0);
process.send?.({ url });
process.on('message', (message: { type?: string }) => {
  if (message.type === 'rss') {
    globalThis.gc?.();
    process.send?.({ rss: process.memoryUsage().rss, heapUsed: process.memoryUsage().heapUsed });
  }
  if (message.type === 'exit') process.exit(0);
});
