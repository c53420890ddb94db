import {
  test as base,
  expect,
  APIRequestContext,
  Browser,
  BrowserContext,
  Locator,
  Page,
  TestInfo,
  request as playwrightRequest,
} from '@playwright/test';

export { expect };

export const BASE = process.env.BASE_URL ?? 'http://127.0.0.1:3000';
export const DEMO_PASSWORD = 'mealstream';

// ---------------------------------------------------------------------------
// The page guard: every spec imports `test` from here, so every page of every
// browser context a test opens is watched. At teardown the test fails, with
// the list, if any page
//   - threw an uncaught exception (`pageerror`),
//   - logged a console error,
//   - logged a console warning about hydration,
//   - got a 5xx response from our own server,
//   - got an HTML page without its nonce policy (its scripts cannot run).
// Not ours to fix, so ignored: map tiles (a third-party server the tests
// cannot reach, or block) and any other resource of a foreign origin that
// failed to load. A 4xx a test provokes on purpose logs "Failed to load
// resource: … status of 4xx": the test allows it with `allowConsole`.
// The contexts a test opened are closed at its end (Playwright leaves them
// open), so no page of one test lives on, and logs, into the next.
// ---------------------------------------------------------------------------

const TILES = /tile\.openstreetmap\.org|\/tiles?\//i;
const HYDRATION = /hydrat|outside (a )?<(Suspense|Transition)/i;

type Problem = { kind: string; text: string; page: Page | null; url: string };

/** Console errors a test expects, per page or per test. */
const allowed = new WeakMap<Page | TestInfo, RegExp[]>();

/** Lets `page` (or every page of the test) log console messages matching
 *  `pattern`, e.g. the browser's line about a 401 the test asked for. */
export function allowConsole(target: Page | TestInfo, pattern: RegExp) {
  allowed.set(target, [...(allowed.get(target) ?? []), pattern]);
}

function pageOf(x: { page(): Page | null }): Page | null {
  try {
    return x.page();
  } catch {
    return null;
  }
}

function urlOf(page: Page | null): string {
  try {
    return page?.url() ?? '?';
  } catch {
    return '?';
  }
}

/** Starts recording the problems of every page of `context` into `problems`. */
function watch(context: BrowserContext, origin: string, problems: Problem[]) {
  // A panic's message runs on with a wasm stack: its head is what matters.
  const note = (kind: string, text: string, page: Page | null) =>
    problems.push({ kind, text: text.split('\n\nStack:')[0].slice(0, 600), page, url: urlOf(page) });
  context.on('weberror', (e) => note('pageerror', String(e.error()), pageOf(e)));
  context.on('console', (m) => {
    const type = m.type();
    const text = m.text();
    const from = m.location().url; // for "Failed to load resource": the resource
    if (type !== 'error' && !(type === 'warning' && HYDRATION.test(text))) return;
    if (TILES.test(text) || TILES.test(from)) return;
    const failedLoad = text.startsWith('Failed to load resource');
    if (failedLoad && from && !from.startsWith(origin)) return;
    note(`console.${type}`, failedLoad ? `${text} (${from})` : text, pageOf(m));
  });
  context.on('response', (r) => {
    if (!r.url().startsWith(origin)) return;
    const headers = r.headers();
    const html = (headers['content-type'] ?? '').startsWith('text/html');
    if (html && r.request().resourceType() === 'document' && !/'nonce-/.test(headers['content-security-policy'] ?? '')) {
      // A page without its nonce policy cannot run its scripts: say what came instead.
      const csp = headers['content-security-policy'] ?? 'none';
      const req = r.request();
      const from = req.redirectedFrom()?.url().slice(origin.length);
      const how = `${req.method()}${from ? ` redirected from ${from}` : ''}, request ${headers['x-request-id'] ?? '?'}`;
      note('csp', `${r.status()} ${r.url().slice(origin.length)} came without the page policy (CSP: ${csp}; ${how})`, pageOf({ page: () => r.frame().page() }));
    }
    if (r.status() < 500) return;
    let page: Page | null = null;
    try {
      page = r.frame().page();
    } catch {} // a service worker's request
    note('http', `${r.status()} ${r.request().method()} ${r.url().slice(origin.length)}`, page);
  });
}

