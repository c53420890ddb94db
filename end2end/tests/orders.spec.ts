import type { Browser, Page } from '@playwright/test';
import { test, expect, clickAndConfirm, expectLive, screenshot, signIn, waitForHydration } from './helpers';

async function signedInPage(browser: Browser, email: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, email);
  await expectLive(page);
  return page;
}

test('a customer orders and watches the restaurant work it live', async ({ browser }) => {
  const restaurant = await signedInPage(browser, 'restaurant@mealstream.test');
  await expect(restaurant).toHaveURL('/board');
  const otherRestaurant = await signedInPage(browser, 'restaurant2@mealstream.test');
  const customer = await signedInPage(browser, 'customer@mealstream.test');

  // Build a cart at Tasca do Rossio; it survives a reload.
  await customer.getByRole('link', { name: /Tasca do Rossio/ }).click();
  await expect(customer.getByRole('heading', { level: 1 })).toHaveText('Tasca do Rossio');
  await customer.getByRole('button', { name: 'Add Bacalhau à Brás to cart' }).click();
  await customer.getByRole('button', { name: 'Add Pastel de nata to cart' }).click();
  await customer.getByRole('button', { name: 'One more Pastel de nata' }).click();
  await customer.reload();
  await expect(customer.locator('.cart-line')).toHaveCount(2);
  await expect(customer.locator('[data-total]')).toHaveText('€20.59');

  await customer.getByLabel('Note for the restaurant (optional)').fill('Ring twice');
  await customer.getByRole('button', { name: 'Place order' }).click();
  await expect(customer).toHaveURL(/\/orders\/\d+$/);
  const orderId = customer.url().split('/').pop()!;
  await expect(customer.locator('.timeline')).toHaveAttribute('data-current', 'placed');

  // The board shows it live, without a reload.
  const card = restaurant.locator(`.order-card[data-order-id="${orderId}"]`);
  await expect(card).toHaveAttribute('data-status', 'placed');
  await expect(restaurant.locator('.toast').filter({ hasText: `New order #${orderId}` })).toBeVisible();

  const steps: [string, string, string][] = [
    ['Confirm', 'confirmed', 'The restaurant confirmed your order'],
    ['Start preparing', 'preparing', 'Your meal is being prepared'],
    ['Ready for pickup', 'ready', 'Your meal is ready for pickup'],
  ];
  for (const [button, status, toast] of steps) {
    const started = Date.now();
    await card.getByRole('button', { name: button }).click();
    await expect(customer.locator('.toast').filter({ hasText: toast })).toBeVisible();
    console.log(`${button} -> customer toast in ${Date.now() - started} ms`);
    await expect(customer.locator('.timeline')).toHaveAttribute('data-current', status);
    // The viewer's own clock, never "UTC".
    await expect(customer.locator(`.step[data-status="${status}"] .step-time`)).toHaveText(/^\d\d:\d\d$/);
    await expect(card).toHaveAttribute('data-status', status);
  }
  // The bell kept each step, newest first; reading them all clears the count.
  const bell = customer.locator('.bell');
  await expect(bell.locator('.bell-count')).toBeVisible();
  await bell.getByRole('button', { name: /Notifications, \d+ unread/ }).click();
  await expect(bell.locator('.bell-item').first()).toContainText('Your meal is ready for pickup');
  await expect(bell.locator('.bell-item.unread').first()).toContainText(`Order #${orderId}`);
  await screenshot(customer, 'orders-customer-bell');
  await bell.getByRole('button', { name: 'Mark all as read' }).click();
  await expect(bell.locator('.bell-count')).toHaveCount(0);
  await expect(bell.locator('.bell-item.unread')).toHaveCount(0);
  await bell.getByRole('button', { name: /Notifications/ }).click();
  await screenshot(customer, 'orders-customer-tracking');
  await screenshot(restaurant, 'orders-restaurant-board');

  // Another restaurant never saw any of it.
  await expect(otherRestaurant.locator(`.order-card[data-order-id="${orderId}"]`)).toHaveCount(0);
  await expect(otherRestaurant.locator('.toast')).toHaveCount(0);

  // Reloading shows the current state, server-rendered.
  await customer.reload();
  await expect(customer.locator('.timeline')).toHaveAttribute('data-current', 'ready');
  await customer.getByRole('link', { name: '← My orders' }).click();
  await expect(customer.locator(`.order-row[data-order-id="${orderId}"]`)).toHaveAttribute('data-status', 'ready');
});

