// Accessibility as a gate: axe-core on every page of every role, at a
// desk's width and a phone's, with no serious or critical violation.
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from '@playwright/test';
import { test, expect, allowConsole, apiAs, disputedOrder, placeOrderViaApi, signIn, staffApi, waitForHydration } from './helpers';

const SIZES = [
  { name: 'desk', viewport: { width: 1280, height: 900 }, isMobile: false },
  { name: 'phone', viewport: { width: 390, height: 844 }, isMobile: true },
];

/** Serious and critical violations on the page as it stands, one line each. */
async function violations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

async function check(browser: Browser, size: (typeof SIZES)[number], email: string | null, paths: string[]) {
  const context = await browser.newContext({ viewport: size.viewport, isMobile: size.isMobile, hasTouch: size.isMobile });
  const page = await context.newPage();
  // The 404 page is one of the pages checked: its status is expected.
  allowConsole(page, /status of 404/);
  if (email) {
    await signIn(page, email);
    await page.waitForURL((url) => url.pathname !== '/login');
  }
  const found: string[] = [];
  for (const path of paths) {
    await page.goto(path, { waitUntil: 'domcontentloaded' });
    await waitForHydration(page);
    // Live content (toasts, maps, lists) settles first.
    await page.waitForLoadState('networkidle');
    for (const v of await violations(page)) {
      found.push(`${path} (${size.name}${email ? `, ${email}` : ''}): ${v}`);
    }
  }
  await context.close();
  return found;
}

for (const size of SIZES) {
  test(`no serious accessibility violation on any page, ${size.name}`, async ({ browser }) => {
    const order = await placeOrderViaApi('customer@mealstream.test');
    const { dispute } = await disputedOrder('customer2@mealstream.test');
    const staff = await staffApi();
    const restaurants = await (await apiAs('customer@mealstream.test')).get('/api/restaurants');
    try {
      const found = [
        ...(await check(browser, size, null, ['/', '/login', '/register', '/no-such-page'])),
        ...(await check(browser, size, 'customer@mealstream.test', [
          '/restaurants',
          `/restaurants/${restaurants[0].id}`,
          '/orders',
          `/orders/${order.id}`,
        ])),
        ...(await check(browser, size, 'customer2@mealstream.test', [`/orders/${dispute.orderId}`])),
        ...(await check(browser, size, 'restaurant@mealstream.test', ['/board', '/board/menu'])),
        ...(await check(browser, size, 'driver@mealstream.test', ['/driver'])),
        ...(await check(browser, size, 'admin@mealstream.test', [
          '/admin',
          '/admin/orders',
          `/admin/orders/${order.id}`,
          '/admin/disputes',
          `/admin/disputes/${dispute.id}`,
          '/admin/users',
        ])),
      ];
      expect(found, found.join('\n')).toEqual([]);
    } finally {
      await staff.step(order.id, 'cancelled');
    }
  });
}
