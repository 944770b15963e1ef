import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MODES } from '../support/harness.js';
import { http } from '../support/processes.js';
import { chromiumAvailable, PHONE, registerUser, signIn, useBrowser, useWebServer } from '../support/browser.js';
import { publishProduct } from './seed.js';

/** `Date` → the value a datetime-local input takes, in UTC (the browser contexts run in UTC). */
function localInput(date: Date): string {
  return date.toISOString().slice(0, 19);
}

// Journey: a seller schedules a flash sale of one unit; two buyers wait on the countdown page,
// both press buy, exactly one wins, and both see their result without reloading.
for (const mode of MODES) {
  describe(`flash-sale journey in the browser (${mode})`, { skip: !chromiumAvailable && 'Chromium is missing' }, () => {
    const web = useWebServer(mode);
    const browser = useBrowser();

    it('the seller schedules a sale; two buyers press buy at once; one wins the last unit and both see it live', async () => {
      const seller = await registerUser(web.url, 'fj_seller');
      const product = await publishProduct(web.url, seller, 'Limited lantern', { stock: 3, price: 5000 });

      const sellerPage = await browser.open(`flash-journey-${mode}`, web.url, { timezoneId: 'UTC' });
      await signIn(sellerPage, seller);
      await sellerPage.page.goto(`/seller/flash-sales/new?skuId=${product.skuId}`);
      const startsAt = new Date(Date.now() + 20_000);
      await sellerPage.page.getByTestId('flash-price').fill('9.90');
      await sellerPage.page.getByTestId('flash-quantity').fill('1');
      await sellerPage.page.getByTestId('flash-starts-at').fill(localInput(startsAt));
      await sellerPage.page.getByTestId('flash-ends-at').fill(localInput(new Date(startsAt.getTime() + 3_600_000)));
      await sellerPage.shot('seller-creates-sale');
      await sellerPage.page.getByTestId('create-flash-sale').click();
      await sellerPage.page.waitForURL(/\/flash-sales\/[0-9a-f-]{36}$/);
      const saleId = sellerPage.page.url().split('/').pop() ?? '';
      const sale = await http('GET', `${web.url}/api/v1/flash-sales/${saleId}`);
      assert.equal(sale.body.quantity, 1);
      assert.deepEqual(sale.body.price, { amount: 990, currency: 'CNY' });
      assert.equal(sale.body.status, 'scheduled');

      const buyers = await Promise.all([registerUser(web.url, 'fj_a'), registerUser(web.url, 'fj_b')]);
      const pages = await Promise.all(
        buyers.map(async (buyer, index) => {
          const watched = await browser.open(`flash-journey-${mode}`, web.url, { timezoneId: 'UTC', ...(index === 1 && { viewport: PHONE }) });
          await signIn(watched, buyer);
          await watched.page.goto(`/flash-sales/${saleId}`);
          await watched.page.getByTestId('countdown').waitFor();
          assert.equal(await watched.page.getByTestId('flash-buy').isDisabled(), true, 'no buying before the start');
          return watched;
        }),
      );
      await pages[0]?.shot('buyer-a-countdown');
      await pages[1]?.shot('buyer-b-countdown');

      // The sale turns active by itself (a durable job) and the pages learn it over SSE.
      await Promise.all(pages.map((watched) => watched.page.getByTestId('flash-buy').and(watched.page.locator(':enabled')).waitFor({ timeout: 40_000 })));
      await Promise.all(pages.map((watched) => watched.page.getByTestId('flash-buy').click()));
      for (const watched of pages) assert.equal(await watched.page.getByTestId('flash-buy').isDisabled(), true, 'the button greys out after a press');

      // Each buyer sees an answer without reloading: a result, or the sold-out refusal.
      const outcomes = await Promise.all(
        pages.map(async (watched) => {
          const { page } = watched;
          const done = page.locator('[data-testid=purchase-result][data-status=succeeded], [data-testid=purchase-result][data-status=failed], [role=alert]');
          await done.first().waitFor({ timeout: 20_000 });
          const status = (await page.getByTestId('purchase-result').getAttribute('data-status').catch(() => null)) ?? 'refused';
          return status;
        }),
      );
      assert.deepEqual([...outcomes].sort().filter((o) => o === 'succeeded'), ['succeeded'], `exactly one winner: ${outcomes.join(', ')}`);
      const winner = pages[outcomes.indexOf('succeeded')];
      assert.ok(winner);
      await winner.page.getByTestId('pay-within').waitFor();
      assert.match(await winner.page.getByTestId('pay-within').innerText(), /Pay within \d\d:\d\d/);
      for (const watched of pages) {
        await watched.page.getByTestId('remaining').getByText('0', { exact: true }).waitFor();
        await watched.shot('after-press');
      }
      const after = await http('GET', `${web.url}/api/v1/flash-sales/${saleId}`);
      assert.equal(after.body.remaining, 0);
      assert.equal(after.body.status, 'sold_out');
      const winnerIndex = outcomes.indexOf('succeeded');
      const orders = await http('GET', `${web.url}/api/v1/orders?status=pending_payment`, { token: buyers[winnerIndex]?.accessToken });
      assert.equal((orders.body.items as { source: string }[]).filter((o) => o.source === 'flash_sale').length, 1, 'the winner has the flash order');
      const loserOrders = await http('GET', `${web.url}/api/v1/orders`, { token: buyers[1 - winnerIndex]?.accessToken });
      assert.equal((loserOrders.body.items as unknown[]).length, 0, 'the other buyer has none');
      for (const watched of [sellerPage, ...pages]) assert.deepEqual(watched.errors.filter((e) => !/409/.test(e)), [], 'no console errors beyond the refused purchase');
    });
  });
}
