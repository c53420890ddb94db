// Every role reloads in the middle of real work, and the page comes back as
// it was: same state, server-rendered, hydrated without complaint (the guard
// in helpers.ts fails the test otherwise) and live again.
import type { Page } from '@playwright/test';
import {
  test,
  expect,
  disputedOrder,
  driverOnReadyJob,
  expectLive,
  freeDriver,
  placeOrder,
  placeOrderViaApi,
  signedInPage,
  staffApi,
  waitForHydration,
} from './helpers';

async function reload(page: Page) {
  await page.reload();
  await waitForHydration(page);
  await expectLive(page);
}

/** What a customer sees of an order: the status pill and every step. */
function trackingState(page: Page) {
  return page.locator('.order-layout').evaluate((layout) => ({
    status: layout.getAttribute('data-status'),
    pill: layout.querySelector('.status-pill')?.textContent,
    current: layout.querySelector('.timeline')?.getAttribute('data-current'),
    steps: [...layout.querySelectorAll('.timeline .step')].map(
      (s) => `${s.getAttribute('data-status')} ${s.getAttribute('data-state')} ${s.querySelector('.step-time')?.textContent}`,
    ),
  }));
}

/** The board, column by column: which cards, in which status. */
function boardState(page: Page) {
  return page.locator('.board').evaluate((board) =>
    [...board.querySelectorAll('.board-column')].map((column) => ({
      column: column.getAttribute('data-status'),
      count: column.querySelector('.count')?.textContent,
      cards: [...column.querySelectorAll('.order-card')].map(
        (c) => `#${c.getAttribute('data-order-id')} ${c.getAttribute('data-status')}`,
      ),
    })),
  );
}

test('a customer tracking a moving order reloads: same order, live again', async ({ browser }) => {
  const customer = await signedInPage(browser, 'customer2@mealstream.test');
  const orderId = await placeOrder(customer, 'Bifana');
  const staff = await staffApi();
  try {
    await staff.step(orderId, 'confirmed');
    const timeline = customer.locator('.timeline');
    await expect(timeline).toHaveAttribute('data-current', 'confirmed');
    const before = await trackingState(customer);
    expect(before.pill).toBeTruthy();

    await reload(customer);
    await expect.poll(() => trackingState(customer)).toEqual(before);

    // Still live after the reload: the next step arrives by itself.
    await staff.step(orderId, 'preparing');
    await expect(timeline).toHaveAttribute('data-current', 'preparing');
    await expect(customer.locator('.order-layout .status-pill')).toHaveAttribute('data-status', 'preparing');
    await expect(customer.locator('.toast').filter({ hasText: 'Your meal is being prepared' })).toBeVisible();
  } finally {
    await staff.step(orderId, 'cancelled');
  }
});

test('restaurant staff reload the board: the same cards in the same columns', async ({ browser }) => {
  const board = await signedInPage(browser, 'restaurant@mealstream.test');
  await expect(board).toHaveURL('/board');
  const staff = await staffApi();
  const orders = [
    await placeOrderViaApi('customer2@mealstream.test'),
    await placeOrderViaApi('customer2@mealstream.test'),
    await placeOrderViaApi('customer2@mealstream.test'),
  ];
  const [placed, confirmed, preparing] = orders.map((o) => String(o.id));
  try {
    await staff.step(confirmed, 'confirmed');
    await staff.step(preparing, 'confirmed');
    await staff.step(preparing, 'preparing');
    const cardIn = (status: string, id: string) =>
      board.locator(`.board-column[data-status="${status}"] .order-card[data-order-id="${id}"]`);
    await expect(cardIn('placed', placed)).toBeVisible();
    await expect(cardIn('confirmed', confirmed)).toBeVisible();
    await expect(cardIn('preparing', preparing)).toBeVisible();
    const before = await boardState(board);

    await reload(board);
    await expect.poll(() => boardState(board)).toEqual(before);
    await expect(cardIn('placed', placed)).toBeVisible();
    await expect(cardIn('confirmed', confirmed)).toBeVisible();
    await expect(cardIn('preparing', preparing)).toBeVisible();
  } finally {
    for (const id of [placed, confirmed, preparing]) await staff.step(id, 'cancelled');
  }
});

test('a driver mid-delivery reloads: still online, same job, same chat', async ({ browser }) => {
  const { driver, customer, staff, orderId, job, ready } = await driverOnReadyJob(browser);
  try {
    await ready();
    await job.getByRole('button', { name: 'Picked up' }).click();
    await expect(job).toHaveAttribute('data-status', 'out_for_delivery');

    // A word each way.
    const customerChat = customer.locator('.chat');
    const driverChat = driver.locator('.chat');
    await customerChat.getByRole('textbox', { name: 'Message' }).fill('Ring at the blue door, please');
    await customerChat.getByRole('button', { name: 'Send' }).click();
    await expect(driverChat.locator('.chat-msg .chat-body')).toHaveText(['Ring at the blue door, please']);
    await driverChat.getByRole('textbox', { name: 'Message' }).fill('Two minutes away');
    await driverChat.getByRole('button', { name: 'Send' }).click();
    await expect(customerChat.locator('.chat-msg .chat-body')).toHaveText(['Ring at the blue door, please', 'Two minutes away']);
    await expect(driverChat.locator('.chat-msg:not(.pending) .chat-body')).toHaveCount(2);
    const messages = await driverChat.locator('.chat-msg .chat-body').allTextContents();

    await reload(driver);
    await expect(driver.locator('.driver-status')).toHaveAttribute('data-online', 'true');
    await expect(driver.getByRole('button', { name: /^Go (online|offline)$/ })).toHaveText('Go offline');
    await expect(driver.locator('.job')).toHaveCount(1);
    await expect(driver.locator(`.job[data-order-id="${orderId}"]`)).toHaveAttribute('data-status', 'out_for_delivery');
    await expect(driver.locator('.chat .chat-msg .chat-body')).toHaveText(messages);
  } finally {
    await freeDriver(driver, staff, orderId);
  }
});

test('an admin reloads an open dispute: the dispute and its order are there again', async ({ browser }) => {
  const { order, dispute } = await disputedOrder('customer2@mealstream.test');
  const admin = await signedInPage(browser, 'admin@mealstream.test');
  await admin.goto(`/admin/disputes/${dispute.id}`);
  await waitForHydration(admin);
  await expectLive(admin);
  const card = admin.locator(`.dispute-card[data-dispute-id="${dispute.id}"]`);
  const detail = admin.locator(`.order-layout[data-order-id="${order.id}"]`);
  await expect(card).toHaveAttribute('data-status', 'open');
  await expect(card).toContainText('A burger instead of the soup');
  await expect(card.getByRole('button', { name: 'Resolve' })).toBeVisible();
  await expect(detail.locator('.timeline')).toHaveAttribute('data-current', 'delivered');
  await expect(admin.locator('.chat')).toBeVisible();
  const before = { card: await card.innerText(), detail: await detail.innerText() };

  await reload(admin);
  await expect(card).toHaveAttribute('data-status', 'open');
  await expect(card.getByRole('button', { name: 'Resolve' })).toBeVisible();
  await expect(detail.locator('.timeline')).toHaveAttribute('data-current', 'delivered');
  await expect(admin.locator('.chat')).toBeVisible();
  await expect.poll(async () => ({ card: await card.innerText(), detail: await detail.innerText() })).toEqual(before);
});
