import type { Page } from 'playwright-core';

import { e2eAdmin } from './portalProcess.ts';

/** Who signs in; default the portal's first admin ({@link e2eAdmin}). */
export interface Credentials {
  username: string;
  password: string;
}

/**
 * Signs in through the login page as a user would: opens `/login` (with `next` when given), fills
 * the fields labelled "Username" and "Password", presses "Sign in" and waits until the browser has
 * left `/login`. Resolves with the path the portal landed on.
 * @param next - path to return to after signing in (the page's `next` query), e.g. `/gpus`
 */
export async function signIn(
  page: Page,
  portalUrl: string,
  options: { credentials?: Credentials; next?: string } = {},
): Promise<string> {
  const credentials = options.credentials ?? e2eAdmin;
  const login = new URL('/login', portalUrl);
  if (options.next) login.searchParams.set('next', options.next);
  await page.goto(login.href);
  await page.getByLabel('Username', { exact: true }).fill(credentials.username);
  await page.getByLabel('Password', { exact: true }).fill(credentials.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname !== '/login');
  return new URL(page.url()).pathname;
}
