/**
 * What a Node child process started by a test must inherit, even when the test gives it an
 * otherwise minimal environment (a pod's, say): on the image-Node stage of `npm test`, the
 * `--import` of test/support/imageNodeSqliteAddon.mjs and the addon it points at, without which
 * that Node cannot open SQLite. Empty on the usual Node 20 run.
 */
export function nodeRuntimeEnv(): Record<string, string> {
  const inherited: Record<string, string> = {};
  for (const name of ['NODE_OPTIONS', 'RAYDECK_IMAGE_NODE_SQLITE_ADDON']) {
    const value = process.env[name];
    if (value) inherited[name] = value;
  }
  return inherited;
}
