import { test, expect, driverOnReadyJob, driverPhone, driverWithOffer, expectLive, freeDriver, holdToConfirm, placeOrderViaApi, screenshot, signIn, staffApi } from './helpers';

test('a driver declines an offer with a double tap: it goes once, and a reload does not bring it back', async ({ browser }) => {
  const { driver, staff, order, offer } = await driverWithOffer(browser);
  try {
    await expect(offer.locator('.offer-pay')).toHaveText(/^You earn €\d+\.\d\d$/);
    await screenshot(driver, 'driver-offer-pay-phone');
    const declines: number[] = [];
    driver.on('response', (r) => r.url().includes('/_sfn/decline_offer') && declines.push(r.status()));
    // A double tap: the first answer takes the card away, the second tap
    // never reaches the server (or is answered as done), no error shows.
    // The offer's withdrawal can reach the socket, and take the card away,
    // before the answer reaches the page: the answer is awaited itself.
    const answered = driver.waitForResponse((r) => r.url().includes('/_sfn/decline_offer'));
    await offer.getByRole('button', { name: 'Decline' }).dblclick();
    await answered;
    await expect(offer).toHaveCount(0);
    await expect(driver.locator('.offer-closed')).toHaveCount(0);
    expect(declines.every((s) => s === 200), `decline answers: ${declines}`).toBe(true);
    expect(declines.length).toBeGreaterThanOrEqual(1);
    await driver.reload();
    await expect(driver.locator('.driver-status')).toHaveAttribute('data-ready', 'true');
    await expect(driver.locator('.today')).toHaveAttribute('data-ready', 'true');
    await expect(offer).toHaveCount(0);
  } finally {
    await staff.step(order.id, 'cancelled');
  }
});

test("the driver's day counts a delivery and what it paid, in the driver's time zone", async ({ browser }) => {
  const { driver, staff, orderId, job, ready } = await driverOnReadyJob(browser);
  try {
    const today = driver.locator('.today');
    await expect(today).toHaveAttribute('data-ready', 'true');
    const before = Number((await today.locator('.today-count').innerText()).split(' ')[0]);
    await ready();
    await expect(job.locator('.job-pay')).toHaveText(/^You earn €\d+\.\d\d$/);
    // A reload mid-delivery brings the same job back, with what it pays.
    const pay = await job.locator('.job-pay').innerText();
    await driver.reload();
    await expect(driver.locator('.driver-status')).toHaveAttribute('data-ready', 'true');
    await expect(job).toHaveAttribute('data-status', 'ready');
    await expect(job.locator('.job-pay')).toHaveText(pay);
    await driver.getByRole('button', { name: 'Picked up' }).click();
    await holdToConfirm(driver, driver.getByRole('button', { name: 'Hold to confirm delivery' }));
    await expect(job).toHaveCount(0);
    const row = today.locator(`.today-list li[data-order-id="${orderId}"]`);
    await expect(row).toBeVisible();
    await expect(row.locator('.today-pay')).toHaveText(/^€\d+\.\d\d$/);
    await expect(today.locator('.today-count')).toHaveText(before + 1 === 1 ? '1 delivery' : `${before + 1} deliveries`);
    // The time is the phone's own clock.
    const at = await row.locator('time').getAttribute('datetime');
    const zone = await driver.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
    const local = new Date(at!).toLocaleTimeString('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hour12: false });
    await expect(row.locator('time')).toHaveText(local);
    await screenshot(driver, 'driver-today-phone');
  } finally {
    await freeDriver(driver, staff, orderId);
  }
});

test("a phone in another time zone reads the order's times on its own clock", async ({ browser }) => {
  const context = await browser.newContext({ timezoneId: 'Asia/Tokyo' });
  const page = await context.newPage();
  await signIn(page, 'customer2@mealstream.test');
  await expectLive(page);
  const order = await placeOrderViaApi('customer2@mealstream.test');
  const staff = await staffApi();
  try {
    await page.goto(`/orders/${order.id}`);
    const time = page.locator('.step[data-status="placed"] .step-time time');
    const at = await time.getAttribute('datetime');
    const tokyo = new Date(at!).toLocaleTimeString('en-GB', { timeZone: 'Asia/Tokyo', hour: '2-digit', minute: '2-digit', hour12: false });
    await expect(time).toHaveText(tokyo);
    await expect(page.locator('.timeline')).not.toContainText('UTC');
  } finally {
    await staff.step(order.id, 'cancelled');
  }
});

test('on a phone the availability button stays at the bottom of the screen', async ({ browser }) => {
  const driver = await driverPhone(browser, 'driver2@mealstream.test');
  const bar = driver.locator('.action-bar');
  await expect(bar.getByRole('button', { name: /^Go (online|offline)$/ })).toBeVisible();
  await driver.mouse.wheel(0, 2000);
  const box = (await bar.boundingBox())!;
  expect(Math.round(box.y + box.height)).toBe(844);
  expect(box.width).toBe(390);
});