test('a second staff member of the same restaurant sees the board move', async ({ browser }) => {
  const first = await signedInPage(browser, 'restaurant@mealstream.test');
  const second = await signedInPage(browser, 'restaurant@mealstream.test');
  const customer = await signedInPage(browser, 'customer2@mealstream.test');
  await customer.goto('/restaurants');
  await waitForHydration(customer);
  await customer.getByRole('link', { name: /Tasca do Rossio/ }).click();
  await customer.getByRole('button', { name: 'Add Bifana to cart' }).click();
  await customer.getByRole('button', { name: 'Place order' }).click();
  await expect(customer).toHaveURL(/\/orders\/\d+$/);
  const orderId = customer.url().split('/').pop()!;

  const card = (page: Page) => page.locator(`.order-card[data-order-id="${orderId}"]`);
  await expect(card(second)).toHaveAttribute('data-status', 'placed');
  await clickAndConfirm(card(first), 'Reject', 'Yes, reject');
  await expect(card(second)).toHaveCount(0);
  await expect(customer.locator('.timeline')).toHaveAttribute('data-current', 'rejected');
  await expect(customer.locator('.order-ended')).toHaveText('Rejected by Rita (Tasca do Rossio): Too busy right now');
});

test('an admin sees active orders live and opens one', async ({ browser }) => {
  const admin = await signedInPage(browser, 'admin@mealstream.test');
  const customer = await signedInPage(browser, 'customer@mealstream.test');
  await customer.getByRole('link', { name: /Burger Cais/ }).click();
  await customer.getByRole('button', { name: 'Add Classic burger to cart' }).click();
  await customer.getByRole('button', { name: 'Place order' }).click();
  await expect(customer).toHaveURL(/\/orders\/\d+$/);
  const orderId = customer.url().split('/').pop()!;
  const row = admin.locator(`tr[data-order-id="${orderId}"]`);
  await expect(row).toHaveAttribute('data-status', 'placed');
  await screenshot(admin, 'orders-admin-operations');
  await row.getByRole('link').click();
  await expect(admin.getByRole('heading', { level: 1 })).toHaveText(`Order #${orderId}`);
  await clickAndConfirm(admin, 'Cancel order', 'Yes, cancel order');
  await expect(admin.locator('.timeline')).toHaveAttribute('data-current', 'cancelled');
  await expect(customer.locator('.toast').filter({ hasText: 'Your order was cancelled' })).toBeVisible();
});

test('restaurant staff chat with the customer from the board', async ({ browser }) => {
  const restaurant = await signedInPage(browser, 'restaurant@mealstream.test');
  const customer = await signedInPage(browser, 'customer@mealstream.test');
  await customer.getByRole('link', { name: /Tasca do Rossio/ }).click();
  await customer.getByRole('button', { name: 'Add Pastel de nata to cart' }).click();
  await customer.getByRole('button', { name: 'Place order' }).click();
  await expect(customer).toHaveURL(/\/orders\/\d+$/);
  const orderId = customer.url().split('/').pop()!;

  const card = restaurant.locator(`.order-card[data-order-id="${orderId}"]`);
  await card.getByRole('button', { name: 'Chat with the customer' }).click();
  const staffChat = restaurant.locator('.board-chat');
  await expect(staffChat).toContainText(`Order #${orderId}`);
  await staffChat.getByRole('textbox', { name: 'Message' }).fill('We are out of cinnamon, is that fine?');
  await staffChat.getByRole('button', { name: 'Send' }).click();

  const customerChat = customer.locator('.chat');
  await expect(customerChat.locator('.chat-msg:not(.mine) .chat-body')).toHaveText('We are out of cinnamon, is that fine?');
  await customerChat.getByRole('textbox', { name: 'Message' }).fill('Sure, no problem');
  await customerChat.getByRole('button', { name: 'Send' }).click();
  await expect(staffChat.locator('.chat-msg:not(.mine) .chat-body')).toHaveText('Sure, no problem');
  await expect(restaurant.locator('.toast').filter({ hasText: 'Sure, no problem' })).toContainText(`Carla Customer · order #${orderId}`);
  await screenshot(restaurant, 'restaurant-board-chat');
  await clickAndConfirm(card, 'Reject', 'Yes, reject');
  await expect(card).toHaveCount(0);
});
