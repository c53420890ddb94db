import { test, expect, expectLive, screenshot, signIn, apiAs, allowConsole, disputedOrder } from './helpers';

// The lists read a page at a time: every order, past ones too, and the
// users, for admins; searched and narrowed, with the filters in the URL.
// A refund shows wherever an order's price is, live.

test('an admin finds a past order by number, email and status; the refund shows live there and in My orders', async ({ browser }) => {
  const { order, dispute } = await disputedOrder('customer2@mealstream.test');

  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, 'admin@mealstream.test');
  await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Orders' }).click();
  await expect(admin).toHaveURL('/admin/orders');
  await expectLive(admin);

  // By number, as a customer on the phone reads it out.
  const search = admin.getByRole('search');
  await search.getByLabel('Search').fill(`#${order.id}`);
  await search.getByRole('button', { name: 'Search' }).click();
  await expect(admin).toHaveURL(new RegExp(`q=%23${order.id}`));
  const rows = admin.locator('.all-orders tbody tr');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-order-id', String(order.id));

  // The filters live in the URL: a reload shows the same list.
  await admin.reload();
  await expectLive(admin);
  await expect(rows).toHaveCount(1);
  await expect(admin.getByRole('search').getByLabel('Search')).toHaveValue(`#${order.id}`);

  // By the customer's email and a status.
  await search.getByLabel('Search').fill('customer2@mealstream.test');
  await search.getByLabel('Status').selectOption('delivered');
  await search.getByRole('button', { name: 'Search' }).click();
  const row = admin.locator(`.all-orders tr[data-order-id="${order.id}"]`);
  await expect(row).toBeVisible();
  for (const status of await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-status')))) {
    expect(status).toBe('delivered');
  }

  // The customer's own list, open while the admin settles the dispute.
  const customer = await (await browser.newContext()).newPage();
  await signIn(customer, 'customer2@mealstream.test');
  await expect(customer).toHaveURL('/restaurants');
  await customer.goto('/orders');
  await expectLive(customer);
  const card = customer.locator(`.order-row[data-order-id="${order.id}"]`);
  await expect(card.locator('.price')).toHaveText(/^€\d+\.\d\d$/);

  const admins = await apiAs('admin@mealstream.test');
  await admins.call(`/api/disputes/${dispute.id}/resolve`, {
    resolution: 'partial_refund',
    refundCents: 150,
    note: 'The soup is on us',
  });
  const net = `€${((order.totalCents - 150) / 100).toFixed(2)}`;
  for (const paid of [row.locator('.paid'), card.locator('.paid')]) {
    await expect(paid).toContainText('€1.50 refunded');
    await expect(paid).toContainText(net);
    await expect(paid.locator('s')).toHaveText(`€${(order.totalCents / 100).toFixed(2)}`);
  }
  await screenshot(customer, 'my-orders-refund');

  // An older page leaves this order out and leads back to the newest.
  await admin.goto(`/admin/orders?before=${order.id}`);
  await expectLive(admin);
  await expect(admin.locator(`.all-orders tr[data-order-id="${order.id}"]`)).toHaveCount(0);
  await admin.getByRole('link', { name: '← Newest' }).click();
  await expect(admin).toHaveURL('/admin/orders');
  await expect(admin.locator(`.all-orders tr[data-order-id="${order.id}"]`)).toBeVisible();
  await screenshot(admin, 'admin-orders');

  // The order's own page says it too, with the dispute a tap away.
  await admin.locator(`.all-orders tr[data-order-id="${order.id}"]`).getByRole('link').click();
  await expect(admin).toHaveURL(`/admin/orders/${order.id}`);
  const disputes = admin.locator('.dispute-box');
  await expect(disputes.getByRole('heading', { name: 'Disputes' })).toBeVisible();
  await expect(disputes.locator('.refund-total')).toContainText(`Customer paid${net}`);
  await screenshot(admin, 'admin-order-disputes');
  await disputes.getByRole('link', { name: 'Wrong item' }).click();
  await expect(admin).toHaveURL(`/admin/disputes/${dispute.id}`);
  await admin.goBack();
  await admin.getByRole('link', { name: '← Orders' }).click();
  await expect(admin).toHaveURL('/admin/orders');
});

test('on a phone the orders search and list fit the screen', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const admin = await context.newPage();
  await signIn(admin, 'admin@mealstream.test');
  await expect(admin).toHaveURL('/admin');
  await admin.goto('/admin/orders?status=placed');
  await expectLive(admin);
  await expect(admin.getByRole('search').getByLabel('Status')).toHaveValue('placed');
  const overflow = await admin.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  // A bad filter in a hand-edited URL says what is wrong (the page's
  // status is the API's 422), not a blank page.
  allowConsole(admin, /status of 422/);
  await admin.goto('/admin/orders?status=lost');
  await expect(admin.getByRole('alert')).toContainText('is not an order status');
  await admin.goto('/admin/orders?before=abc');
  await expect(admin.getByRole('alert')).toContainText('"abc" is not a valid value');
  await screenshot(admin, 'admin-orders-phone');
});

test('an admin finds users by email, role and state, and the filters survive a reload', async ({ browser }) => {
  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, 'admin@mealstream.test');
  await expect(admin).toHaveURL('/admin');
  await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
  await expect(admin).toHaveURL('/admin/users');
  await expectLive(admin);

  const search = admin.getByRole('search');
  await search.getByLabel('Search').fill('Driver');
  await search.getByLabel('Role').selectOption('driver');
  await search.getByRole('button', { name: 'Search' }).click();
  await expect(admin).toHaveURL(/q=Driver&role=driver/);
  const rows = admin.locator('.users-table tbody tr');
  await expect(rows).toHaveCount(2);
  await expect(rows.locator('td[data-label="Role"]')).toHaveText(['Driver', 'Driver']);

  await admin.reload();
  await expectLive(admin);
  await expect(rows).toHaveCount(2);
  await expect(admin.getByRole('search').getByLabel('Role')).toHaveValue('driver');

  // Nobody matches: said, not a blank table.
  await search.getByLabel('Search').fill('nobody-by-this-name');
  await search.getByRole('button', { name: 'Search' }).click();
  await expect(admin.getByText('No users match.')).toBeVisible();
  await screenshot(admin, 'admin-users-search');
});

test('on a phone, asking to suspend someone keeps their card readable', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const admin = await context.newPage();
  await signIn(admin, 'admin@mealstream.test');
  await expect(admin).toHaveURL('/admin');
  await admin.goto('/admin/users?q=customer2%40');
  await expectLive(admin);
  const card = admin.locator('.users-table tbody tr');
  await expect(card).toHaveCount(1);
  await card.getByRole('button', { name: 'Suspend' }).tap();
  await expect(card.getByText('Suspend Cid Customer?')).toBeVisible();
  // The person's name keeps its width beside the question (it was
  // squeezed to a letter a line).
  const name = await card.locator('td[data-label="Name"]').boundingBox();
  expect(name!.width).toBeGreaterThan(150);
  await screenshot(admin, 'admin-users-confirm-phone');
  await card.getByRole('button', { name: 'Not now' }).tap();
  await expect(card.getByRole('button', { name: 'Suspend' })).toBeVisible();
});
