import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MODES } from '../support/harness.js';
import { http } from '../support/processes.js';
import { ADMIN, chromiumAvailable, DESKTOP, loginUser, PHONE, signIn, useBrowser, useWebServer, type ApiUser, type WatchedPage } from '../support/browser.js';
import { seedShop } from './seed.js';

/** Waits until the page has no loading indicator left (every fetch answered). */
async function settled(watched: WatchedPage): Promise<void> {
  const deadline = Date.now() + 15_000;
  while ((await watched.page.locator('.state.loading, .spinner').count()) > 0) {
    if (Date.now() > deadline) throw new Error(`still loading: ${watched.page.url()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface Visit {
  who: 'visitor' | 'buyer' | 'seller' | 'admin';
  path: string;
}

function visits(ids: { productId: string; saleId: string; orderId: string }): Visit[] {
  const as = (who: Visit['who'], paths: string[]): Visit[] => paths.map((path) => ({ who, path }));
  return [
    ...as('visitor', ['/', '/search?q=tea', `/products/${ids.productId}`, '/flash-sales', `/flash-sales/${ids.saleId}`, '/login', '/register']),
    ...as('buyer', ['/cart', '/checkout', '/account/orders', `/account/orders/${ids.orderId}`, '/account/wallet', '/account/coupons', '/account/notifications', '/account/addresses']),
    ...as('seller', ['/seller', '/seller/products', '/seller/products/new', `/seller/products/${ids.productId}`, '/seller/flash-sales', '/seller/flash-sales/new', '/seller/coupons', '/seller/orders']),
    ...as('admin', ['/admin', '/admin/users', '/admin/orders', '/admin/flash-sales', '/admin/catalog', '/admin/audit-log']),
  ];
}

// Every page of the app renders its content, with no console error, no error box and nothing
// wider than the screen, at desktop and at phone width.
for (const mode of MODES) {
  describe(`every page in the browser (${mode})`, { skip: !chromiumAvailable && 'Chromium is missing' }, () => {
    const web = useWebServer(mode);
    const browser = useBrowser();

    it('renders every page without console errors at desktop and phone widths', async () => {
      const shop = await seedShop(web.url);
      const placed = await http('POST', `${web.url}/api/v1/orders`, { token: shop.buyer.accessToken, body: { items: [{ skuId: shop.product.skuId, quantity: 1 }] } });
      assert.equal(placed.status, 201);
      const admin = await loginUser(web.url, ADMIN.username, ADMIN.password);
      const users: Record<Visit['who'], ApiUser | undefined> = { visitor: undefined, buyer: shop.buyer, seller: shop.seller, admin };
      const all = visits({ productId: shop.product.id, saleId: shop.saleId, orderId: String(placed.body.id) });

      for (const [width, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
        for (const who of ['visitor', 'buyer', 'seller', 'admin'] as const) {
          const watched = await browser.open(`pages-${mode}-${width}`, web.url, { viewport });
          const user = users[who];
          if (user) await signIn(watched, user);
          for (const visit of all.filter((v) => v.who === who)) {
            await watched.page.goto(visit.path);
            await watched.page.locator('main.page > *').first().waitFor();
            await settled(watched);
            const label = `${who} ${visit.path} at ${width}`;
            assert.equal(await watched.page.locator('[role=alert]').count(), 0, `no error shown on ${label}: ${await watched.page.locator('main').innerText()}`);
            assert.ok(!(await watched.page.locator('main').innerText()).includes('This page does not exist'), `${label} exists`);
            const overflow = Number(await watched.page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
            assert.ok(overflow <= 1, `${label} is ${overflow}px wider than the screen`);
            await watched.shot(`${who}${visit.path.replace(/[/?=]+/g, '-').replace(/-[0-9a-f-]{36}/, '-id')}`);
          }
          assert.deepEqual(watched.errors, [], `no console errors for the ${who} at ${width}`);
        }
      }
    });
  });
}
