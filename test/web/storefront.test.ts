import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MODES } from '../support/harness.js';
import { chromiumAvailable, DESKTOP, PHONE, signIn, useBrowser, useWebServer } from '../support/browser.js';
import { seedShop } from './seed.js';

// The storefront in a real browser: what a visitor sees, in both languages, at both widths.
for (const mode of MODES) {
  describe(`storefront in the browser (${mode})`, { skip: !chromiumAvailable && 'Chromium is missing' }, () => {
    const web = useWebServer(mode);
    const browser = useBrowser();

    it('home, search, product and flash-sale pages show the seeded shop without console errors, at desktop and phone widths', async () => {
      const shop = await seedShop(web.url);
      for (const [name, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
        const watched = await browser.open(`storefront-${mode}-${name}`, web.url, { viewport });
        const { page } = watched;
        await page.goto('/');
        await page.getByTestId('home-sales-scheduled').getByText('Bamboo tea set').waitFor();
        await page.getByTestId('product-card').first().waitFor();
        await watched.shot('home');
        await page.goto('/search?q=bamboo');
        await page.getByText('Results for “bamboo”').waitFor();
        await page.getByTestId('product-card').first().waitFor();
        assert.equal(await page.getByTestId('product-card').count(), 1, 'the search finds the product');
        await page.goto('/search?q=nonexistentthing');
        await page.getByText('No products match').waitFor();
        await watched.shot('search-empty');
        await page.goto(`/products/${shop.product.id}`);
        await page.getByTestId('product-heading').getByText('Bamboo tea set').waitFor();
        assert.match(await page.getByTestId('sku-stock').innerText(), /15 in stock/, '20 minus the 5 moved into the sale');
        await watched.shot('product');
        await page.goto(`/flash-sales/${shop.saleId}`);
        await page.getByTestId('countdown').waitFor();
        assert.equal(await page.getByTestId('remaining').innerText(), '5');
        await watched.shot('flash-sale-countdown');
        await page.goto('/flash-sales?status=scheduled');
        await page.getByTestId('flash-sale-card').first().waitFor();
        await page.goto('/nowhere/at/all');
        await page.getByText('This page does not exist.').waitFor();
        assert.deepEqual(watched.errors, [], `no console errors at ${name} width`);
      }
    });

    it('a visitor who is not signed in is sent to log in, and comes back after registering', async () => {
      const watched = await browser.open(`storefront-${mode}-login`, web.url);
      const { page } = watched;
      await page.goto('/cart');
      await page.getByTestId('auth-submit').waitFor();
      assert.match(page.url(), /\/login\?next=%2Fcart$/, 'sent to log in, remembering where it was going');
      await page.getByRole('link', { name: 'Register' }).last().click();
      const username = `web_${Math.random().toString(36).slice(2, 9)}`;
      await page.locator('input[name=username]').fill(username);
      await page.locator('input[name=password]').fill('short');
      await page.getByTestId('auth-submit').click();
      assert.ok(page.url().includes('/register'), 'the browser refuses a password under 8 characters');
      await page.locator('input[name=password]').fill('password-123');
      await page.getByTestId('auth-submit').click();
      await page.getByText('Your cart is empty.').waitFor();
      assert.match(page.url(), /\/cart$/, 'back where it was going');
      await watched.shot('empty-cart');
      await page.getByRole('button', { name: new RegExp(`Log out \\(${username}\\)`) }).click();
      await page.getByRole('link', { name: 'Log in' }).waitFor();
      await page.goto('/login');
      await page.locator('input[name=username]').fill(username);
      await page.locator('input[name=password]').fill('wrong-password');
      await page.getByTestId('auth-submit').click();
      await page.getByText('Wrong username or password.').waitFor();
      assert.deepEqual(watched.errors.filter((e) => !e.includes('401')), [], 'only the expected 401 of the wrong password');
    });

    it('speaks Chinese to a Chinese browser and switches to English on request', async () => {
      const shop = await seedShop(web.url);
      const watched = await browser.open(`storefront-${mode}-zh`, web.url, { locale: 'zh-CN', viewport: PHONE });
      const { page } = watched;
      await signIn(watched, shop.buyer);
      await page.goto(`/flash-sales/${shop.saleId}`);
      await page.getByText('距开始').waitFor();
      await page.getByText('每人限购 1 件').waitFor();
      await watched.shot('zh');
      await page.getByRole('button', { name: '菜单' }).click();
      await page.getByTestId('language').selectOption('en');
      await page.getByText('Starts in').waitFor();
      await page.reload();
      await page.getByText('Starts in').waitFor();
      assert.deepEqual(watched.errors, []);
    });
  });
}
