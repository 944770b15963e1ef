import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MODES } from '../support/harness.js';
import { http } from '../support/processes.js';
import { chromiumAvailable, PHONE, registerUser, signIn, useBrowser, useWebServer, type WatchedPage } from '../support/browser.js';

/** Registers through the registration page; the app signs the new user in. */
async function registerInBrowser(watched: WatchedPage, username: string): Promise<void> {
  const { page } = watched;
  await page.goto('/register');
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill('password-123');
  await page.getByTestId('auth-submit').click();
  // Registered and signed in, the app goes on to the home page (pages for users only follow).
  await page.getByTestId('home-sales-active').waitFor();
  assert.ok(!page.url().includes('/register'), 'left the registration page');
}

/** Only the refusals a journey causes on purpose may show up as console errors. */
function unexpected(errors: string[]): string[] {
  return errors.filter((error) => !/status of (401|404|409)/.test(error));
}

// Journey: the seller publishes a product; a buyer registers, recharges through the sandbox
// checkout page, buys it and pays; the seller ships; the buyer confirms receipt.
for (const mode of MODES) {
  describe(`buyer journey in the browser (${mode})`, { skip: !chromiumAvailable && 'Chromium is missing' }, () => {
    const web = useWebServer(mode);
    const browser = useBrowser();

    it('publish → register → recharge (sandbox) → buy → pay → ship → confirm receipt', async () => {
      const journey = `buyer-journey-${mode}`;
      const seller = await registerUser(web.url, 'bj_seller');
      const sellerPage = await browser.open(journey, web.url);
      await signIn(sellerPage, seller);

      // The seller publishes the product through the seller centre.
      const title = `Celadon vase ${Math.random().toString(36).slice(2, 7)}`;
      await sellerPage.page.goto('/seller/products/new');
      await sellerPage.page.getByTestId('product-title').fill(title);
      await sellerPage.page.getByTestId('product-description').fill('Hand-thrown, glazed in Longquan.');
      await sellerPage.page.getByTestId('sku-name-0').fill('Tall');
      await sellerPage.page.getByTestId('sku-price-0').fill('35.50');
      await sellerPage.page.getByTestId('sku-stock-0').fill('4');
      await sellerPage.shot('seller-publishes');
      await sellerPage.page.getByTestId('publish-product').click();
      await sellerPage.page.waitForURL(/\/seller\/products\/[0-9a-f-]{36}$/);
      const productId = sellerPage.page.url().split('/').pop() ?? '';

      // A buyer registers (phone width), then recharges 100.00 CNY through the sandbox checkout.
      const buyerPage = await browser.open(journey, web.url, { viewport: PHONE });
      const { page } = buyerPage;
      const buyerName = `bj_buyer_${Math.random().toString(36).slice(2, 7)}`;
      await registerInBrowser(buyerPage, buyerName);
      await page.goto('/account/wallet');
      await page.getByTestId('recharge-amount').fill('100');
      await page.getByTestId('recharge-submit').click();
      await page.waitForURL(/\/sandbox\/pay\//);
      await buyerPage.shot('sandbox-checkout');
      await page.getByRole('button', { name: 'Pay' }).click();
      await page.waitForURL(/\/account\/wallet\?recharge=/);
      await page.locator('[data-testid=recharge-result][data-status=succeeded]').waitFor({ timeout: 20_000 });
      await page.locator('[data-testid=wallet-available-CNY][data-amount="10000"]').waitFor();
      await buyerPage.shot('recharged');

      // It finds the product, buys it, and pays from the wallet.
      await page.goto(`/search?q=${encodeURIComponent(title.split(' ')[0] ?? '')}`);
      await page.locator(`[data-testid=product-card][data-product-id="${productId}"]`).click();
      await page.getByTestId('product-heading').waitFor();
      await page.getByTestId('buy-now').click();
      await page.waitForURL(/\/checkout/);
      await page.getByTestId('address-recipient').fill('Li Wei');
      await page.getByTestId('address-phone').fill('+86 138 0000 0000');
      await page.getByTestId('address-line1').fill('88 Xihu Road');
      await page.getByTestId('address-city').fill('Hangzhou');
      await buyerPage.shot('checkout');
      await page.getByTestId('place-order').click();
      await page.waitForURL(/\/account\/orders\/[0-9a-f-]{36}$/);
      const orderId = page.url().split('/').pop() ?? '';
      await page.locator('[data-testid=order-status][data-status=pending_payment]').waitFor();
      await page.getByTestId('pay-wallet').click();
      await page.locator('[data-testid=order-status][data-status=paid]').waitFor();
      await buyerPage.shot('paid');

      // The seller ships it from the orders to ship.
      await sellerPage.page.goto('/seller/orders');
      const row = sellerPage.page.locator(`[data-testid=seller-order-row][data-order-id="${orderId}"]`);
      await row.getByTestId('ship-carrier').fill('SF Express');
      await row.getByTestId('ship-tracking').fill('SF1234567890');
      await row.getByTestId('ship-order').click();
      await sellerPage.page.locator(`[data-testid=seller-order-row][data-order-id="${orderId}"][data-status=shipped]`).waitFor();
      await sellerPage.shot('shipped');

      // The buyer confirms receipt; the seller is paid from escrow.
      await page.goto(`/account/orders/${orderId}`);
      await page.locator('[data-testid=order-status][data-status=shipped]').waitFor();
      await page.getByTestId('confirm-receipt').click();
      await page.locator('[data-testid=order-status][data-status=completed]').waitFor();
      await buyerPage.shot('completed');

      const order = await http('GET', `${web.url}/api/v1/orders/${orderId}`, { token: seller.accessToken });
      assert.equal(order.body.status, 'completed');
      assert.deepEqual(order.body.total, { amount: 3550, currency: 'CNY' });
      const wallet = await http('GET', `${web.url}/api/v1/wallet`, { token: seller.accessToken });
      const cny = (wallet.body.accounts as { currency: string; available: number }[]).find((a) => a.currency === 'CNY');
      assert.equal(cny?.available, 3550, 'the seller was paid on receipt');
      await page.goto('/account/wallet');
      await page.locator('[data-testid=wallet-available-CNY][data-amount="6450"]').waitFor();
      assert.deepEqual(unexpected(buyerPage.errors), []);
      assert.deepEqual(unexpected(sellerPage.errors), []);
    });
  });
}
