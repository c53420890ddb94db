import { test, expect, apiAs, screenshot, signedInPage, waitForHydration } from './helpers';

test('a menu follows its kitchen live, and the cart flags what changed before checkout', async ({ browser }) => {
  const staff = await apiAs('restaurant@mealstream.test');
  const restaurants = await staff.get('/api/restaurants');
  const tasca = restaurants.find((r: any) => r.name === 'Tasca do Rossio');
  const menu = (await staff.get(`/api/restaurants/${tasca.id}`)).menu;
  const soup = menu.find((m: any) => m.name === 'Caldo verde');
  const bifana = menu.find((m: any) => m.name === 'Bifana');
  const patch = async (id: number, data: object) => {
    const res = await staff.ctx.patch(`/api/menu-items/${id}`, { data });
    expect(res.status()).toBe(200);
  };

  const page = await signedInPage(browser, 'customer2@mealstream.test');
  await page.goto(`/restaurants/${tasca.id}`);
  await waitForHydration(page);
  await page.evaluate(() => localStorage.removeItem('mealstream.cart'));
  await page.reload();
  await waitForHydration(page);
  await page.getByRole('button', { name: 'Add Caldo verde to cart' }).click();
  await page.getByRole('button', { name: 'Add Bifana to cart' }).click();
  // Watched: from now on every change reaches this page.
  await expect(page.locator('.menu-list')).toHaveAttribute('data-live', 'true');
  const cart = page.locator('.cart');
  const placeOrder = cart.getByRole('button', { name: 'Place order' });
  try {
    // Sold out in the kitchen: the open menu and the cart line say so.
    await patch(soup.id, { available: false });
    const soupRow = page.locator(`.menu-item[data-menu-item-id="${soup.id}"]`);
    await expect(soupRow).toHaveAttribute('data-available', 'false', { timeout: 2000 });
    await expect(soupRow.getByText('Sold out')).toBeVisible();
    await expect(soupRow.getByRole('button', { name: 'Add Caldo verde to cart' })).toBeDisabled();
    const soupLine = cart.locator(`.cart-line[data-menu-item-id="${soup.id}"]`);
    await expect(soupLine.locator('.line-issue')).toContainText('No longer available');
    await expect(placeOrder).toBeDisabled();
    await screenshot(page, 'customer-menu-sold-out');
    await soupLine.getByRole('button', { name: 'Remove' }).click();
    await expect(soupLine).toHaveCount(0);
    await expect(placeOrder).toBeEnabled();

    // A new price: shown on the menu, flagged in the cart until accepted.
    await patch(bifana.id, { priceCents: bifana.priceCents + 100 });
    const now = `€${((bifana.priceCents + 100) / 100).toFixed(2)}`;
    await expect(page.locator(`.menu-item[data-menu-item-id="${bifana.id}"] .price`)).toHaveText(now, { timeout: 2000 });
    const bifanaLine = cart.locator(`.cart-line[data-menu-item-id="${bifana.id}"]`);
    await expect(bifanaLine.locator('.line-issue')).toContainText(`Now ${now} each`);
    await expect(placeOrder).toBeDisabled();
    await bifanaLine.getByRole('button', { name: 'Accept' }).click();
    await expect(cart.locator(`.cart-line[data-menu-item-id="${bifana.id}"] .price`)).toHaveText(now);
    await expect(cart.locator('.line-issue')).toHaveCount(0);
    await expect(placeOrder).toBeEnabled();

    // A reload keeps the menu as it is now (read afresh) and the settled cart.
    await page.reload();
    await waitForHydration(page);
    await expect(page.locator('.menu-list')).toHaveAttribute('data-live', 'true');
    await expect(soupRow).toHaveAttribute('data-available', 'false');
    await expect(cart.locator('.line-issue')).toHaveCount(0);
    await placeOrder.click();
    await expect(page).toHaveURL(/\/orders\/\d+$/);
    const orderId = page.url().split('/').pop();
    const order = await staff.get(`/api/orders/${orderId}`);
    expect(order.items[0].unitPriceCents).toBe(bifana.priceCents + 100);
    await staff.call(`/api/orders/${orderId}/status`, { status: 'rejected', reason: 'Too busy right now' });
  } finally {
    await patch(soup.id, { available: true });
    await patch(bifana.id, { priceCents: bifana.priceCents });
  }
});
