/**
 * Child process of the sandbox API server benchmark: runs the sandbox alone (so its RSS and CPU
 * are its own), prints its URL, and answers `rss` messages with its resident set size in bytes.
 */
import { createSandboxApiServer } from '../../src/sandbox/apiserver/createSandboxApiServer.ts';

const sandbox = createSandboxApiServer({ eventWindow: 20_000 });
const url = await sandbox.listen('127.0.0.1', 0);
process.send?.({ url });
process.on('message', (message: { type?: string }) => {
  if (message.type === 'rss') {
    globalThis.gc?.();
    process.send?.({ rss: process.memoryUsage().rss, heapUsed: process.memoryUsage().heapUsed });
  }
  if (message.type === 'exit') process.exit(0);
});
