// A person's mistake in a form is answered with a 4xx (never a 500) and a
// sentence next to the field (`.field-error`, the field aria-invalid and
// focused) or atop the form (`.form-error`). The browser logs the 4xx as
// "Failed to load resource": each test allows exactly the status it provokes.
import type { Locator, Page, Response } from '@playwright/test';
import {
  test,
  expect,
  allowConsole,
  apiAs,
  disputedOrder,
  placeOrder,
  signedInPage,
  staffApi,
  waitForHydration,
  signIn,
  expectLive,
} from './helpers';

const isSfn = (r: Response, name = '') => r.url().includes(`/_sfn/${name}`) && r.request().method() === 'POST';

/** Runs `act`, which posts to the server function `name`, and checks its answer. */
async function sfnAnswer(page: Page, name: string, status: number, act: () => Promise<unknown>) {
  const answer = page.waitForResponse((r) => isSfn(r, name));
  await act();
  const r = await answer;
  expect(r.status(), `${new URL(r.url()).pathname} answered ${r.status()}: ${await r.text()}`).toBe(status);
}

/** A sentence for a person, next to the field or atop the form; returns it. */
async function expectPersonError(page: Page, scope: Locator): Promise<string> {
  const shown = scope.locator('.field-error[role="alert"], .form-error[role="alert"]').filter({ visible: true });
  await expect(shown.first()).toBeVisible();
  const text = (await shown.first().innerText()).trim();
  expect(text, 'words, not a code').toMatch(/[a-z]{2,}\s+\S+/i);
  expect(text, 'not a debug dump').not.toMatch(/ServerFnError|server function|internal|panick|deserializ|[{}]/i);
  // A field error marks its field and puts the cursor there.
  if ((await scope.locator('.field-error').filter({ visible: true }).count()) > 0) {
    const invalid = scope.locator('[aria-invalid="true"]');
    await expect(invalid).not.toHaveCount(0);
    await expect(invalid.first()).toBeFocused();
  }
  return text;
}

const signInForm = (page: Page) => page.getByRole('form', { name: 'Sign in' });

/** The sign-in form, filled and sent; answers `status`. */
async function signInAnswering(page: Page, status: number, email: string, password: string) {
  await page.goto('/login');
  await waitForHydration(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await sfnAnswer(page, 'login', status, () => page.getByRole('button', { name: 'Sign in' }).click());
}
const registerForm = (page: Page) => page.getByRole('form', { name: 'Create account' });

test('sign in with a wrong password: 401 and a sentence', async ({ page }) => {
  allowConsole(page, /status of 401/);
  await signInAnswering(page, 401, 'customer@mealstream.test', 'not the password');
  await expectPersonError(page, signInForm(page));
  await expect(page).toHaveURL('/login');
});

test('sign in while suspended: 403, and it says the account is suspended', async ({ page, request }) => {
  const email = `suspended-${Date.now()}@example.com`;
  const password = 'a long enough password';
  const register = await request.post('/api/auth/register', { data: { name: 'Sue Spended', email, password } });
  expect(register.status(), await register.text()).toBe(201);
  const { id } = await register.json();
  const admin = await apiAs('admin@mealstream.test');
  await admin.call(`/api/admin/users/${id}/suspend`);

  allowConsole(page, /status of 403/);
  await signInAnswering(page, 403, email, password);
  const text = await expectPersonError(page, signInForm(page));
  expect(text).toMatch(/suspended/i);
  expect(text).not.toMatch(/wrong email or password/i);
  await expect(page).toHaveURL(/\/login/);
});

for (const [what, email, password] of [
  ['an email the server refuses', 'ann@localhost', 'a long enough password'],
  ['a short password', 'short-password@example.com', 'short'],
]) {
  test(`register with ${what}: 422 and a sentence`, async ({ page }) => {
    await page.goto('/register');
    await waitForHydration(page);
    // The browser's own checks would stop a person earlier; the server's are tested here.
    await registerForm(page).evaluate((form: HTMLFormElement) => (form.noValidate = true));
    await page.getByLabel('Your name').fill('Eve Tester');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    allowConsole(page, /status of 422/);
    await sfnAnswer(page, 'register', 422, () => page.getByRole('button', { name: 'Create account' }).click());
    await expectPersonError(page, registerForm(page));
    await expect(page).toHaveURL('/register');
  });
}

test('an admin refunds more than the order cost: 422 and a sentence', async ({ browser }) => {
  const { dispute } = await disputedOrder('customer2@mealstream.test');
  const admin = await signedInPage(browser, 'admin@mealstream.test');
  await admin.goto(`/admin/disputes/${dispute.id}`);
  await waitForHydration(admin);
  const card = admin.locator('.dispute-card');
  await card.getByLabel('Resolution').selectOption('partial_refund');
  await card.getByLabel(/Refund/).fill('999.00');
  allowConsole(admin, /status of 422/);
  await sfnAnswer(admin, 'settle_dispute', 422, () => card.getByRole('button', { name: 'Resolve' }).click());
  await expectPersonError(admin, card);
  await expect(card).toHaveAttribute('data-status', 'open');
});

test('restaurant staff type a price that is not a number: a sentence, never a 5xx', async ({ browser }) => {
  const staff = await signedInPage(browser, 'restaurant@mealstream.test');
  await staff.goto('/board/menu');
  await waitForHydration(staff);
  const item = staff.locator('.menu-edit').first();
  const price = item.getByLabel('Price (€)');
  const was = await price.inputValue();
  // The check may run in the page or on the server; if it posts, the answer is a 422.
  const answers: Response[] = [];
  staff.on('response', (r) => isSfn(r, 'edit_menu_item') && answers.push(r));
  allowConsole(staff, /status of 422/);
  await price.fill('abc');
  await item.getByRole('button', { name: 'Save' }).click();
  await expectPersonError(staff, item);
  expect(answers.map((r) => r.status()).filter((s) => s !== 422), 'server function answers').toEqual([]);
  // Nothing was saved.
  await staff.reload();
  await expect(staff.locator('.menu-edit').first().getByLabel('Price (€)')).toHaveValue(was);
});

test('a chat message over the limit is refused with a sentence, and not sent', async ({ browser }) => {
  const customer = await signedInPage(browser, 'customer2@mealstream.test');
  const orderId = await placeOrder(customer, 'Bifana');
  const staff = await staffApi();
  try {
    const chat = customer.locator('.chat');
    const box = chat.getByRole('textbox', { name: 'Message' });
    await expect(box).toBeVisible();
    // The textarea stops typing at 2000 characters; a pasted-in value does not.
    await box.evaluate((el: HTMLTextAreaElement) => {
      el.value = 'x'.repeat(2001);
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await chat.getByRole('button', { name: 'Send' }).click();
    await expectPersonError(customer, chat);
    await expect(chat.locator('.chat-msg')).toHaveCount(0);
  } finally {
    await staff.step(orderId, 'cancelled');
  }
});

test('the 404 page knows who is signed in', async ({ page }, testInfo) => {
  allowConsole(testInfo, /404/);
  await signIn(page, 'customer@mealstream.test');
  await expectLive(page);
  const response = await page.goto('/no/such/page');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await expect(page.locator('.account').getByRole('link', { name: 'Sign in' })).toHaveCount(0);
});
