import type { Browser, Page } from '@playwright/test';
import { test, expect, allowConsole, apiAs, expectLive, placeOrderViaApi, signIn, staffApi } from './helpers';

// A connection that drops and comes back, as on a train or after a node
// restart: the page's WebSockets are recorded so a test can close them
// (the official client then reconnects by itself), and its Socket.IO
// requests can be refused for a while so it stays away.

/** A signed-in, live page of `email`, in a context whose pages record
 *  every WebSocket they open in `window.__sockets`. */
async function recordedPage(browser: Browser, email: string): Promise<Page> {
  const context = await browser.newContext();
  await context.addInitScript(() => {
    const Native = window.WebSocket;
    const sockets: WebSocket[] = [];
    (window as any).__sockets = sockets;
    (window as any).WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        sockets.push(this);
      }
    };
  });
  const page = await context.newPage();
  await signIn(page, email);
  await expectLive(page);
  return page;
}

/** Drops `page`'s connection; with `stayAway`, every reconnection fails
 *  until the returned function is called. */
async function dropConnection(page: Page, stayAway = false): Promise<() => Promise<void>> {
  const pattern = '**/socket.io/**';
  if (stayAway) {
    // The browser logs each refused request: refused on purpose here.
    allowConsole(page, /^Failed to load resource: net::ERR_FAILED/);
    await page.route(pattern, (route) => route.abort());
  }
  // A frame the client was sending as the test closed its socket under it
  // (a pong, an ack) makes the browser log this: closed on purpose here.
  allowConsole(page, /WebSocket is already in CLOSING or CLOSED state/);
  await page.evaluate(() => (window as any).__sockets.forEach((s: WebSocket) => s.close()));
  await expect(page.locator('.link-state')).not.toHaveAttribute('data-state', 'connected');
  return async () => {
    if (stayAway) await page.unroute(pattern);
  };
}

test("after the connection comes back, the customer's map still follows the driver", async ({ browser }) => {
  const staff = await staffApi();
  const driver = await apiAs('driver2@mealstream.test');
  const order = await placeOrderViaApi('customer2@mealstream.test');
  try {
    await driver.call('/api/driver/availability', { online: true });
    await new Promise((r) => setTimeout(r, 1100)); // one position per second, after any earlier spec's
    expect((await driver.ctx.post('/api/driver/location', { data: { lat: 38.7125, lng: -9.138 } })).status()).toBe(202);
    await staff.step(order.id, 'confirmed');
    await driver.call(`/api/orders/${order.id}/accept`);

    const customer = await recordedPage(browser, 'customer2@mealstream.test');
    await customer.goto(`/orders/${order.id}`);
    await expectLive(customer);
    const marker = customer.locator('.leaflet-marker-icon[data-marker="driver"]');
    await expect(marker).toBeVisible();

    await dropConnection(customer);
    await expectLive(customer);
    // Positions reach the map only through the order's room, which a new
    // connection is not in until the page follows the order again.
    await customer.waitForTimeout(1000); // one position per second
    expect((await driver.ctx.post('/api/driver/location', { data: { lat: 38.7131, lng: -9.1384 } })).status()).toBe(202);
    await expect(marker).toHaveAttribute('data-lat', '38.713100');
  } finally {
    await staff.step(order.id, 'cancelled');
    await driver.call('/api/driver/availability', { online: false });
  }
});

test('two tabs of one customer: the tab that comes back last still gets the change it missed', async ({ browser }) => {
  const staff = await staffApi();
  const order = await placeOrderViaApi('customer2@mealstream.test');
  try {
    const first = await recordedPage(browser, 'customer2@mealstream.test');
    await first.goto(`/orders/${order.id}`);
    const second = await first.context().newPage();
    await second.goto(`/orders/${order.id}`);
    for (const tab of [first, second]) {
      await expectLive(tab);
      await expect(tab.locator('.timeline')).toHaveAttribute('data-current', 'placed');
    }

    // The second tab loses its connection; the first hears the change and
    // keeps its newer event id where both tabs read it.
    const comeBack = await dropConnection(second, true);
    await staff.step(order.id, 'confirmed');
    await expect(first.locator('.timeline')).toHaveAttribute('data-current', 'confirmed');
    await expect(second.locator('.timeline')).toHaveAttribute('data-current', 'placed');

    // The second tab resumes from what it saw, not from what the first saw.
    await comeBack();
    await expectLive(second);
    await expect(second.locator('.timeline')).toHaveAttribute('data-current', 'confirmed');
  } finally {
    await staff.step(order.id, 'cancelled');
  }
});
