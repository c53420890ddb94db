import type { Page } from '@playwright/test';
import { test, expect, driverOnReadyJob, driverPhone, expectLive, freeDriver, goOnline, holdToConfirm, placeOrder, screenshot, signIn, staffApi, ROUTE } from './helpers';

test('a driver takes an offer on the phone and the customer follows the marker', async ({ browser }) => {
  const driver = await driverPhone(browser, 'driver@mealstream.test');
  await goOnline(driver);

  const customerContext = await browser.newContext();
  const customer = await customerContext.newPage();
  await signIn(customer, 'customer@mealstream.test');
  await expectLive(customer);
  const orderId = await placeOrder(customer, 'Caldo verde');
  const staff = await staffApi();
  await staff.step(orderId, 'confirmed');

  const offer = driver.locator(`.offer-card[data-order-id="${orderId}"]`);
  await expect(offer).toContainText('Tasca do Rossio');
  await expect(offer.locator('.countdown')).toHaveText(/\d+ s/);
  await screenshot(driver, 'driver-offer-phone');
  await offer.getByRole('button', { name: 'Accept' }).click();
  const job = driver.locator(`.job[data-order-id="${orderId}"]`);
  await expect(job).toBeVisible();
  await expect(customer.locator('.step[data-status="out_for_delivery"]')).toBeVisible();

  // The customer's map shows the driver, and the marker follows the phone.
  const marker = customer.locator('.leaflet-marker-icon[data-marker="driver"]');
  const eta = customer.locator('.eta');
  let last = { lat: '', lng: '', eta: '' };
  for (const point of ROUTE.slice(1)) {
    await driver.context().setGeolocation(point);
    await expect(marker).toHaveAttribute('data-lat', point.latitude.toFixed(6), { timeout: 10_000 });
    const now = {
      lat: (await marker.getAttribute('data-lat'))!,
      lng: (await marker.getAttribute('data-lng'))!,
      eta: (await eta.getAttribute('data-eta-seconds'))!,
    };
    expect(now.lat).not.toBe(last.lat);
    expect(now.eta).not.toBe(last.eta);
    last = now;
    await driver.waitForTimeout(1100); // the server takes one position per second
  }
  // Not picked up yet: no arrival time that leaves out the kitchen.
  await expect(eta).toContainText('picks the order up at Tasca do Rossio once it is ready');
  await expect(customer.locator('.leaflet-marker-icon[data-marker="restaurant"]')).toHaveCount(1);
  await expect(customer.locator('.leaflet-marker-icon[data-marker="dropoff"]')).toHaveCount(1);
  await screenshot(customer, 'customer-delivery-map');
  await screenshot(driver, 'driver-job-phone');

  // Kitchen finishes; the driver picks up and delivers.
  await staff.step(orderId, 'preparing');
  await staff.step(orderId, 'ready');
  await expect(customer.locator('.eta')).toContainText('is collecting the order at Tasca do Rossio');
  await driver.getByRole('button', { name: 'Picked up' }).click();
  await expect(customer.locator('.timeline')).toHaveAttribute('data-current', 'out_for_delivery');
  await expect(customer.locator('.eta')).toContainText('Arriving in about');
  // Delivering cannot be undone: it is a hold, not a tap.
  await holdToConfirm(driver, driver.getByRole('button', { name: 'Hold to confirm delivery' }));
  await expect(customer.locator('.toast').filter({ hasText: 'Your order was delivered' })).toBeVisible();
  await expect(driver.locator('.job')).toHaveCount(0);
});

test('the second driver sees that the offer was taken', async ({ browser }) => {
  const first = await driverPhone(browser, 'driver@mealstream.test');
  const second = await driverPhone(browser, 'driver2@mealstream.test');
  for (const d of [first, second]) {
    await goOnline(d);
  }
  const customerContext = await browser.newContext();
  const customer = await customerContext.newPage();
  await signIn(customer, 'customer2@mealstream.test');
  await expectLive(customer);
  const orderId = await placeOrder(customer, 'Bifana');
  const staff = await staffApi();
  await staff.step(orderId, 'confirmed');
  const offerOf = (p: Page) => p.locator(`.offer-card[data-order-id="${orderId}"]`);
  await expect(offerOf(first)).toBeVisible();
  await expect(offerOf(second)).toBeVisible();
  await offerOf(first).getByRole('button', { name: 'Accept' }).click();
  await expect(offerOf(second)).toContainText('Another driver took this delivery.');
  await staff.step(orderId, 'cancelled');
});

