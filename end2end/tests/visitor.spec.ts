import { test, expect, expectLive, screenshot, staffApi, waitForHydration } from './helpers';

test('a visitor browses menus, fills a cart, and signs in at checkout with the cart kept', async ({ browser }) => {
  const page = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })).newPage();
  await page.goto('/restaurants');
  await expect(page).toHaveURL('/restaurants');
  await waitForHydration(page);
  await page.getByRole('link', { name: /Tasca do Rossio/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Tasca do Rossio');
  await waitForHydration(page);
  await page.getByRole('button', { name: 'Add Bifana to cart' }).click();
  await page.getByRole('button', { name: 'Add Bifana to cart' }).click();
  const cart = page.locator('.cart');
  await expect(cart.locator('.cart-line .qty-value')).toHaveText('2');
  await expect(cart.getByRole('button', { name: 'Place order' })).toBeHidden();
  await screenshot(page, 'visitor-cart-phone');
  await cart.getByRole('link', { name: 'Sign in to order' }).click();
  await expect(page).toHaveURL(/\/login\?next=\/restaurants\/\d+$/);
  await waitForHydration(page);
  await page.getByLabel('Email').fill('customer2@mealstream.test');
  await page.getByLabel('Password').fill('mealstream');
  await page.getByRole('button', { name: 'Sign in' }).click();

  // Back on the menu, signed in, the cart as it was.
  await expect(page).toHaveURL(/\/restaurants\/\d+$/);
  await expectLive(page);
  await expect(cart.locator('.cart-line .qty-value')).toHaveText('2');
  await cart.getByRole('button', { name: 'Place order' }).click();
  await expect(page).toHaveURL(/\/orders\/\d+$/);
  const orderId = page.url().split('/').pop()!;
  await (await staffApi()).step(orderId, 'cancelled');
});
