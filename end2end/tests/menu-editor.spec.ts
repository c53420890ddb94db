import { test, expect, apiAs, screenshot, signIn, signedInPage, waitForHydration } from './helpers';
import type { Page } from '@playwright/test';

// Sakura Bairro's kitchen keeps its menu while a customer has it open.
const STAFF = 'restaurant2@mealstream.test';

async function openEditor(page: Page) {
  await page.goto('/board/menu');
  await waitForHydration(page);
  await expect(page.locator('.menu-edit').first()).toBeVisible();
}

test('staff edit a row and add an item; only a changed row offers Save, and an open menu follows', async ({ browser }) => {
  const api = await apiAs(STAFF);
  const restaurantId = (await api.get('/api/me')).restaurantId;
  const before = (await api.get(`/api/restaurants/${restaurantId}`)).menu;
  const first = before[0];
  const staff = await signedInPage(browser, STAFF);
  const customer = await signedInPage(browser, 'customer2@mealstream.test');
  try {
    await customer.goto(`/restaurants/${restaurantId}`);
    await waitForHydration(customer);
    await expect(customer.locator('.menu-list')).toHaveAttribute('data-live', 'true');

    await openEditor(staff);
    // A quiet editor: nothing changed, nothing to save.
    await expect(staff.getByRole('button', { name: 'Save' })).toHaveCount(0);
    const row = staff.locator(`.menu-edit[data-menu-item-id="${first.id}"]`);
    const renamed = `${first.name} (large)`;
    await row.getByLabel('Name').fill(renamed);
    await row.getByLabel('Description').fill('Now with extra wasabi');
    await row.getByLabel('Price (€)').fill(((first.priceCents + 250) / 100).toFixed(1).replace('.', ','));
    await expect(row).toHaveAttribute('data-changed', 'true');
    await expect(staff.getByRole('button', { name: 'Save' })).toHaveCount(1);
    await screenshot(staff, 'menu-editor-row-changed');

    // Typing it back is no change; Undo puts back what is saved.
    await row.getByRole('button', { name: 'Undo' }).click();
    await expect(row.getByLabel('Name')).toHaveValue(first.name);
    await expect(row).toHaveAttribute('data-changed', 'false');
    await expect(staff.getByRole('button', { name: 'Save' })).toHaveCount(0);

    await row.getByLabel('Name').fill(renamed);
    await row.getByLabel('Price (€)').fill(((first.priceCents + 250) / 100).toFixed(2));
    await row.getByLabel('Available').uncheck();
    // A double tap saves once: the button is gone once the first lands.
    const saves: string[] = [];
    staff.on('request', (r) => r.url().includes('/_sfn/edit_menu_item') && saves.push(r.url()));
    await row.getByRole('button', { name: 'Save' }).dblclick();
    await expect(row.getByRole('status')).toHaveText('Saved');
    await expect(row).toHaveAttribute('data-changed', 'false');
    await expect(staff.getByRole('button', { name: 'Save' })).toHaveCount(0);
    expect(saves).toHaveLength(1);

    // The customer's open menu has it within a second or two.
    const shown = customer.locator(`.menu-item[data-menu-item-id="${first.id}"]`);
    await expect(shown.locator('h2')).toHaveText(renamed, { timeout: 2000 });
    await expect(shown.locator('.price')).toHaveText(`€${((first.priceCents + 250) / 100).toFixed(2)}`);
    await expect(shown).toHaveAttribute('data-available', 'false');

    // A new item, added at the end of both lists, and orderable at once.
    const name = `Matcha mochi ${Date.now() % 100000}`;
    await staff.getByRole('button', { name: 'New item' }).click();
    const form = staff.locator('#new-item');
    await form.getByLabel('Name').fill(name);
    await form.getByLabel('Description (optional)').fill('Two pieces');
    await form.getByLabel('Price (€)').fill('zero');
    await form.getByRole('button', { name: 'Add item' }).click();
    await expect(form.locator('.field-error')).toContainText('12.50');
    await expect(form.getByLabel('Price (€)')).toHaveAttribute('aria-invalid', 'true');
    await form.getByLabel('Price (€)').fill('3.20');
    await form.getByRole('button', { name: 'Add item' }).click();
    await expect(form.getByRole('status')).toHaveText(`Added ${name} at the end of the menu.`);
    await expect(staff.locator('.menu-edit').last().getByLabel('Name')).toHaveValue(name);
    await screenshot(staff, 'menu-editor-added');
    const added = customer.locator('.menu-item').last();
    await expect(added.locator('h2')).toHaveText(name, { timeout: 2000 });
    await expect(added.locator('.price')).toHaveText('€3.20');
    await added.getByRole('button', { name: `Add ${name} to cart` }).click();
    await expect(customer.locator('.cart')).toContainText(name);

    // A reload shows what was saved, in both places.
    await staff.reload();
    await waitForHydration(staff);
    await expect(row.getByLabel('Name')).toHaveValue(renamed);
    await expect(row.getByLabel('Available')).not.toBeChecked();
    await expect(staff.locator('.menu-edit').last().getByLabel('Name')).toHaveValue(name);
    await customer.reload();
    await waitForHydration(customer);
    await expect(customer.locator('.menu-item').last().locator('h2')).toHaveText(name);
  } finally {
    await api.ctx.patch(`/api/menu-items/${first.id}`, {
      data: { name: first.name, description: first.description, priceCents: first.priceCents, available: true },
    });
    await customer.evaluate(() => localStorage.removeItem('mealstream.cart'));
  }
});

test('on a phone the menu editor fits the screen, one field under another', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await signIn(page, STAFF);
  await expect(page).toHaveURL('/board');
  await openEditor(page);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(390);
  const row = page.locator('.menu-edit').first();
  await row.getByLabel('Price (€)').fill('9.99');
  await expect(row.getByRole('button', { name: 'Save' })).toBeInViewport();
  await screenshot(page, 'menu-editor-390');
});
