import type { Browser, Page } from '@playwright/test';
import { test, expect, allowConsole, clickAndConfirm, expectLive, screenshot, signIn, waitForHydration } from './helpers';

async function page(browser: Browser, email: string, home: string): Promise<Page> {
  const p = await (await browser.newContext()).newPage();
  await signIn(p, email);
  await expect(p).toHaveURL(home);
  await expectLive(p);
  return p;
}

test('an admin suspends a user whose page is open, and that page goes to sign-in', async ({ browser }) => {
  const victim = await page(browser, 'customer2@mealstream.test', '/restaurants');
  const admin = await page(browser, 'admin@mealstream.test', '/admin');
  await admin.goto('/admin/users');
  await expectLive(admin);
  const row = admin.locator('tr[data-email="customer2@mealstream.test"]');
  await clickAndConfirm(row, 'Suspend', 'Yes, suspend');
  await expect(row).toHaveAttribute('data-suspended', 'true');

  await expect(victim).toHaveURL(/\/login\?reason=suspended/);
  await expect(victim.getByText('Your account has been suspended.')).toBeVisible();
  await screenshot(victim, 'suspended-sign-in');
  // Signing in again is refused while suspended (403, which Chromium logs).
  allowConsole(victim, /status of 403/);
  await signIn(victim, 'customer2@mealstream.test');
  await expect(victim.getByRole('alert')).toBeVisible();
  await expect(victim).toHaveURL(/\/login/);

  await row.getByRole('button', { name: 'Reinstate' }).click();
  await expect(row).toHaveAttribute('data-suspended', 'false');
  await signIn(victim, 'customer2@mealstream.test');
  await expect(victim).toHaveURL('/restaurants');
});

test('an announcement shows on every open page of its audience', async ({ browser }) => {
  const driver = await page(browser, 'driver2@mealstream.test', '/driver');
  const admin = await page(browser, 'admin@mealstream.test', '/admin');
  await expect(admin.locator('[data-stat="sockets"]')).not.toHaveText('0');
  await screenshot(admin, 'admin-operations-figures');
  await admin.goto('/admin/users');
  // Text typed before the wasm has hydrated is not in the form's state.
  await waitForHydration(admin);
  // The users search below has selects of its own: ask the form.
  const announce = admin.locator('.announce');
  await announce.getByLabel('Message').fill('Rain tonight: ride safe');
  await announce.getByLabel('To').selectOption('driver');
  await announce.getByRole('button', { name: 'Send' }).click();
  await expect(admin.locator('.announce').getByRole('status')).toContainText('Sent to 2 people.');
  await expect(driver.locator('.toast').filter({ hasText: 'Announcement from Ana Admin' })).toContainText('Rain tonight: ride safe');
  await expect(driver.locator('.bell-count')).toBeVisible();
});

test("the operations figures count the admin's own connection once it is live", async ({ browser }) => {
  // Alone on the server: the page is rendered before its socket exists.
  const admin = await page(browser, 'admin@mealstream.test', '/admin');
  // Read again on `hello`, not at the next 5 s refresh.
  await expect(admin.locator('[data-stat="sockets"]')).not.toHaveText('0', { timeout: 2500 });
});
