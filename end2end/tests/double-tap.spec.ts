// A double tap on a phone is one intent. Two real taps 60–250 ms apart
// on each primary action must have exactly one effect, no error for the
// user and a page that still works. (Each of these broke on 12-05: the
// board sent a step twice and showed the 409, chat said "a message cannot
// be empty", "Go online" went online and straight back offline, the
// admin's dispute page died on a disposed signal, and the second tap
// on "Picked up" zoomed the map that moved under it, every marker out of
// view.)
import type { Browser, Locator, Page } from '@playwright/test';
import {
  test,
  expect,
  expectLive,
  signIn,
  apiAs,
  staffApi,
  placeOrderViaApi,
  disputedOrder,
  driverWithOffer,
  freeDriver,
  ROUTE,
} from './helpers';

const GAPS_MS = [60, 150, 250];

/** A signed-in phone (390 px, touch) of a new context. */
async function phone(browser: Browser, email: string, geolocation = false): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    ...(geolocation ? { permissions: ['geolocation'], geolocation: ROUTE[0] } : {}),
  });
  const page = await context.newPage();
  await signIn(page, email);
  await expectLive(page);
  return page;
}

/** A phone network's round trip on the reads that follow a step: the
 *  page's refetch of `serverFn` answers `ms` later. Between a step's
 *  answer and the refetched page, the old buttons are still on screen. */
async function slowReads(page: Page, serverFn: string, ms = 300) {
  await page.route(new RegExp(`/_sfn/${serverFn}`), async (route) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    await route.continue();
  });
}

/** Two taps on `target`'s centre, `gap` ms apart, as a thumb makes them. */
async function doubleTap(page: Page, target: Locator, gap: number) {
  await target.scrollIntoViewIfNeeded();
  const box = await target.boundingBox();
  if (!box) throw new Error('nothing to tap');
  const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
  await page.touchscreen.tap(x, y);
  await page.waitForTimeout(gap);
  await page.touchscreen.tap(x, y);
}

test('a double tap on a board step moves the order one step, with no error', async ({ browser }) => {
  const staff = await phone(browser, 'restaurant@mealstream.test');
  await slowReads(staff, 'list_orders');
  const api = await staffApi();
  for (const gap of GAPS_MS) {
    const order = await placeOrderViaApi('customer2@mealstream.test');
    const card = staff.locator(`.order-card[data-order-id="${order.id}"]`);
    await expect(card).toHaveAttribute('data-status', 'placed');
    await doubleTap(staff, card.getByRole('button', { name: 'Confirm' }), gap);
    const moved = staff.locator(`.order-card[data-order-id="${order.id}"]`);
    await expect(moved).toHaveAttribute('data-status', 'confirmed');
    await staff.waitForTimeout(400);
    await expect(moved, `gap ${gap} ms`).toHaveAttribute('data-status', 'confirmed');
    await expect(staff.locator('.form-error'), `gap ${gap} ms`).toHaveCount(0);
    await api.step(order.id, 'cancelled');
  }
});

test('a double tap on Send sends one message and says nothing', async ({ browser }) => {
  const order = await placeOrderViaApi('customer2@mealstream.test');
  const customer = await phone(browser, 'customer2@mealstream.test');
  await customer.goto(`/orders/${order.id}`);
  await expectLive(customer);
  const chat = customer.locator('.chat');
  for (const gap of GAPS_MS) {
    await chat.getByLabel('Message').fill(`Gate code ${gap}`);
    await doubleTap(customer, chat.getByRole('button', { name: 'Send' }), gap);
    await expect(chat.locator('.chat-msg').filter({ hasText: `Gate code ${gap}` })).toHaveCount(1);
    await customer.waitForTimeout(300);
    await expect(chat.locator('.chat-msg').filter({ hasText: `Gate code ${gap}` })).toHaveCount(1);
    await expect(chat.locator('.form-error'), `gap ${gap} ms`).toHaveCount(0);
  }
  // Empty, the button waits for words.
  await expect(chat.getByRole('button', { name: 'Send' })).toBeDisabled();
  const staff = await staffApi();
  await staff.step(order.id, 'cancelled');
});

test('a double tap on "Go online" leaves the driver online', async ({ browser }) => {
  const api = await apiAs('driver2@mealstream.test');
  const driver = await phone(browser, 'driver2@mealstream.test', true);
  const status = driver.locator('.driver-status');
  try {
    for (const gap of GAPS_MS) {
      await api.call('/api/driver/availability', { online: false });
      await driver.reload();
      await expectLive(driver);
      await expect(status).toHaveAttribute('data-online', 'false');
      await doubleTap(driver, driver.getByRole('button', { name: 'Go online' }), gap);
      await expect(status).toHaveAttribute('data-online', 'true');
      await driver.waitForTimeout(800);
      await expect(status, `gap ${gap} ms`).toHaveAttribute('data-online', 'true');
    }
  } finally {
    await api.call('/api/driver/availability', { online: false });
  }
});

test('a double tap on Resolve resolves the dispute once and the page lives on', async ({ browser }) => {
  const { dispute } = await disputedOrder('customer2@mealstream.test');
  const admin = await phone(browser, 'admin@mealstream.test');
  await slowReads(admin, 'dispute_by_id');
  await admin.goto(`/admin/disputes/${dispute.id}`);
  await expectLive(admin);
  const card = admin.locator('.dispute-card');
  await card.getByLabel('Resolution').selectOption('rejected');
  await card.getByLabel('Note to the customer').fill('The photo shows the soup');
  await doubleTap(admin, card.getByRole('button', { name: 'Resolve' }), 60);
  await expect(card).toHaveAttribute('data-status', 'resolved');
  await admin.waitForTimeout(500);
  await expect(admin.locator('.form-error')).toHaveCount(0);
  // Still alive: the menu opens.
  await admin.getByRole('button', { name: 'Menu' }).click();
  await expect(admin.locator('#phone-menu')).toBeVisible();
});

test('double taps on Accept and Picked up leave the delivery map framing its markers', async ({ browser }) => {
  const { driver, staff, order, offer } = await driverWithOffer(browser);
  try {
    await doubleTap(driver, offer.getByRole('button', { name: 'Accept' }), 60);
    const job = driver.locator(`.job[data-order-id="${order.id}"]`);
    await expect(job).toBeVisible();
    const markers = job.locator('.leaflet-marker-icon');
    await expect(markers).toHaveCount(3);
    await staff.step(order.id, 'preparing');
    await staff.step(order.id, 'ready');
    await expect(job).toHaveAttribute('data-status', 'ready');
    await doubleTap(driver, job.getByRole('button', { name: 'Picked up' }), 60);
    await expect(job).toHaveAttribute('data-status', 'out_for_delivery');
    await driver.waitForTimeout(500);
    const map = await job.locator('.leaflet-container').boundingBox();
    for (const marker of await markers.all()) {
      const box = await marker.boundingBox();
      const [x, y] = [box!.x + box!.width / 2, box!.y + box!.height / 2];
      const kind = await marker.getAttribute('data-marker');
      expect(x >= map!.x && x <= map!.x + map!.width && y >= map!.y && y <= map!.y + map!.height, `${kind} at ${x},${y} in ${JSON.stringify(map)}`).toBe(true);
    }
  } finally {
    await freeDriver(driver, staff, order.id);
  }
});
