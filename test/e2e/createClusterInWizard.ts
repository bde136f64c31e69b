import type { Locator, Page } from 'playwright-core';

import { chooseOption, labelledField } from './labelledField.ts';

/** What to fill in the create wizard. */
export interface WizardInput {
  /** Template card to pick, by its accessible name (the template name), e.g. `rtx4090-1`. */
  template: string;
  name: string;
  /** Team (namespace) to create in. */
  team: string;
  /** Workers of the first worker group; the template's default when left out. */
  workers?: number;
}

/**
 * The wizard's selectable card of a template: the web brief's contract gives it the template's
 * name as accessible name; a radio (one of a group) or a button are both fitting roles.
 */
export function templateCard(scope: Page | Locator, template: string): Locator {
  return scope
    .getByRole('radio', { name: template, exact: true })
    .or(scope.getByRole('button', { name: template, exact: true }));
}

/**
 * Opens the wizard from the clusters list's "New cluster" link (unless it is open already), fills
 * it through the accessible names of the web brief's contract (template card, "Name", "Team",
 * "Workers") and presses "Create cluster". Resolves once the portal has navigated to the new
 * cluster's detail page, with that page's path. Fields are looked up inside `main`: the header
 * has its own "Team".
 */
export async function createClusterInWizard(page: Page, input: WizardInput): Promise<string> {
  const main = page.getByRole('main');
  const at = new URL(page.url()).pathname;
  if (at !== '/clusters/new') {
    if (at !== '/clusters') {
      await page
        .getByRole('navigation', { name: 'Main navigation' })
        .getByRole('link', { name: 'Clusters' })
        .click();
    }
    await main.getByRole('link', { name: 'New cluster' }).click();
  }
  await main.getByRole('heading', { name: 'New cluster', exact: true }).waitFor();

  await templateCard(main, input.template).click();
  await labelledField(main, 'Name').fill(input.name);
  await chooseOption(labelledField(main, 'Team'), input.team);
  if (input.workers !== undefined) {
    await labelledField(main, 'Workers').first().fill(String(input.workers));
  }
  await main.getByRole('button', { name: 'Create cluster' }).click();
  const path = `/clusters/${input.team}/${input.name}`;
  await page.waitForURL((url) => url.pathname === path);
  return path;
}
