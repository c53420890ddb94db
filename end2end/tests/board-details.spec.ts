import { test, expect, apiAs, expectLive, locate, screenshot, signIn, staffApi } from './helpers';

test("a board card shows the customer's note, and a picked-up order moves to Recent with its chat", async ({ browser }) => {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await signIn(page, 'restaurant@mealstream.test');
  await expect(page).toHaveURL('/board');
  await expectLive(page);

  const customer = await apiAs('customer2@mealstream.test');
  const restaurants = await customer.get('/api/restaurants');
  const tasca = restaurants.find((r: any) => r.name === 'Tasca do Rossio');
  const menu = await customer.get(`/api/restaurants/${tasca.id}`);
  const order = await customer.call('/api/orders', {
    restaurantId: tasca.id,
    items: [{ menuItemId: menu.menu[0].id, quantity: 1 }],
    dropoff: { address: 'Praça do Comércio 1, Lisboa', lat: 38.7076, lng: -9.1365 },
    note: 'Ring twice, no onions',
  });
  const card = page.locator(`.order-card[data-order-id="${order.id}"]`);
  await expect(card.locator('.order-note')).toHaveText('Note: Ring twice, no onions');
  await expect(card.locator('time')).toHaveText(/just now|min ago/);

  const staff = await staffApi();
  const driver = await apiAs('driver2@mealstream.test');
  try {
    await driver.call('/api/driver/availability', { online: true });
    await locate(driver.ctx, 38.7125, -9.138);
    await staff.step(order.id, 'confirmed');
    await driver.call(`/api/orders/${order.id}/accept`);
    await staff.step(order.id, 'preparing');
    await staff.step(order.id, 'ready');
    await driver.call(`/api/orders/${order.id}/status`, { status: 'out_for_delivery' });

    await expect(card).toHaveCount(0);
    const row = page.locator(`.recent-list li[data-order-id="${order.id}"]`);
    await expect(row).toHaveAttribute('data-status', 'out_for_delivery');
    await row.getByRole('button', { name: 'Chat' }).click();
    await expect(page.locator('.board-chat')).toContainText(`Order #${order.id}`);
    await expect(page.locator('.board-chat .chat')).toBeVisible();
    await screenshot(page, 'restaurant-recent');
    // Reloaded, the row is still there.
    await page.reload();
    await expectLive(page);
    await expect(row).toBeVisible();
  } finally {
    const now = await staff.status(order.id);
    if (now === 'out_for_delivery') {
      await driver.call(`/api/orders/${order.id}/status`, { status: 'delivered' });
    } else if (!['delivered', 'cancelled'].includes(now)) {
      await staff.step(order.id, 'cancelled');
    }
    await driver.call('/api/driver/availability', { online: false });
  }
});
