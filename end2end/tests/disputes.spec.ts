import { request as playwrightRequest } from '@playwright/test';
import { test, expect, expectLive, locate, screenshot, signIn, DEMO_PASSWORD } from './helpers';

const BASE = process.env.BASE_URL ?? 'http://127.0.0.1:3000';

async function api(email: string) {
  const ctx = await playwrightRequest.newContext({ baseURL: BASE });
  const res = await ctx.post('/api/auth/login', { data: { email, password: DEMO_PASSWORD } });
  expect(res.status()).toBe(200);
  const call = async (path: string, data: object = {}) => {
    const r = await ctx.post(path, { data });
    expect(r.ok(), `${path}: ${r.status()} ${await r.text()}`).toBeTruthy();
    return r.json();
  };
  return { ctx, call };
}

test('a customer disputes a delivered order; the admin queue shows it live and the refund reaches the customer', async ({ browser }) => {
  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, 'admin@mealstream.test');
  await expect(admin).toHaveURL('/admin');
  await admin.goto('/admin/disputes');
  await expectLive(admin);

  const customer = await (await browser.newContext()).newPage();
  await signIn(customer, 'customer@mealstream.test');
  await expect(customer).toHaveURL('/restaurants');

  // An order taken all the way to "delivered" through the API.
  const driver = await api('driver@mealstream.test');
  await driver.call('/api/driver/availability', { online: true });
  await locate(driver.ctx, 38.7125, -9.138);
  const staff = await api('restaurant@mealstream.test');
  const restaurants = await (await customer.request.get('/api/restaurants')).json();
  const tasca = restaurants.find((r: any) => r.name === 'Tasca do Rossio');
  const menu = await (await customer.request.get(`/api/restaurants/${tasca.id}`)).json();
  const placed = await customer.request.post('/api/orders', {
    data: {
      restaurantId: tasca.id,
      items: [{ menuItemId: menu.menu[0].id, quantity: 2 }],
      dropoff: { address: 'Praça do Comércio 1, Lisboa', lat: 38.7076, lng: -9.1365 },
    },
  });
  expect(placed.status()).toBe(201);
  const order = await placed.json();
  await staff.call(`/api/orders/${order.id}/status`, { status: 'confirmed' });
  await driver.call(`/api/orders/${order.id}/accept`);
  await staff.call(`/api/orders/${order.id}/status`, { status: 'preparing' });
  await staff.call(`/api/orders/${order.id}/status`, { status: 'ready' });
  await driver.call(`/api/orders/${order.id}/status`, { status: 'out_for_delivery' });
  await driver.call(`/api/orders/${order.id}/status`, { status: 'delivered' });

  // The customer opens a dispute from the order's page.
  await customer.goto(`/orders/${order.id}`);
  await expectLive(customer);
  const box = customer.locator('.dispute-box');
  await box.getByLabel('What went wrong').selectOption('wrong_item');
  await box.getByLabel('Details').fill('A burger instead of the soup');
  await box.getByRole('button', { name: 'Open a dispute' }).click();
  await expect(box.locator('.dispute-line[data-status="open"]')).toContainText('Wrong item');

  // The admin's queue shows it without a reload.
  // By its order cell: the row's whole text runs cells together, so
  // "#1" and an opening time "05:08" read as "#105:08", which holds "#10".
  const row = admin
    .locator('tr[data-dispute-id]')
    .filter({ has: admin.locator('td[data-label="Order"]', { hasText: new RegExp(`^#${order.id} ·`) }) });
  await expect(row).toHaveAttribute('data-status', 'open');
  await expect(admin.locator('.toast').filter({ hasText: 'New dispute' })).toBeVisible();
  await screenshot(admin, 'admin-dispute-queue');
  await row.getByRole('link').click();
  const card = admin.locator('.dispute-card');
  await expect(card).toContainText('A burger instead of the soup');
  await expect(admin.locator('.timeline')).toHaveAttribute('data-current', 'delivered');
  await expect(admin.locator('.chat')).toBeVisible();
  await card.getByLabel('Resolution').selectOption('partial_refund');
  await card.getByLabel(/Refund/).fill('2.50');
  await card.getByLabel('Note to the customer').fill('Sorry about the mix-up');
  await card.getByRole('button', { name: 'Resolve' }).click();
  await expect(card).toHaveAttribute('data-status', 'resolved');
  await screenshot(admin, 'admin-dispute-resolved');

  // The customer hears of it at once.
  await expect(customer.locator('.toast').filter({ hasText: `Your dispute about order #${order.id}` })).toContainText('Partial refund: €2.50');
  await expect(box.locator('.dispute-line[data-status="resolved"]')).toContainText('Partial refund · €2.50');
  // The outcome has taken the form's place, with the refund and the net.
  await expect(box.getByRole('heading', { level: 2 })).toHaveText('Your dispute');
  await expect(box.locator('.dispute-form')).toHaveCount(0);
  await expect(box.locator('.refund-total .refund')).toHaveText('-€2.50');
  const total = order.totalCents as number;
  await expect(box.locator('.refund-total .net')).toHaveText(`€${((total - 250) / 100).toFixed(2)}`);
  await screenshot(customer, 'customer-dispute-resolved');
  await driver.call('/api/driver/availability', { online: false });
});
