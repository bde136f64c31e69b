#!/usr/bin/env node
// The `raydeck` executable runs the compiled entry point in dist/node (see `npm run build`).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/node/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('raydeck is not built yet: run `npm run build` in the package folder.\n');
  process.exit(1);
}
const { main } = await import(entry.href);
await main(process.argv.slice(2));
