import { test, expect, expectLive, screenshot, staffApi, waitForHydration } from './helpers';
import type { Locator, Page } from '@playwright/test';

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
  await cart.getByLabel('Note for the restaurant (optional)').fill('No onions, please');
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
  await expect(cart.getByLabel('Note for the restaurant (optional)')).toHaveValue('No onions, please');
  const deliverTo = await cart.locator('.address-text').innerText();
  await cart.getByRole('button', { name: 'Place order' }).click();
  await expect(page).toHaveURL(/\/orders\/\d+$/);
  const orderId = page.url().split('/').pop()!;
  const staff = await staffApi();
  const placed = await staff.get(`/api/orders/${orderId}`);
  expect(placed.note).toBe('No onions, please');
  expect(placed.dropoff.address).toBe(deliverTo);
  await staff.step(orderId, 'cancelled');
});

/** Metres between two points (the same haversine as the server's). */
function metres(a: { lat: number; lng: number }, b: { lat: number; lng: number }) {
  const rad = (d: number) => (d * Math.PI) / 180;
  const h = Math.sin(rad(b.lat - a.lat) / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(rad(b.lng - a.lng) / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(h));
}

/** Order of restaurant ids, nearest first from `at`. */
const nearestFrom = (all: any[], at: { lat: number; lng: number }) =>
  [...all].sort((a, b) => metres(at, a) - metres(at, b)).map((r) => String(r.id));

/** Writes an address and drops the pin with a tap at (x, y) of the map; returns the pin. */
async function newAddress(page: Page, picker: Locator, address: string, x: number, y: number) {
  await picker.getByRole('button', { name: 'Change' }).click();
  await picker.getByLabel('New address: street, number, floor').fill(address);
  const map = picker.locator('.map-pin');
  await expect(map.locator('.leaflet-marker-icon[data-marker="pin"]')).toBeVisible();
  const before = await map.getAttribute('data-lat');
  await map.click({ position: { x, y } });
  await expect(map).not.toHaveAttribute('data-lat', before!);
  const at = { lat: Number(await map.getAttribute('data-lat')), lng: Number(await map.getAttribute('data-lng')) };
  await picker.getByRole('button', { name: 'Deliver here' }).click();
  await expect(picker.locator('.address-text')).toHaveText(address);
  return at;
}

test('restaurants are nearest first from an address the customer writes and pins, and the last three are kept', async ({ browser, request }) => {
  const all: any[] = await (await request.get('/api/restaurants')).json();
  const page = await (await browser.newContext({
    permissions: ['geolocation'],
    geolocation: { latitude: 38.7223, longitude: -9.1393 },
  })).newPage();
  await page.goto('/restaurants');
  await waitForHydration(page);
  const cards = page.locator('.restaurant-card');
  const picker = page.locator('#browse-address');
  const order = () => cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-restaurant-id')));

  // An empty address is refused beside the field, and nothing changes.
  const was = await picker.locator('.address-text').innerText();
  await picker.getByRole('button', { name: 'Change' }).click();
  await picker.getByRole('button', { name: 'Deliver here' }).click();
  await expect(picker.locator('.field-error')).toHaveText('Write the street and number.');
  await picker.getByRole('button', { name: 'Cancel' }).click();
  await expect(picker.locator('.address-text')).toHaveText(was);

  // A tap to the north-east, then one to the south-west: the list follows the pin.
  const first = await newAddress(page, picker, 'Rua do Norte 12, 3º', 420, 30);
  await expect.poll(order).toEqual(nearestFrom(all, first));
  await screenshot(page, 'address-picker-pinned');
  const second = await newAddress(page, picker, 'Rua do Sul 8', 120, 200);
  expect(second.lat).toBeLessThan(first.lat);
  await expect.poll(order).toEqual(nearestFrom(all, second));

  // Dragging the pin moves it too; "Use my location" puts it where the phone is.
  await picker.getByRole('button', { name: 'Change' }).click();
  const pin = picker.locator('.leaflet-marker-icon[data-marker="pin"]');
  const box = (await pin.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + 60, box.y + 40, { steps: 8 });
  await page.mouse.up();
  await expect(picker.locator('.map-pin')).not.toHaveAttribute('data-lat', second.lat.toFixed(6));
  await picker.getByRole('button', { name: 'Use my location' }).click();
  await expect(picker.locator('.map-pin')).toHaveAttribute('data-lat', '38.722300');
  await picker.getByLabel('New address: street, number, floor').fill('Avenida da Liberdade 110');
  await picker.getByRole('button', { name: 'Deliver here' }).click();
  await expect.poll(order).toEqual(nearestFrom(all, { lat: 38.7223, lng: -9.1393 }));

  // A fourth address: the oldest goes; after a reload the last three are there.
  await newAddress(page, picker, 'Largo do Carmo 5', 200, 100);
  await page.reload();
  await waitForHydration(page);
  await expect(picker.locator('.address-text')).toHaveText('Largo do Carmo 5');
  await picker.getByRole('button', { name: 'Change' }).click();
  const recent = picker.locator('.address-recent-pick');
  await expect(recent).toHaveText(['Avenida da Liberdade 110', 'Rua do Sul 8']);
  await screenshot(page, 'address-picker-recent');
  // One tap on a recent one delivers there again.
  await recent.filter({ hasText: 'Rua do Sul 8' }).click();
  await expect(picker.locator('.address-text')).toHaveText('Rua do Sul 8');
  await expect.poll(order).toEqual(nearestFrom(all, second));

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
