import type { Frame } from '@playwright/test';
import { test, expect, allowConsole, expectLive, screenshot, signIn, waitForHydration } from './helpers';

const roles = [
  { email: 'customer@mealstream.test', home: '/restaurants', heading: 'Restaurants near you' },
  { email: 'restaurant@mealstream.test', home: '/board', heading: 'Order board' },
  { email: 'driver@mealstream.test', home: '/driver', heading: 'Hi, Diogo Driver' },
  { email: 'admin@mealstream.test', home: '/admin', heading: 'Operations' },
];

for (const role of roles) {
  test(`${role.email} signs in and lands on ${role.home}, live`, async ({ page }) => {
    // The pages run under a strict Content-Security-Policy: nothing of ours may trip it.
    const violations: string[] = [];
    page.on('console', (m) => {
      if (m.text().includes('Content Security Policy')) violations.push(m.text());
    });
    await signIn(page, role.email);
    await expect(page).toHaveURL(role.home);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(role.heading);
    await expectLive(page);
    await screenshot(page, `home-${role.home.slice(1)}`);
    expect(violations).toEqual([]);
  });
}

test('the landing page is server-rendered and hydrates', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('watch it come to you');
  await waitForHydration(page);
  await screenshot(page, 'landing');
});

test('a new customer signs up, signs out and back in', async ({ page }) => {
  const email = `e2e-${Date.now()}@example.com`;
  await page.goto('/register');
  await waitForHydration(page);
  await page.getByLabel('Your name').fill('Eve Tester');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('a long enough password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL('/restaurants');
  await expect(page.locator('.who-name')).toHaveText('Eve Tester');
  await expect(page.locator('.restaurant-card')).toHaveCount(6);
  await expectLive(page);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login\?reason=signed-out/);
  await expect(page.getByText('You are signed out.')).toBeVisible();

  await signIn(page, email, 'a long enough password');
  await expect(page).toHaveURL('/restaurants');
});

test('a wrong password shows a clear error and keeps you signed out', async ({ page }) => {
  allowConsole(page, /status of 401/);
  await signIn(page, 'customer@mealstream.test', 'not the password');
  await expect(page.getByRole('alert')).toHaveText(/wrong email or password/i);
  await expect(page).toHaveURL('/login');
});

test('a role page redirects a signed-out visitor to sign in, and back there afterwards', async ({ page }) => {
  await page.goto('/admin/users');
  await expect(page).toHaveURL('/login?next=/admin/users');
  await waitForHydration(page);
  await page.getByLabel('Email').fill('admin@mealstream.test');
  await page.getByLabel('Password').fill('mealstream');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL('/admin/users');
});

test('signing out five times in a row always says "You are signed out."', async ({ page }) => {
  for (let round = 1; round <= 5; round++) {
    await signIn(page, 'customer2@mealstream.test');
    await expect(page).toHaveURL('/restaurants');
    await expectLive(page);
    // Every document the tab lands on from the click on.
    const landed: string[] = [];
    const onNavigation = (frame: Frame) => {
      if (frame === page.mainFrame()) landed.push(frame.url());
    };
    page.on('framenavigated', onNavigation);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page, `round ${round}`).toHaveURL(/\/login\?reason=signed-out$/);
    await expect(page.getByText('You are signed out.'), `round ${round}`).toBeVisible();
    // Give a late socket "session ended" message the time to do harm.
    await page.waitForTimeout(1000);
    page.off('framenavigated', onNavigation);
    await expect(page.getByText('Your session was ended'), `round ${round}`).toHaveCount(0);
    await expect(page, `round ${round}`).toHaveURL(/\/login\?reason=signed-out$/);
    const toLogin = landed.filter((u) => new URL(u).pathname === '/login');
    expect(toLogin, `round ${round}: one navigation to the sign-in page`).toEqual([expect.stringMatching(/\/login\?reason=signed-out$/)]);
  }
});
