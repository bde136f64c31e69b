/**
 * The bundle budget: the JavaScript a browser must fetch before the portal's first page can run
 * (the entry module script of `dist/web/index.html` and the chunks it modulepreloads, not lazy
 * chunks) may weigh at most 300 KB gzipped. Run after `npm run build`:
 * `tsx scripts/checkBundleSize.ts [webRoot]`. Prints one row per file and the total; exits 1 over
 * the budget, 2 when there is no build to measure.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

/** 300 KB (KiB, as bundlers count) of gzipped initial JavaScript, from the web issue. */
export const initialJsBudgetBytes = 300 * 1024;

/** The built web app that `raydeck serve` serves. */
export const defaultWebRoot = fileURLToPath(new URL('../dist/web', import.meta.url));

/** One initial script: its path as index.html names it, raw and gzipped size in bytes. */
export interface InitialScript {
  path: string;
  bytes: number;
  gzipBytes: number;
}

/** What {@link checkBundleSize} measured. */
export interface BundleReport {
  scripts: InitialScript[];
  totalBytes: number;
  totalGzipBytes: number;
  budgetBytes: number;
  withinBudget: boolean;
}

const tagPattern = /<(script|link)\b([^>]*)>/gi;
const attributePattern = /([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

function attributesOf(source: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const match of source.matchAll(attributePattern)) {
    const name = match[1]?.toLowerCase();
    if (name && !attributes.has(name)) attributes.set(name, match[2] ?? match[3] ?? match[4] ?? '');
  }
  return attributes;
}

/**
 * The scripts index.html makes the browser load up front, in document order without repeats:
 * every `<script src>` except `nomodule` fallbacks (modern browsers skip them), and every
 * `<link rel="modulepreload" href>`. Chunks loaded later by `import()` are not named in index.html
 * and so are not counted. Query strings and fragments are dropped; paths keep their form
 * (`/assets/x.js`). HTML comments are ignored.
 */
export function findInitialScripts(html: string): string[] {
  const withoutComments = html.replace(/<!--[\s\S]*?-->/g, '');
  const found: string[] = [];
  for (const match of withoutComments.matchAll(tagPattern)) {
    const tag = match[1]?.toLowerCase();
    const attributes = attributesOf(match[2] ?? '');
    let url: string | undefined;
    if (tag === 'script' && !attributes.has('nomodule')) url = attributes.get('src');
    if (tag === 'link') {
      const rel = (attributes.get('rel') ?? '').toLowerCase().split(/\s+/);
      if (rel.includes('modulepreload')) url = attributes.get('href');
    }
    const path = url?.split(/[?#]/)[0];
    if (path && !found.includes(path)) found.push(path);
  }
  return found;
}

/**
 * Maps a script URL of index.html to its file under the web root. Only same-origin paths can be
 * measured: a script from another host would be outside the budget's reach, so it is an error.
 */
export function scriptFile(webRoot: string, path: string): string {
  if (/^(?:[a-z][a-z0-9+.-]*:)?\/\//i.test(path) || /^[a-z][a-z0-9+.-]*:/i.test(path)) {
    throw new Error(
      `index.html loads ${path} from elsewhere; the bundle check measures only local files`,
    );
  }
  const file = resolve(webRoot, path.replace(/^\/+/, ''));
  if (relative(webRoot, file).startsWith('..')) {
    throw new Error(`index.html names ${path}, which lies outside ${webRoot}`);
  }
  return file;
}

/**
 * Measures the initial JavaScript of the built web app: each file of {@link findInitialScripts}
 * gzipped with node:zlib at its default level (6), and their total against the budget.
 * @throws Error when index.html or a script it names is missing, or it names no script at all
 */
export function checkBundleSize(
  webRoot: string = defaultWebRoot,
  budgetBytes: number = initialJsBudgetBytes,
): BundleReport {
  const indexFile = join(webRoot, 'index.html');
  if (!existsSync(indexFile))
    throw new Error(`${indexFile} is missing: run \`npm run build\` first`);
  const paths = findInitialScripts(readFileSync(indexFile, 'utf8'));
  if (paths.length === 0) throw new Error(`${indexFile} loads no script: nothing to measure`);
  const scripts = paths.map((path) => {
    const file = scriptFile(webRoot, path);
    if (!existsSync(file)) throw new Error(`index.html names ${path}, but ${file} is missing`);
    const content = readFileSync(file);
    return { path, bytes: content.length, gzipBytes: gzipSync(content).length };
  });
  const totalBytes = scripts.reduce((sum, script) => sum + script.bytes, 0);
  const totalGzipBytes = scripts.reduce((sum, script) => sum + script.gzipBytes, 0);
  return {
    scripts,
    totalBytes,
    totalGzipBytes,
    budgetBytes,
    withinBudget: totalGzipBytes <= budgetBytes,
  };
}

const kilobytes = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const exact = (bytes: number) => `${bytes.toLocaleString('en-US')} B`;

/** The report as printed: a table of files (raw and gzipped), the total and the verdict. */
export function formatBundleReport(report: BundleReport): string {
  const rows = [
    ['initial script', 'raw', 'gzip'],
    ...report.scripts.map((script) => [
      script.path,
      kilobytes(script.bytes),
      kilobytes(script.gzipBytes),
    ]),
    ['total', kilobytes(report.totalBytes), kilobytes(report.totalGzipBytes)],
  ];
  const widths = [0, 1, 2].map((column) =>
    Math.max(...rows.map((row) => row[column]?.length ?? 0)),
  );
  const lines = rows.map((row) =>
    row
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[0] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join('  '),
  );
  const limit = report.budgetBytes;
  const budget = `initial JS budget of ${kilobytes(limit)} (${exact(limit)})`;
  const total = `${exact(report.totalGzipBytes)} gzipped`;
  const margin = Math.abs(report.budgetBytes - report.totalGzipBytes);
  const verdict = report.withinBudget
    ? `${total}: within the ${budget} gzipped, ${exact(margin)} to spare`
    : `${total}: OVER the ${budget} gzipped by ${exact(margin)}`;
  return `${lines.join('\n')}\n${verdict}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    const report = checkBundleSize(process.argv[2] ? resolve(process.argv[2]) : defaultWebRoot);
    process.stdout.write(formatBundleReport(report));
    process.exitCode = report.withinBudget ? 0 : 1;
  } catch (error) {
    process.stderr.write(`bundle size: ${(error as Error).message}\n`);
    process.exitCode = 2;
  }
}
