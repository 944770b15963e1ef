import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MODES } from '../support/harness.js';
import { http } from '../support/processes.js';
import { ADMIN, chromiumAvailable, loginUser, registerUser, signIn, useBrowser, useWebServer } from '../support/browser.js';

type ProductBody = { status: string; brandId: string | null; skus: { id: string; name: string; price: { amount: number; currency: string }; stock: number }[] };

// The seller centre in the browser: publish with a brand, edit a SKU, adjust stock (and be
// refused below zero), delist — each checked against the API.
for (const mode of MODES) {
  describe(`seller centre in the browser (${mode})`, { skip: !chromiumAvailable && 'Chromium is missing' }, () => {
    const web = useWebServer(mode);
    const browser = useBrowser();

    it('publish with a brand, edit a SKU, adjust stock, delist', async () => {
      const admin = await loginUser(web.url, ADMIN.username, ADMIN.password);
      const brand = await http('POST', `${web.url}/api/v1/admin/brands`, { token: admin.accessToken, body: { name: 'Longquan Kilns' } });
      assert.equal(brand.status, 201);
      const seller = await registerUser(web.url, 'sc_seller');
      const watched = await browser.open(`seller-centre-${mode}`, web.url);
      const { page } = watched;
      await signIn(watched, seller);

      await page.goto('/seller/products/new');
      await page.getByTestId('product-title').fill('Celadon cup');
      await page.getByTestId('product-brand').selectOption({ label: 'Longquan Kilns' });
      await page.getByTestId('sku-name-0').fill('Small');
      await page.getByTestId('sku-price-0').fill('9.90');
      await page.getByTestId('sku-stock-0').fill('4');
      await page.getByTestId('publish-product').click();
      await page.waitForURL(/\/seller\/products\/[0-9a-f-]{36}$/);
      const productId = page.url().split('/').pop() ?? '';
      const read = async (): Promise<ProductBody> => (await http('GET', `${web.url}/api/v1/products/${productId}`)).body as unknown as ProductBody;
      const published = await read();
      assert.equal(published.brandId, String(brand.body.id), 'published with the brand');
      const skuId = published.skus[0]?.id ?? '';
      assert.deepEqual(published.skus[0]?.price, { amount: 990, currency: 'CNY' });

      await page.getByTestId(`edit-sku-${skuId}`).click();
      await page.getByTestId(`sku-edit-name-${skuId}`).fill('Large');
      await page.getByTestId(`sku-edit-price-${skuId}`).fill('12.30');
      await page.getByTestId(`save-sku-${skuId}`).click();
      await page.getByText('Large').first().waitFor();
      for (let i = 0; i < 50 && (await read()).skus[0]?.price.amount !== 1230; i++) await new Promise((resolve) => setTimeout(resolve, 100));
      assert.deepEqual((await read()).skus[0]?.price, { amount: 1230, currency: 'CNY' }, 'the new price, in minor units');
      assert.equal((await read()).skus[0]?.name, 'Large');

      await page.getByTestId(`stock-delta-${skuId}`).fill('-3');
      await page.getByTestId(`adjust-stock-${skuId}`).click();
      await page.getByTestId(`sku-stock-value-${skuId}`).getByText('1', { exact: true }).waitFor();
      await page.getByTestId(`stock-delta-${skuId}`).fill('-2');
      await page.getByTestId(`adjust-stock-${skuId}`).click();
      await page.getByRole('alert').first().waitFor();
      assert.equal((await read()).skus[0]?.stock, 1, 'refused below zero: nothing changed');
      await watched.shot('edited');

      await page.getByTestId('delist-toggle').click();
      await page.locator('[data-testid=delist-toggle][data-status=delisted]').waitFor();
      assert.equal((await read()).status, 'delisted');
      await page.goto(`/products/${productId}`);
      await page.getByText('This product is no longer on sale.').first().waitFor();
      await watched.shot('delisted');
      assert.deepEqual(watched.errors.filter((e) => !/status of 409/.test(e)), []);
    });
  });
}
