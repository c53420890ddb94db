// Phones first: at 390 px and 360 px every role's pages fit the screen (no
// sideways scroll) under a header of one row, at most 64 px high, whose
// links and account sit behind a menu button that Escape closes.
import type { Browser, Page } from '@playwright/test';
import { test, expect, expectLive, screenshot, signIn, waitForHydration } from './helpers';

const ROLES = [
  { email: 'customer@mealstream.test', home: '/restaurants', pages: ['/restaurants', '/restaurants/1', '/orders'] },
  { email: 'restaurant@mealstream.test', home: '/board', pages: ['/board', '/board/menu'] },
  { email: 'driver@mealstream.test', home: '/driver', pages: ['/driver'] },
  { email: 'admin@mealstream.test', home: '/admin', pages: ['/admin', '/admin/orders', '/admin/disputes', '/admin/users'] },
];

async function phone(browser: Browser, width: number): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 800 }, isMobile: true, hasTouch: true });
  return context.newPage();
}

/** The header's height and whether the page scrolls sideways. */
async function fit(page: Page) {
  return page.evaluate(() => ({
    header: Math.round(document.querySelector('.topbar')!.getBoundingClientRect().height),
    sideways: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  }));
}

for (const width of [390, 360]) {
  test(`every role's pages fit a ${width} px phone under a one-row header`, async ({ browser }) => {
    const visitor = await phone(browser, width);
    await visitor.goto('/');
    await waitForHydration(visitor);
    const first = await fit(visitor);
    expect(first.header, 'a visitor: header height').toBeLessThanOrEqual(64);
    expect(first.sideways, 'a visitor: sideways scroll').toBe(0);
    await visitor.context().close();

    for (const role of ROLES) {
      const page = await phone(browser, width);
      await signIn(page, role.email);
      await expect(page).toHaveURL(role.home);
      for (const path of role.pages) {
        await page.goto(path);
        await waitForHydration(page);
        await expectLive(page);
        const { header, sideways } = await fit(page);
        expect(header, `${role.email} ${path}: header height`).toBeLessThanOrEqual(64);
        expect(sideways, `${role.email} ${path}: sideways scroll`).toBe(0);
      }
      await screenshot(page, `phone-${width}-${role.home.slice(1)}`);
      await page.context().close();
    }
  });
}

test('the phone menu holds the links and the account, and Escape or a link closes it', async ({ browser }) => {
  const page = await phone(browser, 390);
  await signIn(page, 'admin@mealstream.test');
  await expect(page).toHaveURL('/admin');
  await waitForHydration(page);
  // The desktop links and the account are not on the phone's bar.
  await expect(page.locator('.topnav')).toBeHidden();
  await expect(page.locator('.account .sign-out')).toBeHidden();

  const button = page.getByRole('button', { name: 'Menu' });
  await button.click();
  await expect(button).toHaveAttribute('aria-expanded', 'true');
  const menu = page.locator('#phone-menu');
  await expect(menu.getByRole('link', { name: 'Disputes' })).toBeVisible();
  await expect(menu.locator('.who-name')).toHaveText(/.+/);
  await screenshot(page, 'phone-390-menu-open');
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();

  // Tapped twice it stays shut; a link followed closes it.
  await button.click();
  await button.click();
  await expect(menu).toBeHidden();
  await button.click();
  await menu.getByRole('link', { name: 'Users' }).click();
  await expect(page).toHaveURL('/admin/users');
  await expect(menu).toBeHidden();

  // Signing out from the menu works as from the desktop bar.
  await button.click();
  await menu.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login/);
});

test('Escape closes the notification bell; a desk has no menu button', async ({ browser }) => {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await signIn(page, 'customer@mealstream.test');
  await expectLive(page);
  await expect(page.getByRole('button', { name: 'Menu' })).toBeHidden();
  await expect(page.locator('.topnav').getByRole('link', { name: 'My orders' })).toBeVisible();
  await expect(page.locator('.account .sign-out')).toBeVisible();
  const bell = page.locator('.bell-button');
  await bell.click();
  await expect(page.locator('.bell-panel')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.locator('.bell-panel')).toBeHidden();
  await expect(bell).toHaveAttribute('aria-expanded', 'false');
});

