import { expect, Page } from '@playwright/test';

export const DEMO_PASSWORD = 'mealstream';

/** Signs in through the form, as a person would. */
export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto('/login');
  await waitForHydration(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** The live indicator turns "connected" only once the wasm has hydrated and
 *  the official socket.io client has connected with the session cookie. */
export async function expectLive(page: Page) {
  await expect(page.locator('.link-state')).toHaveAttribute('data-state', 'connected');
}

/** Resolves once the wasm bundle has hydrated the page. */
export async function waitForHydration(page: Page) {
  await page.waitForFunction(() => (window as any).__mealstreamHydrated === true);
}

export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: `artifacts/${name}.png`, fullPage: true });
}
