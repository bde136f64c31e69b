// Loaded with `--import` into every process of the image-Node test stage (scripts/runTests.ts):
// points better-sqlite3 at its addon compiled for that Node (scripts/ensureImageNodeRuntime.ts)
// instead of node_modules' Node-20 build, which that Node refuses (NODE_MODULE_VERSION differs).
// Plain JavaScript because it runs before any TypeScript loader; `module.registerHooks` (Node
// ≥ 22.15) applies to `require()` too, which is how better-sqlite3 loads its addon.
import { registerHooks } from 'node:module';
import { pathToFileURL } from 'node:url';

const addon = process.env.RAYDECK_IMAGE_NODE_SQLITE_ADDON;
if (!addon) throw new Error('RAYDECK_IMAGE_NODE_SQLITE_ADDON is not set');
const addonUrl = pathToFileURL(addon).href;

registerHooks({
  resolve(specifier, context, nextResolve) {
    const resolved = nextResolve(specifier, context);
    return resolved.url.endsWith('/better-sqlite3/build/Release/better_sqlite3.node')
      ? { ...resolved, url: addonUrl }
      : resolved;
  },
});