test("the admin's own row has no Suspend, and the figures are counted right", async ({ browser }) => {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, 'admin@mealstream.test');
  await expectLive(page);
  const accounts = page.locator('[data-stat="accounts"]');
  await expect(accounts).toContainText(/^\d+ accounts: /);
  await expect(accounts).not.toContainText(/\b1 (customers|drivers|admins)\b/);
  await expect(accounts).not.toContainText(/\b([02-9]|\d\d+) (customer|driver|admin)\b(?!s)/);
  // Six figures in two full rows: none wraps alone.
  const tops = await page.locator('.stats .stat').evaluateAll((cards) => cards.map((c) => c.getBoundingClientRect().top));
  expect(tops).toHaveLength(6);
  expect(new Set(tops).size).toBe(2);
  await page.goto('/admin/users');
  await waitForHydration(page);
  const mine = page.locator('tr[data-email="admin@mealstream.test"]');
  await expect(mine).toContainText('You');
  await expect(mine.getByRole('button', { name: 'Suspend' })).toHaveCount(0);
  await expect(page.locator('tr[data-email="customer@mealstream.test"]').getByRole('button', { name: 'Suspend' })).toHaveCount(1);
});

test('on a phone the menu has a cart bar that counts, totals and leads to the cart', async ({ browser }) => {
  const page = await phone(browser, 390);
  await signIn(page, 'customer2@mealstream.test');
  await expect(page).toHaveURL('/restaurants');
  await waitForHydration(page);
  await page.getByRole('link', { name: /Tasca do Rossio/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Tasca do Rossio');
  const bar = page.locator('.cart-bar');
  await expect(bar).toHaveCount(0);
  const add = page.locator('.menu-item button[aria-label^="Add "]:not([disabled])').first();
  await add.click();
  await expect(bar).toBeVisible();
  await expect(bar).toContainText(/^1 item · €\d+\.\d\d/);
  await add.click();
  await expect(bar).toContainText(/^2 items · /);
  await screenshot(page, 'phone-390-cart-bar');
  await bar.getByRole('link', { name: 'View cart' }).click();
  await expect(page.locator('#cart')).toBeInViewport();
  // Emptied, the bar goes.
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await waitForHydration(page);
  await expect(bar).toHaveCount(0);
});

test("on a phone the admin's tables are cards, one per row, each value captioned, nothing scrolled sideways", async ({ browser }) => {
  const page = await phone(browser, 390);
  await signIn(page, 'admin@mealstream.test');
  await expect(page).toHaveURL('/admin');
  for (const [path, row] of [['/admin/users', 'tr[data-user-id]'], ['/admin/disputes', 'tr[data-dispute-id]'], ['/admin', 'tr[data-order-id]']]) {
    await page.goto(path);
    await waitForHydration(page);
    const rows = page.locator(`.orders-table ${row}`);
    if ((await rows.count()) === 0) continue; // nothing listed right now: nothing to lay out
    const first = rows.first();
    await expect(first).toBeVisible();
    const layout = await first.evaluate((tr) => {
      const wrap = tr.closest('.table-wrap')!;
      const cell = tr.querySelector('td[data-label]')!;
      return {
        display: getComputedStyle(tr).display,
        inner: wrap.scrollWidth - wrap.clientWidth,
        caption: getComputedStyle(cell, '::before').content,
        width: tr.getBoundingClientRect().width,
      };
    });
    expect(layout.display, `${path}: a row is a card`).toBe('grid');
    expect(layout.inner, `${path}: sideways scroll inside the table`).toBe(0);
    expect(layout.caption, `${path}: a value says what it is`).not.toBe('none');
    expect(layout.width, `${path}: a card fits the screen`).toBeLessThanOrEqual(390);
    await screenshot(page, `phone-390-table${path.replace(/\//g, '-')}`);
  }
  await page.context().close();
});
