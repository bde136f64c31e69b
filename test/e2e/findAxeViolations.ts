import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

import type { AxeResults, ImpactValue, RunOptions } from 'axe-core';
import type { Page } from 'playwright-core';

/**
 * axe-core's browser build, read from node_modules and evaluated in the page: no network, and
 * no `@axe-core/playwright` (which needs Node 22).
 */
const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

/** Impacts that fail a page: axe's two worst of minor, moderate, serious, critical. */
export const failingImpacts: readonly ImpactValue[] = ['serious', 'critical'];

/** The page's global once axe.min.js ran. */
interface BrowserWithAxe {
  axe: { run: (options: RunOptions) => Promise<AxeResults> };
}

/** One axe rule a page breaks, with the elements that break it. */
export interface AxeFinding {
  /** axe rule id, e.g. `color-contrast`. */
  id: string;
  impact: ImpactValue;
  /** axe's one-line description of the rule. */
  help: string;
  /** The offending elements: axe's CSS selector and the start of the element's HTML. */
  targets: string[];
}

/** Offending elements listed per rule; the rest are counted. */
const maxTargets = 6;

/** An element's HTML start, for elements whose selector is only a generated id. */
function htmlStart(html: string): string {
  const flat = html.replace(/\s+/g, ' ');
  return flat.length > 90 ? `${flat.slice(0, 90)}…` : flat;
}

/**
 * Runs axe-core (its default rules: WCAG 2.x A/AA plus best practices) on the page as it is now
 * and returns the violations whose impact is serious or critical. Wait for the page to show its
 * data before calling: skeletons and spinners are judged like any other markup.
 */
export async function findAxeViolations(page: Page): Promise<AxeFinding[]> {
  // The Node side has no DOM types: the browser's global is reached through globalThis.
  const hasAxe = await page.evaluate(() => 'axe' in globalThis);
  // Evaluated through the DevTools protocol, not added as a <script>: the portal's CSP allows no
  // inline scripts, and the test must not loosen it.
  if (!hasAxe) await page.evaluate(axeSource);
  const options: RunOptions = { resultTypes: ['violations'] };
  // Only plain arrow functions go to the browser: the test transform may add helpers that exist
  // in Node only. With options alone, axe checks the whole document.
  const results = await page.evaluate(
    (runOptions) => (globalThis as unknown as BrowserWithAxe).axe.run(runOptions),
    options,
  );
  return results.violations
    .filter((violation) => violation.impact && failingImpacts.includes(violation.impact))
    .map((violation) => ({
      id: violation.id,
      impact: violation.impact ?? 'serious',
      help: violation.help,
      targets: violation.nodes.map(
        (node) => `${node.target.map(String).join(' ')} ${htmlStart(node.html)}`,
      ),
    }));
}

/**
 * One line per finding: rule id, impact, description, and up to six offending elements (selector
 * and HTML start), then how many more.
 */
export function formatAxeFindings(findings: readonly AxeFinding[]): string[] {
  return findings.map((finding) => {
    const shown = finding.targets.slice(0, maxTargets);
    const more = finding.targets.length - shown.length;
    const elements = more > 0 ? [...shown, `and ${more} more`] : shown;
    return `${finding.id} (${finding.impact}): ${finding.help} — ${elements.join(' | ')}`;
  });
}