export const test = base.extend<{ guard: (context: BrowserContext) => void }>({
  guard: [
    async ({ browser, baseURL }, use, testInfo) => {
      const origin = new URL(baseURL ?? BASE).origin;
      const problems: Problem[] = [];
      const seen = new WeakSet<BrowserContext>();
      const guard = (context: BrowserContext) => {
        if (!seen.has(context)) {
          seen.add(context);
          watch(context, origin, problems);
        }
      };
      // Tests open their own contexts (one per person): watch each of them.
      const opened: BrowserContext[] = [];
      const newContext = browser.newContext;
      browser.newContext = async function (this: Browser, ...args) {
        const context = await newContext.apply(this, args);
        opened.push(context);
        guard(context);
        return context;
      };
      try {
        await use(guard);
      } finally {
        browser.newContext = newContext;
        const closing = problems.length; // what closing the pages logs is not the test's
        await Promise.all(opened.map((c) => c.close().catch(() => {})));
        problems.length = closing;
      }
      const isAllowed = (p: Problem) =>
        p.kind.startsWith('console') &&
        [...(allowed.get(testInfo) ?? []), ...((p.page && allowed.get(p.page)) || [])].some((re) => re.test(p.text));
      // One line per distinct problem, with how often it happened.
      const lines = new Map<string, number>();
      for (const p of problems.filter((p) => !isAllowed(p))) {
        const line = `[${p.kind}] ${p.text}\n      on ${p.url}`;
        lines.set(line, (lines.get(line) ?? 0) + 1);
      }
      if (lines.size > 0) {
        const list = [...lines].map(([line, n]) => `  - ${n > 1 ? `(×${n}) ` : ''}${line}`).join('\n');
        throw new Error(`The page guard caught ${lines.size} problem(s):\n${list}`);
      }
    },
    { auto: true },
  ],
  // The default `context` (and so `page`) is watched too.
  context: async ({ context, guard }, use) => {
    guard(context);
    await use(context);
  },
});

// ---------------------------------------------------------------------------
// People and gestures.
// ---------------------------------------------------------------------------

/** Signs in through the form, as a person would. */
export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto('/login');
  await waitForHydration(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** The live indicator turns "connected" only once the wasm has hydrated and
 *  the official socket.io client has connected with the session cookie. */
export async function expectLive(page: Page) {
  await expect(page.locator('.link-state')).toHaveAttribute('data-state', 'connected');
}

/** Resolves once the wasm bundle has hydrated the page. */
export async function waitForHydration(page: Page) {
  await page.waitForFunction(() => (window as any).__mealstreamHydrated === true);
}

export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: `artifacts/${name}.png`, fullPage: true });
}

/** Presses `button` and keeps the finger on it ~1 s (a hold-to-confirm step). */
export async function holdToConfirm(page: Page, button: Locator) {
  await expect(button).toBeEnabled();
  const box = (await button.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.waitForTimeout(1200);
  await page.mouse.up();
}

/** Clicks `name` (e.g. "Reject"), then the inline confirm's "Yes, …" button. */
export async function clickAndConfirm(scope: Page | Locator, name: string, yes: string) {
  await scope.getByRole('button', { name, exact: true }).click();
  await scope.locator('.confirm-step').getByRole('button', { name: yes }).click();
}

// ---------------------------------------------------------------------------
// The shared scenery: a REST client per person, a driver's phone, an order.
// ---------------------------------------------------------------------------

/** A REST client signed in as `email`; `call` posts and expects 2xx. */
export async function apiAs(email: string, password = DEMO_PASSWORD) {
  const ctx = await playwrightRequest.newContext({ baseURL: BASE });
  const res = await ctx.post('/api/auth/login', { data: { email, password } });
  expect(res.status(), `sign in ${email}`).toBe(200);
  const call = async (path: string, data: object = {}) => {
    const r = await ctx.post(path, { data });
    expect(r.ok(), `${path}: ${r.status()} ${await r.text()}`).toBeTruthy();
    return r.json();
  };
  const get = async (path: string) => {
    const r = await ctx.get(path);
    expect(r.ok(), `${path}: ${r.status()} ${await r.text()}`).toBeTruthy();
    return r.json();
  };
  return { ctx, call, get };
}

/** Reports a driver's position as their phone would: a report within a
 *  second of the last one for that driver (another spec's, say) is a 429,
 *  and the phone sends again once the second has passed. */
export async function locate(ctx: APIRequestContext, lat: number, lng: number) {
  let res = await ctx.post('/api/driver/location', { data: { lat, lng } });
  if (res.status() === 429) {
    await new Promise((resolve) => setTimeout(resolve, 1100));
    res = await ctx.post('/api/driver/location', { data: { lat, lng } });
  }
  expect(res.status(), 'location report').toBe(202);
}

/** Restaurant staff act through the REST API, as a second client would. */
export async function staffApi() {
  const api = await apiAs('restaurant@mealstream.test');
  return {
    ...api,
    step: async (id: string | number, status: string) => {
      await api.call(`/api/orders/${id}/status`, { status });
    },
    status: async (id: string | number): Promise<string> => (await api.get(`/api/orders/${id}`)).status,
  };
}

// A short ride from Tasca do Rossio south to Praça do Comércio.
export const ROUTE = [
  { latitude: 38.7121, longitude: -9.1377 },
  { latitude: 38.711, longitude: -9.1372 },
  { latitude: 38.7098, longitude: -9.1369 },
  { latitude: 38.7086, longitude: -9.1366 },
];

/** A driver's phone, signed in and live on /driver. */
export async function driverPhone(browser: Browser, email: string): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    permissions: ['geolocation'],
    geolocation: ROUTE[0],
  });
  const page = await context.newPage();
  await signIn(page, email);
  await expect(page).toHaveURL('/driver');
  await expectLive(page);
  return page;
}

