/**
 * `npm run dev`: runs the `raydeck` entry point from source under `tsx watch`, restarting on
 * every change. Arguments default to `serve`; pair it with `npm run dev:web` (Vite with hot
 * reload, proxying /api to this server).
 */
import { main } from '../src/main.ts';

const args = process.argv.slice(2);
await main(args.length > 0 ? args : ['serve']);
