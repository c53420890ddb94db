// What a helper's walk of every role found on 12-06: pages that Back
// brought back stale, a driver who came back offline mid-delivery, the
// bell's panel off a phone's screen, and a double-tapped announcement
// that said it had failed; and a page whose socket resumed from what
// another tab had seen.
import {
  test,
  expect,
  driverOnReadyJob,
  expectLive,
  freeDriver,
  placeOrder,
  placeOrderViaApi,
  screenshot,
  signIn,
  signedInPage,
  staffApi,
  waitForHydration,
} from './helpers';

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

test('Back to an order left by a full page load shows it as it is now', async ({ browser }) => {
  const customer = await signedInPage(browser, 'customer2@mealstream.test');
  const orderId = await placeOrder(customer, 'Bifana');
  const staff = await staffApi();
  try {
    // Both pages loaded as documents (a link from a notification, the
    // address bar), so Back has a copy of the order page to show.
    await customer.goto(`/orders/${orderId}`);
    await waitForHydration(customer);
    await expectLive(customer);
    await expect(customer.locator('.order-layout')).toHaveAttribute('data-status', 'placed');
    await customer.goto('/restaurants');
    await waitForHydration(customer);
    await staff.step(orderId, 'confirmed');
    await staff.step(orderId, 'preparing');
    await customer.goBack();
    await expect(customer).toHaveURL(`/orders/${orderId}`);
    await expect(customer.locator('.order-layout')).toHaveAttribute('data-status', 'preparing');
    await expect(customer.getByRole('button', { name: 'Cancel order' })).toHaveCount(0);
    await expectLive(customer);
  } finally {
    await staff.step(orderId, 'cancelled');
  }
});

test('a driver who reopens the app mid-delivery shares the position again', async ({ browser }) => {
  const { driver, staff, orderId, ready } = await driverOnReadyJob(browser);
  let phone = driver;
  try {
    await ready();
    // Dropped offline meanwhile, as when the browser was closed past the
    // position's expiry.
    const off = await driver.request.post('/api/driver/availability', { data: { online: false } });
    expect(off.ok(), `offline: ${off.status()}`).toBeTruthy();
    phone = await driver.context().newPage();
    await driver.close();
    await phone.goto('/driver');
    await waitForHydration(phone);
    await expect(phone.locator(`.job[data-order-id="${orderId}"]`)).toBeVisible();
    await expect(phone.locator('.driver-status')).toHaveAttribute('data-online', 'true');
    await expect(phone.locator('.driver-status')).toContainText('Your position is shared.');
  } finally {
    await freeDriver(phone, staff, orderId);
  }
});

test("the bell's panel stays on a phone's screen and its buttons take taps", async ({ browser }) => {
  // Something to read: the kitchen confirms an order of the customer's.
  const staff = await staffApi();
  const order = await placeOrderViaApi('customer@mealstream.test');
  try {
    await staff.step(order.id, 'confirmed');
    const page = await (await browser.newContext(PHONE)).newPage();
    await signIn(page, 'customer@mealstream.test');
    await expectLive(page);
    await expect(page.locator('.bell-count')).toBeVisible();
    await page.locator('.bell-button').tap();
    const panel = page.locator('.bell-panel');
    await expect(panel).toBeVisible();
    const box = (await panel.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, 'no sideways scroll').toBeLessThanOrEqual(390);
    await screenshot(page, 'bell-phone');
    await panel.getByRole('button', { name: 'Mark all as read' }).tap();
    await expect(page.locator('.bell-count')).toHaveCount(0);
  } finally {
    await staff.step(order.id, 'cancelled');
  }
});

test('a double-tapped announcement says it was sent, once', async ({ browser }) => {
  const admin = await (await browser.newContext(PHONE)).newPage();
  await signIn(admin, 'admin@mealstream.test');
  await expect(admin).toHaveURL('/admin');
  await admin.goto('/admin/users');
  await waitForHydration(admin);
  const announce = admin.locator('.announce');
  await announce.getByLabel('Message').fill('Kitchen inspections on Monday');
  await announce.getByLabel('To').selectOption('admin');
  const send = announce.getByRole('button', { name: 'Send' });
  await send.tap();
  await send.tap({ force: true });
  await expect(announce.getByRole('status')).toContainText('Sent to 1 person.');
  await admin.waitForTimeout(500);
  await expect(announce.locator('.form-error')).toHaveCount(0);
  await expect(announce.getByRole('status')).toContainText('Sent to 1 person.');
});

test('a page that loads while another tab sees events replays from its own render', async ({ browser }) => {
  const first = await signedInPage(browser, 'customer2@mealstream.test');
  const context = first.context();
  const orderId = await placeOrder(first, 'Bifana');
  const staff = await staffApi();
  try {
    // The second tab is rendered now, and its app (and socket) held back
    // until the first tab has seen the kitchen confirm: the browser's
    // newest id is then past what the second tab's render shows.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const second = await context.newPage();
    await second.route('**/*.wasm', async (route) => {
      await held;
      await route.continue();
    });
    await second.goto(`/orders/${orderId}`, { waitUntil: 'domcontentloaded' });
    await expect(second.locator('.order-layout')).toHaveAttribute('data-status', 'placed');
    await staff.step(orderId, 'confirmed');
    await expect(first.locator('.order-layout')).toHaveAttribute('data-status', 'confirmed');
    release();
    await waitForHydration(second);
    await expectLive(second);
    await expect(second.locator('.order-layout')).toHaveAttribute('data-status', 'confirmed');
  } finally {
    await staff.step(orderId, 'cancelled');
  }
});

test('quick Back and Forward never leave one page under another page\'s address', async ({ browser }) => {
  // The board and its menu editor are one document's entries (the app
  // moves between them without loading); the address bar then loads the
  // board as a document of its own. Back to the editor loads a document,
  // and a Back pressed before that one is live moved within it: the
  // editor's page then hydrated as the board, panicked, and stayed the
  // editor under /board.
  const staff = await signedInPage(browser, 'restaurant2@mealstream.test');
  await expect(staff).toHaveURL('/board');
  await waitForHydration(staff);
  await staff.getByRole('link', { name: 'Edit menu' }).click();
  await expect(staff).toHaveURL('/board/menu');
  await staff.goto('/board');
  await waitForHydration(staff);
  for (const step of ['back', 'back', 'forward', 'back', 'forward', 'forward', 'back', 'back']) {
    // Each press as soon as the last one's page has loaded, before the
    // app on it is live. A press may cut short the reload the one before
    // started, as it does in a browser: Playwright then reports it aborted.
    await (step === 'back' ? staff.goBack() : staff.goForward()).catch(() => null);
  }
  // The last press may have started a reload, and a debug build's wasm
  // compiles slowly on a busy machine: a generous bound.
  await expect
    .poll(() => staff.evaluate(() => (window as any).__mealstreamHydrated === true).catch(() => false), {
      timeout: 30_000,
    })
    .toBe(true);
  const heading = { '/board': 'Order board', '/board/menu': 'Menu of Sakura Bairro' };
  const path = new URL(staff.url()).pathname as keyof typeof heading;
  expect(Object.keys(heading)).toContain(path);
  await expect(staff.getByRole('heading', { level: 1 })).toHaveText(heading[path]);
  await expectLive(staff);
});
