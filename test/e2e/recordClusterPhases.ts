import type { Page } from 'playwright-core';

/**
 * Browser-side recorder, run before every document of the page: on each DOM change it reads the
 * detail page's status chip (`data-testid="cluster-phase"`, from the web brief's contract) and
 * appends `path␟text` whenever the text changes. A reload starts a new, empty history, so a
 * history that holds both the first phase and Ready proves the chip changed live.
 * It is a string because the Node side has no DOM types and the test transform must not touch it.
 */
const recorderScript = `(() => {
  const history = [];
  Object.defineProperty(window, '__raydeckPhaseHistory', { value: history });
  const read = () => {
    const chip = document.querySelector('[data-testid="cluster-phase"]');
    const text = chip && chip.textContent ? chip.textContent.trim() : '';
    if (!text) return;
    const entry = location.pathname + '\\u241f' + text;
    if (history[history.length - 1] !== entry) history.push(entry);
  };
  new MutationObserver(read).observe(document, {
    subtree: true,
    childList: true,
    characterData: true,
  });
})();`;

/** Starts recording the texts the cluster status chip shows; call before the page loads. */
export async function recordClusterPhases(page: Page): Promise<void> {
  await page.addInitScript({ content: recorderScript });
}

/**
 * The successive texts of the status chip on `path` (e.g. `/clusters/team-a/x`) since the current
 * document loaded, oldest first, repeats collapsed.
 */
export async function readClusterPhases(page: Page, path: string): Promise<string[]> {
  const history = await page.evaluate(() =>
    Array.from(
      (globalThis as unknown as { __raydeckPhaseHistory?: string[] }).__raydeckPhaseHistory ?? [],
    ),
  );
  const prefix = `${path}\u241f`;
  return history
    .filter((entry) => entry.startsWith(prefix))
    .map((entry) => entry.slice(prefix.length));
}
