// The details of each role's screens that a real user trips over.
import { test, expect, expectLive, placeOrderViaApi, signIn } from './helpers';

test("restaurant staff's bell leads to the board, and nothing in a bell is a dead link", async ({ browser }) => {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, 'restaurant@mealstream.test');
  await expect(page).toHaveURL('/board');
  await expectLive(page);
  const order = await placeOrderViaApi('customer2@mealstream.test');
  const bell = page.locator('.bell');
  await expect(bell.locator('.bell-count')).toBeVisible();
  await bell.locator('.bell-button').click();
  // By its title: an entry's whole text runs the title into its body
  // ("New order #5" "1× …" reads "#51× …").
  const title = page.locator('.bell-title', { hasText: new RegExp(`#${order.id}$`) });
  const entry = bell.locator('.bell-item', { has: title }).first();
  await expect(entry.locator('a.bell-entry')).toHaveAttribute('href', '/board');
  await expect(bell.locator('a[href="#"]')).toHaveCount(0);
  await entry.locator('a.bell-entry').click();
  await expect(page).toHaveURL('/board');
  await expect(page.locator(`[data-order-id="${order.id}"]`).first()).toBeVisible();
});
