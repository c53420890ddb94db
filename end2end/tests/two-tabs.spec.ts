// One person, two tabs of the same browser (found by a helper's walk on
// 12-06): what one tab does, the other follows.
import { test, expect, driverWithOffer, expectLive, freeDriver, waitForHydration } from './helpers';

test('an offer taken in one tab leaves the other, which shows the job', async ({ browser }) => {
  const { driver, staff, order, offer } = await driverWithOffer(browser);
  try {
    const tab = await driver.context().newPage();
    await tab.goto('/driver');
    await waitForHydration(tab);
    await expectLive(tab);
    const offerThere = tab.locator(`.offer-card[data-order-id="${order.id}"]`);
    await expect(offer).toContainText(`#${order.id}`);
    await expect(offerThere).toBeVisible();
    await offer.getByRole('button', { name: 'Accept' }).click();
    await expect(driver.locator(`.job[data-order-id="${order.id}"]`)).toBeVisible();
    // It was this driver who took it: no "another driver took this".
    await expect(offerThere).toHaveCount(0);
    await expect(tab.locator(`.job[data-order-id="${order.id}"]`)).toBeVisible();
  } finally {
    await freeDriver(driver, staff, order.id);
  }
});
