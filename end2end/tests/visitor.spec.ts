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

/** Metres between two points (the same haversine as the server's). */
function metres(a: { lat: number; lng: number }, b: { lat: number; lng: number }) {
  const rad = (d: number) => (d * Math.PI) / 180;
  const h = Math.sin(rad(b.lat - a.lat) / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(rad(b.lng - a.lng) / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(h));
}

test('restaurants are nearest first from the chosen address, and a search finds a dish', async ({ page, request }) => {
  const all: any[] = await (await request.get('/api/restaurants')).json();
  await page.goto('/restaurants');
  await waitForHydration(page);
  const cards = page.locator('.restaurant-card');
  for (const [label, at] of [
    ['Avenida da Liberdade 60, Lisboa', { lat: 38.718, lng: -9.143 }],
    ['Miradouro de Santa Luzia, Lisboa', { lat: 38.7118, lng: -9.1302 }],
  ] as const) {
    await page.getByLabel('Deliver to').selectOption({ label });
    const nearest = [...all].sort((a, b) => metres(at, a) - metres(at, b)).map((r) => String(r.id));
    await expect.poll(async () => cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-restaurant-id')))).toEqual(nearest);
  }
  // The choice is remembered, and the cart delivers there.
  await page.reload();
  await waitForHydration(page);
  await expect(page.getByLabel('Deliver to')).toHaveValue('5');

  await page.getByLabel('Search').fill('bifana');
  await expect(cards).toHaveCount(1);
  await expect(cards).toContainText('Tasca do Rossio');
  await page.getByLabel('Search').fill('no such dish');
  await expect(cards).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: 'Nothing matches' })).toBeVisible();
  await page.getByLabel('Search').fill('');
  await expect(cards).toHaveCount(all.length);
  await screenshot(page, 'visitor-restaurants');
});