test('a driver who blocks location is told how to fix it', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
  const page = await context.newPage();
  await signIn(page, 'driver2@mealstream.test');
  await expectLive(page);
  // An earlier test may have left this driver online (until the position expires).
  await expect(page.getByRole('button', { name: /^Go (online|offline)$/ })).toBeVisible();
  const offline = page.getByRole('button', { name: 'Go offline' });
  if (await offline.isVisible()) {
    await offline.click();
  }
  await page.getByRole('button', { name: 'Go online' }).click();
  await expect(page.locator('.geo-status')).toContainText('Location is blocked');
});

test('the admin map shows online drivers', async ({ browser }) => {
  const driver = await driverPhone(browser, 'driver2@mealstream.test');
  await goOnline(driver);
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signIn(admin, 'admin@mealstream.test');
  const marker = admin.locator('.leaflet-marker-icon[data-marker="driver"]').filter({ hasText: 'Dora Driver' });
  await expect(marker).toBeVisible();
  await screenshot(admin, 'admin-live-map');
});

test('the customer and the driver chat live, and markup stays text', async ({ browser }) => {
  const driver = await driverPhone(browser, 'driver@mealstream.test');
  await goOnline(driver);
  const customerContext = await browser.newContext();
  const customer = await customerContext.newPage();
  await signIn(customer, 'customer@mealstream.test');
  await expectLive(customer);
  const orderId = await placeOrder(customer, 'Caldo verde');
  const staff = await staffApi();
  await staff.step(orderId, 'confirmed');
  await driver.locator(`.offer-card[data-order-id="${orderId}"]`).getByRole('button', { name: 'Accept' }).click();
  await expect(driver.locator(`.job[data-order-id="${orderId}"]`)).toBeVisible();

  const hostile = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script> ring twice';
  const customerChat = customer.locator('.chat');
  const driverChat = driver.locator('.chat');
  await expect(customerChat.getByRole('textbox', { name: 'Message' })).toBeVisible();
  await customerChat.getByRole('textbox', { name: 'Message' }).fill(hostile);
  await customerChat.getByRole('button', { name: 'Send' }).click();
  // The driver's phone shows it at once, as the text that was typed.
  const received = driverChat.locator('.chat-msg').filter({ hasText: 'ring twice' });
  await expect(received.locator('.chat-body')).toHaveText(hostile);
  await expect(driverChat.locator('img')).toHaveCount(0);
  expect(await driver.evaluate(() => (window as any).__xss)).toBeUndefined();
  expect(await customer.evaluate(() => (window as any).__xss)).toBeUndefined();
  // The driver's open chat read it: the customer sees who saw it.
  await expect(customerChat.locator('.chat-msg.mine .chat-seen')).toHaveText('Seen by Diogo Driver');

  // Typing, then a reply.
  await driverChat.getByRole('textbox', { name: 'Message' }).pressSequentially('On my');
  await expect(customerChat.locator('.chat-typing')).toContainText('is typing…');
  await driverChat.getByRole('textbox', { name: 'Message' }).pressSequentially(' way!');
  await driverChat.getByRole('textbox', { name: 'Message' }).press('Enter');
  await expect(customerChat.locator('.chat-msg:not(.mine) .chat-body')).toHaveText('On my way!');
  await screenshot(customer, 'customer-chat');
  await screenshot(driver, 'driver-chat-phone');

  // Leave the driver free for the other tests.
  await staff.step(orderId, 'cancelled');
  await expect(driver.locator('.job')).toHaveCount(0);
});

test('a double tap on "Picked up" picks up and does not deliver', async ({ browser }) => {
  const { driver, customer, staff, orderId, job, ready } = await driverOnReadyJob(browser);
  try {
    await ready();

    // A hurried thumb: two taps 300 ms apart, both where "Picked up" was.
    const pickedUp = job.getByRole('button', { name: 'Picked up' });
    await expect(pickedUp).toBeEnabled();
    const box = (await pickedUp.boundingBox())!;
    const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
    await driver.mouse.click(x, y);
    await driver.waitForTimeout(300);
    await driver.mouse.click(x, y);

    await expect(driver.locator(`.job[data-order-id="${orderId}"]`)).toHaveAttribute('data-status', 'out_for_delivery');
    await expect(customer.locator('.timeline')).toHaveAttribute('data-current', 'out_for_delivery');
    // Whatever the second tap landed on had time to act: still not delivered.
    await driver.waitForTimeout(1500);
    expect(await staff.status(orderId)).toBe('out_for_delivery');
    await expect(driver.locator(`.job[data-order-id="${orderId}"]`)).toHaveAttribute('data-status', 'out_for_delivery');
  } finally {
    await freeDriver(driver, staff, orderId);
  }
});
