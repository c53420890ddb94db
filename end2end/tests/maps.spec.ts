import type { Locator } from '@playwright/test';
import { test, expect, apiAs, placeOrderViaApi, screenshot, signedInPage, staffApi } from './helpers';

/** Whether `marker` is drawn inside `map`'s box. */
async function inside(map: Locator, marker: Locator) {
  const [m, p] = [(await map.boundingBox())!, (await marker.boundingBox())!];
  const x = p.x + p.width / 2;
  const y = p.y + p.height / 2;
  return x >= m.x && x <= m.x + m.width && y >= m.y && y <= m.y + m.height;
}

test("the customer's map follows a driver who moves (gliding) or leaves the view, and the admin map says each order's status", async ({ browser }) => {
  const staff = await staffApi();
  const driver = await apiAs('driver2@mealstream.test');
  const order = await placeOrderViaApi('customer2@mealstream.test');
  const admin = await signedInPage(browser, 'admin@mealstream.test');
  const pin = admin.locator(`.leaflet-marker-icon[data-key="order-${order.id}"]`);
  try {
    await expect(pin.locator('.pin-label')).toHaveText(`#${order.id} Placed`);
    await driver.call('/api/driver/availability', { online: true });
    expect((await driver.ctx.post('/api/driver/location', { data: { lat: 38.7125, lng: -9.138 } })).status()).toBe(202);
    await staff.step(order.id, 'confirmed');
    await expect(pin.locator('.pin-label')).toHaveText(`#${order.id} Confirmed`);
    await expect(pin).toHaveAttribute('title', `#${order.id} Confirmed`);
    await driver.call(`/api/orders/${order.id}/accept`);

    const customer = await signedInPage(browser, 'customer2@mealstream.test');
    await customer.goto(`/orders/${order.id}`);
    const map = customer.locator('.map');
    const marker = customer.locator('.leaflet-marker-icon[data-marker="driver"]');
    await expect(marker).toBeVisible();
    // A step along the street: the marker glides there (a CSS transition on
    // its position) rather than jumping.
    await customer.waitForTimeout(1000); // one position per second
    expect((await driver.ctx.post('/api/driver/location', { data: { lat: 38.7128, lng: -9.1382 } })).status()).toBe(202);
    await expect
      .poll(() => marker.evaluate((el) => el.getAnimations().some((a) => (a as CSSTransition).transitionProperty === 'transform')), {
        intervals: [50],
      })
      .toBe(true);
    await expect(marker).toHaveAttribute('data-lat', '38.712800');
    // Three kilometres north: off the view the map opened with.
    await customer.waitForTimeout(1000);
    expect((await driver.ctx.post('/api/driver/location', { data: { lat: 38.74, lng: -9.15 } })).status()).toBe(202);
    await expect(marker).toHaveAttribute('data-lat', '38.740000');
    await expect.poll(() => inside(map, marker)).toBe(true);
    await screenshot(customer, 'customer-map-follows');
  } finally {
    await staff.step(order.id, 'cancelled');
    await driver.call('/api/driver/availability', { online: false });
  }
});
