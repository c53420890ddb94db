// A tap that lands before the app is live (the wasm still loading on a slow
// phone) is held and acted on once it is, once, however often it was tapped.
import { test, expect, driverOnReadyJob, freeDriver, holdToConfirm, waitForHydration } from './helpers';

test('a double tap before the app is live adds one dish once the app is up', async ({ browser, request }) => {
  const restaurants: { id: number; name: string }[] = await (await request.get('/api/restaurants')).json();
  const tasca = restaurants.find((r) => r.name === 'Tasca do Rossio')!;
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  // The wasm arrives only when the test lets it: a slow phone's network.
  let arrive = () => {};
  const arrived = new Promise<void>((resolve) => (arrive = resolve));
  await page.route('**/pkg/*.wasm', async (route) => {
    await arrived;
    await route.continue();
  });
  await page.goto(`/restaurants/${tasca.id}`, { waitUntil: 'domcontentloaded' });
  const add = page.getByRole('button', { name: 'Add Bifana to cart' });
  await add.tap();
  await add.tap();
  await expect(add).toHaveAttribute('aria-busy', 'true');
  expect(await page.evaluate(() => (window as any).__mealstreamHydrated ?? false)).toBe(false);
  arrive();
  await waitForHydration(page);
  const cart = page.locator('.cart');
  await expect(cart.locator('.cart-line .qty-value')).toHaveText('1');
  await expect(add).not.toHaveAttribute('aria-busy', 'true');
  // Once live, taps go straight to the app.
  await add.tap();
  await expect(cart.locator('.cart-line .qty-value')).toHaveText('2');
});

test('a hold begun before the app is live delivers nothing and says to hold again', async ({ browser }) => {
  const { driver, staff, orderId, job, ready } = await driverOnReadyJob(browser);
  try {
    await ready();
    await job.getByRole('button', { name: 'Picked up' }).click();
    await expect(job).toHaveAttribute('data-status', 'out_for_delivery');
    // The phone reloads on a slow network: the button is there, not live.
    let arrive = () => {};
    const arrived = new Promise<void>((resolve) => (arrive = resolve));
    await driver.route('**/pkg/*.wasm', async (route) => {
      await arrived;
      await route.continue();
    });
    await driver.reload({ waitUntil: 'domcontentloaded' });
    const hold = driver.getByRole('button', { name: 'Hold to confirm delivery' });
    const box = (await hold.boundingBox())!;
    await driver.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await driver.mouse.down();
    await driver.waitForTimeout(1200);
    await driver.mouse.up();
    await expect(hold).toHaveAttribute('aria-busy', 'true');
    expect(await driver.evaluate(() => (window as any).__mealstreamHydrated ?? false)).toBe(false);
    arrive();
    await waitForHydration(driver);
    await expect(driver.getByText('Keep holding until the bar fills to confirm.')).toBeVisible();
    expect(await staff.status(orderId)).toBe('out_for_delivery');
    // Once live, a hold delivers.
    await holdToConfirm(driver, hold);
    await expect.poll(() => staff.status(orderId)).toBe('delivered');
  } finally {
    await freeDriver(driver, staff, orderId);
  }
});
