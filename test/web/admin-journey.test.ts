import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MODES } from '../support/harness.js';
import { http } from '../support/processes.js';
import { ADMIN, chromiumAvailable, PHONE, registerUser, signIn, useBrowser, useWebServer } from '../support/browser.js';
import { createFlashSale, publishProduct } from './seed.js';

/** An order placed and paid through the sandbox provider (paid once its webhook lands). */
async function paidOrder(url: string, token: string, skuId: string): Promise<string> {
  const placed = await http('POST', `${url}/api/v1/orders`, { token, body: { items: [{ skuId, quantity: 2 }] } });
  assert.equal(placed.status, 201, JSON.stringify(placed.body));
  const orderId = String(placed.body.id);
  const pay = await http('POST', `${url}/api/v1/orders/${orderId}/pay`, { token, body: { method: 'sandbox' } });
  const paymentId = String((pay.body.payment as { id: string }).id);
  assert.equal((await http('POST', `${url}/sandbox/api/payments/${paymentId}/succeed`)).status, 200);
  for (let i = 0; i < 100; i++) {
    if ((await http('GET', `${url}/api/v1/orders/${orderId}`, { token })).body.status === 'paid') return orderId;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the sandbox payment never landed');
}

// Journey: an admin logs in, reads the statistics, manages the catalog, starts a sale, and
// finds each of those actions in the audit log; a non-admin is kept out.
for (const mode of MODES) {
  describe(`admin journey in the browser (${mode})`, { skip: !chromiumAvailable && 'Chromium is missing' }, () => {
    const web = useWebServer(mode);
    const browser = useBrowser();

    it('statistics, a new category, a sale started now, and the audit log of both', async () => {
      const seller = await registerUser(web.url, 'aj_seller');
      const buyer = await registerUser(web.url, 'aj_buyer');
      const product = await publishProduct(web.url, seller, 'Porcelain bowl', { price: 1250, stock: 10 });
      await paidOrder(web.url, buyer.accessToken, product.skuId);
      const saleId = await createFlashSale(web.url, seller, product.skuId, { quantity: 2, startsInSeconds: 3600 });

      const watched = await browser.open(`admin-journey-${mode}`, web.url);
      const { page } = watched;
      await page.goto('/login?next=%2Fadmin');
      await page.locator('input[name=username]').fill(ADMIN.username);
      await page.locator('input[name=password]').fill(ADMIN.password);
      await page.getByTestId('auth-submit').click();
      await page.getByTestId('stat-orders').getByText('1', { exact: true }).waitFor();
      assert.equal((await page.getByTestId('stat-paid-orders').locator('.value').innerText()).trim(), '1');
      assert.equal((await page.getByTestId('stat-users').locator('.value').innerText()).trim(), '3', 'admin, seller, buyer');
      assert.equal((await page.getByTestId('stat-flash-sales').locator('.value').innerText()).trim(), '1');
      assert.match(await page.getByTestId('stat-gmv').innerText(), /25\.00/, 'two bowls at 12.50');
      await page.getByTestId('chart-orders').waitFor();
      await watched.shot('statistics');

      await page.goto('/admin/orders');
      await page.getByTestId('order-buyer').getByText(buyer.username).waitFor();
      assert.equal(await page.getByTestId('order-seller').first().innerText(), seller.username, 'orders name their parties');

      await page.goto('/admin/catalog');
      await page.getByTestId('create-category-name').fill('Tea ware');
      await page.getByTestId('create-category-submit').click();
      await page.getByTestId('category-name').getByText('Tea ware').waitFor();

      await page.goto('/admin/flash-sales?status=scheduled');
      await page.locator(`[data-testid=start-sale][data-sale-id="${saleId}"]`).click();
      await page.locator(`[data-testid=sale-row][data-sale-id="${saleId}"][data-status=active]`).waitFor();
      assert.equal((await http('GET', `${web.url}/api/v1/flash-sales/${saleId}`)).body.status, 'active');

      await page.goto('/admin/audit-log');
      await page.locator('[data-testid=audit-row][data-action="categories.create"][data-status="201"]').waitFor();
      await page.locator('[data-testid=audit-row][data-action="flash-sales.start"][data-status="200"]').waitFor();
      assert.equal(await page.getByTestId('audit-row').count(), 2, 'one row per admin mutation, none for reads');
      await watched.shot('audit-log');
      assert.deepEqual(watched.errors, []);

      // Someone who is not an administrator sees no console, in the browser or through the API.
      const outsider = await browser.open(`admin-journey-${mode}`, web.url, { viewport: PHONE });
      await signIn(outsider, buyer);
      await outsider.page.goto('/admin/audit-log');
      await outsider.page.getByText('Only administrators can see this page.').waitFor();
      await outsider.shot('not-an-admin');
      assert.equal((await http('GET', `${web.url}/api/v1/admin/audit-log`, { token: buyer.accessToken })).status, 403);
    });
  });
}