/** Online, whatever an earlier test left. */
export async function goOnline(page: Page) {
  const status = page.locator('.driver-status');
  await expect(status).toHaveAttribute('data-ready', 'true');
  if ((await status.getAttribute('data-online')) !== 'true') {
    await page.getByRole('button', { name: 'Go online' }).click();
  }
  await expect(status).toHaveAttribute('data-online', 'true');
}

/** A signed-in, live page of a new context. */
export async function signedInPage(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, email);
  await expectLive(page);
  return page;
}

/** Orders one `item` at Tasca do Rossio through the UI; returns the order id. */
export async function placeOrder(page: Page, item: string): Promise<string> {
  await page.goto('/restaurants');
  // A tap on "Add" before the wasm has hydrated is lost: wait for it.
  await waitForHydration(page);
  await page.getByRole('link', { name: /Tasca do Rossio/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Tasca do Rossio');
  await page.getByRole('button', { name: `Add ${item} to cart` }).click();
  await page.getByRole('button', { name: 'Place order' }).click();
  await expect(page).toHaveURL(/\/orders\/\d+$/);
  return page.url().split('/').pop()!;
}

/** An order of `customerEmail` at Tasca do Rossio, placed through the API. */
export async function placeOrderViaApi(customerEmail: string, quantity = 1): Promise<any> {
  const customer = await apiAs(customerEmail);
  const restaurants = await customer.get('/api/restaurants');
  const tasca = restaurants.find((r: any) => r.name === 'Tasca do Rossio');
  const menu = await customer.get(`/api/restaurants/${tasca.id}`);
  return customer.call('/api/orders', {
    restaurantId: tasca.id,
    items: [{ menuItemId: menu.menu[0].id, quantity }],
    dropoff: { address: 'Praça do Comércio 1, Lisboa', lat: 38.7076, lng: -9.1365 },
  });
}

/** An order taken all the way to "delivered" through the API, by
 *  driver2 (who is left offline), then disputed by its customer. */
export async function disputedOrder(customerEmail = 'customer@mealstream.test') {
  const driver = await apiAs('driver2@mealstream.test');
  await driver.call('/api/driver/availability', { online: true });
  await locate(driver.ctx, 38.7125, -9.138);
  const staff = await staffApi();
  const order = await placeOrderViaApi(customerEmail, 2);
  await staff.step(order.id, 'confirmed');
  await driver.call(`/api/orders/${order.id}/accept`);
  await staff.step(order.id, 'preparing');
  await staff.step(order.id, 'ready');
  await driver.call(`/api/orders/${order.id}/status`, { status: 'out_for_delivery' });
  await driver.call(`/api/orders/${order.id}/status`, { status: 'delivered' });
  await driver.call('/api/driver/availability', { online: false });
  const customer = await apiAs(customerEmail);
  const dispute = await customer.call(`/api/orders/${order.id}/dispute`, {
    reason: 'wrong_item',
    details: 'A burger instead of the soup',
  });
  return { order, dispute };
}

/** driver@ online on a phone, with a live offer of a new order of
 *  customer2's at Tasca do Rossio. Pair with `freeDriver` in `finally`. */
export async function driverWithOffer(browser: Browser) {
  const driver = await driverPhone(browser, 'driver@mealstream.test');
  await goOnline(driver);
  const staff = await staffApi();
  const order = await placeOrderViaApi('customer2@mealstream.test');
  await staff.step(order.id, 'confirmed');
  const offer = driver.locator(`.offer-card[data-order-id="${order.id}"]`);
  return { driver, staff, order, offer };
}

/** The driver on a job at Tasca do Rossio that is ready for pickup; the
 *  customer's page follows the order. Pair with `freeDriver` in `finally`. */
export async function driverOnReadyJob(browser: Browser) {
  const driver = await driverPhone(browser, 'driver@mealstream.test');
  await goOnline(driver);
  const customer = await signedInPage(browser, 'customer@mealstream.test');
  const orderId = await placeOrder(customer, 'Caldo verde');
  const staff = await staffApi();
  const job = driver.locator(`.job[data-order-id="${orderId}"]`);
  const ready = async () => {
    await staff.step(orderId, 'confirmed');
    await driver.locator(`.offer-card[data-order-id="${orderId}"]`).getByRole('button', { name: 'Accept' }).click();
    await expect(job).toBeVisible();
    await staff.step(orderId, 'preparing');
    await staff.step(orderId, 'ready');
    await expect(job).toHaveAttribute('data-status', 'ready');
  };
  return { driver, customer, staff, orderId, job, ready };
}

/** Ends the driver's job (delivered or cancelled), leaving them free for
 *  the other tests. */
export async function freeDriver(driver: Page, staff: Awaited<ReturnType<typeof staffApi>>, orderId: string) {
  const now = await staff.status(orderId);
  if (now === 'out_for_delivery') {
    await driver.request.post(`/api/orders/${orderId}/status`, { data: { status: 'delivered' } });
  } else if (!['delivered', 'cancelled', 'rejected'].includes(now)) {
    await staff.step(orderId, 'cancelled');
  }
}
