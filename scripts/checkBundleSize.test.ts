import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import {
  checkBundleSize,
  findInitialScripts,
  formatBundleReport,
  initialJsBudgetBytes,
  scriptFile,
} from './checkBundleSize.ts';

// The shape Vite 8 writes: entry module in <head>, preloaded shared chunks, a stylesheet.
const viteIndex = `<!doctype html>
<html lang="en">
  <head>
    <title>Raydeck</title>
    <script type="module" crossorigin src="/assets/index-DnHTj-0m.js"></script>
    <link rel="modulepreload" crossorigin href="/assets/vendor-B1x2y3.js">
    <link rel="stylesheet" crossorigin href="/assets/index-D6bnZ2uB.css">
  </head>
  <body><div id="root"></div></body>
</html>`;

describe('findInitialScripts', () => {
  it('finds the entry module and its modulepreload links, not stylesheets', () => {
    expect(findInitialScripts(viteIndex)).toEqual([
      '/assets/index-DnHTj-0m.js',
      '/assets/vendor-B1x2y3.js',
    ]);
  });

  it('reads attributes in any order, quoting and case, and rel lists', () => {
    const html = `
      <SCRIPT SRC='/a.js' TYPE=module></SCRIPT>
      <link href=/b.js rel="preload modulepreload">
      <link rel=modulepreload href="./c.js?v=2#x" />`;
    expect(findInitialScripts(html)).toEqual(['/a.js', '/b.js', './c.js']);
  });

  it('counts each file once and skips nomodule fallbacks, inline scripts and comments', () => {
    const html = `
      <script type="module" src="/assets/index.js"></script>
      <link rel="modulepreload" href="/assets/index.js">
      <script nomodule src="/assets/legacy.js"></script>
      <script type="module">import('/assets/lazy-page.js')</script>
      <!-- <script src="/assets/old.js"></script> -->
      <link rel="preload" as="font" href="/assets/font.woff2">`;
    expect(findInitialScripts(html)).toEqual(['/assets/index.js']);
  });
});

describe('scriptFile', () => {
  it('resolves site-absolute and relative paths under the web root', () => {
    expect(scriptFile('/srv/web', '/assets/x.js')).toBe('/srv/web/assets/x.js');
    expect(scriptFile('/srv/web', './assets/x.js')).toBe('/srv/web/assets/x.js');
  });

  it('refuses scripts from another host or outside the web root', () => {
    expect(() => scriptFile('/srv/web', 'https://cdn.example/x.js')).toThrow(/from elsewhere/);
    expect(() => scriptFile('/srv/web', '//cdn.example/x.js')).toThrow(/from elsewhere/);
    expect(() => scriptFile('/srv/web', '../secret.js')).toThrow(/outside/);
  });
});

describe('checkBundleSize', () => {
  let webRoot = '';
  afterEach(() => rmSync(webRoot, { recursive: true, force: true }));

  function writeBuild(files: Record<string, Buffer | string>): void {
    webRoot = mkdtempSync(join(tmpdir(), 'bundle-size-'));
    mkdirSync(join(webRoot, 'assets'));
    writeFileSync(join(webRoot, 'index.html'), viteIndex);
    for (const [name, content] of Object.entries(files))
      writeFileSync(join(webRoot, name), content);
  }

  it('sums the gzipped initial scripts and ignores lazy chunks', () => {
    writeBuild({
      'assets/index-DnHTj-0m.js': 'export const a = 1;\n'.repeat(1000),
      'assets/vendor-B1x2y3.js': 'export const b = 2;\n'.repeat(1000),
      'assets/LazyPage-123.js': randomBytes(400_000),
    });
    const report = checkBundleSize(webRoot);
    expect(report.scripts.map((script) => script.path)).toEqual([
      '/assets/index-DnHTj-0m.js',
      '/assets/vendor-B1x2y3.js',
    ]);
    expect(report.totalBytes).toBe(40_000);
    expect(report.totalGzipBytes).toBeLessThan(1000); // repetitive text compresses well
    expect(report.withinBudget).toBe(true);
    expect(formatBundleReport(report)).toMatch(/within the initial JS budget of 300\.0 KB/);
  });

  it('fails a build whose initial scripts are over 300 KB gzipped, naming the budget', () => {
    // Random bytes do not compress: 2 × 160,000 B stays above 307,200 B after gzip.
    writeBuild({
      'assets/index-DnHTj-0m.js': randomBytes(160_000),
      'assets/vendor-B1x2y3.js': randomBytes(160_000),
    });
    const report = checkBundleSize(webRoot);
    expect(report.budgetBytes).toBe(initialJsBudgetBytes);
    expect(initialJsBudgetBytes).toBe(307_200);
    expect(report.totalGzipBytes).toBeGreaterThan(initialJsBudgetBytes);
    expect(report.withinBudget).toBe(false);
    expect(formatBundleReport(report)).toMatch(
      /OVER the initial JS budget of 300\.0 KB \(307,200 B\) gzipped by [\d,]+ B/,
    );
  });

  it('names a script that index.html loads but the build lacks', () => {
    writeBuild({ 'assets/index-DnHTj-0m.js': 'x' });
    expect(() => checkBundleSize(webRoot)).toThrow(/vendor-B1x2y3\.js.*missing/);
  });
});
