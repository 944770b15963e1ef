import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { before, describe, it } from 'node:test';
import type { Response } from './support/client.js';
import { MODES, useTestApp } from './support/harness.js';
import { assertAuditClean, assertProblem, type Money, type Page } from './support/wallet-helpers.js';

interface Sku {
  id: string;
  name: string;
  attributes: Record<string, string>;
  price: Money;
  stock: number;
}

interface Product {
  id: string;
  sellerId: string;
  title: string;
  description: string;
  status: 'listed' | 'delisted';
  categoryId: string | null;
  brandId: string | null;
  images: string[];
  skus: Sku[];
  createdAt: string;
}

interface Category {
  id: string;
  parentId: string | null;
  name: string;
  position: number;
}

interface CategoryNode extends Category {
  children: CategoryNode[];
}

interface Brand {
  id: string;
  name: string;
  logoUrl: string | null;
}

interface SkuBody {
  name?: string;
  attributes?: Record<string, string>;
  price: Money;
  stock: number;
}

interface User {
  id: string;
  token: string;
}

const PRODUCT_KEYS = ['brandId', 'categoryId', 'createdAt', 'description', 'id', 'images', 'sellerId', 'skus', 'status', 'title'];
const SKU_KEYS = ['attributes', 'id', 'name', 'price', 'stock'];
const ADMIN = { username: 'catalog_admin', password: 'catalog admin password' };

/** A unique username (3–32 of [A-Za-z0-9_]). */
const uname = (prefix: string): string => `${prefix}_${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

const sku = (amount: number, stock: number, currency = 'CNY', extra: Partial<SkuBody> = {}): SkuBody => ({ price: { amount, currency }, stock, ...extra });

for (const mode of MODES) {
  describe(`catalog (${mode})`, () => {
    const ctx = useTestApp(mode, { FLASHMART_ADMIN_USERNAME: ADMIN.username, FLASHMART_ADMIN_PASSWORD: ADMIN.password });
    let adminToken = '';

    before(async () => {
      const res = await ctx.api.post<{ accessToken: string; user: { roles: string[] } }>('/api/v1/auth/login', { body: ADMIN });
      assert.equal(res.status, 200, res.text);
      assert.ok(res.body.user.roles.includes('admin'), 'the bootstrap user is an administrator');
      adminToken = res.body.accessToken;
    });

    async function user(prefix: string): Promise<User> {
      const registered = await ctx.api.register(uname(prefix));
      return { id: registered.user.id, token: registered.accessToken };
    }

    async function createProduct(token: string, body: Record<string, unknown>): Promise<Product> {
      const res = await ctx.api.post<Product>('/api/v1/products', { token, body });
      assert.equal(res.status, 201, res.text);
      return res.body;
    }

    async function getProduct(id: string): Promise<Product> {
      const res = await ctx.api.get<Product>(`/api/v1/products/${id}`);
      assert.equal(res.status, 200, res.text);
      return res.body;
    }

    async function list(query: string, token?: string): Promise<Page<Product>> {
      const url = token ? `/api/v1/me/products?${query}` : `/api/v1/products?${query}`;
      const res = await ctx.api.get<Page<Product>>(url, token ? { token } : {});
      assert.equal(res.status, 200, `${url}: ${res.text}`);
      return res.body;
    }

    /** Every page of a list, walked by cursor; fails on a duplicate. */
    async function walk(query: string, limit: number, token?: string): Promise<{ ids: string[]; pages: number }> {
      const ids: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: Page<Product> = await list(`${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, token);
        pages++;
        assert.ok(page.items.length <= limit, 'at most limit items');
        for (const item of page.items) {
          assert.ok(!ids.includes(item.id), `product ${item.id} appears twice`);
          ids.push(item.id);
        }
        if (page.nextCursor !== null) assert.equal(page.items.length, limit, 'a page with a next cursor is full');
        cursor = page.nextCursor;
        assert.ok(pages < 500, 'the walk ends');
      } while (cursor !== null);
      return { ids, pages };
    }

    const ids = (page: Page<Product>): string[] => page.items.map((p) => p.id);

    async function adminPost<T>(url: string, body: unknown): Promise<T> {
      const res = await ctx.api.post<T>(url, { token: adminToken, body });
      assert.equal(res.status, 201, `${url}: ${res.text}`);
      return res.body;
    }

    const createCategory = (name: string, parentId: string | null = null, position?: number): Promise<Category> =>
      adminPost<Category>('/api/v1/admin/categories', { name, parentId, ...(position === undefined ? {} : { position }) });
    const createBrand = (name: string, logoUrl?: string): Promise<Brand> => adminPost<Brand>('/api/v1/admin/brands', { name, ...(logoUrl === undefined ? {} : { logoUrl }) });

    async function categoryTree(): Promise<CategoryNode[]> {
      const res = await ctx.api.get<{ items: CategoryNode[] }>('/api/v1/categories');
      assert.equal(res.status, 200, res.text);
      return res.body.items;
    }

    function findNode(nodes: CategoryNode[], id: string): CategoryNode | undefined {
      for (const node of nodes) {
        if (node.id === id) return node;
        const found = findNode(node.children, id);
        if (found) return found;
      }
      return undefined;
    }

    async function countProducts(sellerId: string): Promise<number> {
      const row = await ctx.t.app.platform.database.db
        .selectFrom('catalog_products')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('seller_id', '=', sellerId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    }

    async function stockOf(productId: string, skuId: string): Promise<number> {
      const product = await getProduct(productId);
      const found = product.skus.find((s) => s.id === skuId);
      assert.ok(found, `SKU ${skuId} in product ${productId}`);
      return found.stock;
    }

    // ---------------------------------------------------------------- 1. publishing

    describe('POST /products', () => {
      it('201 with exactly the Product fields, SKUs in the given order, stock as given; GET answers the same', async () => {
        const seller = await user('c_pub');
        const body = {
          title: 'Mechanical keyboard',
          description: 'Hot-swappable, 87 keys',
          images: ['https://img.example.com/kb.png', '/static/kb-side.png'],
          skus: [
            sku(59900, 5, 'CNY', { name: 'Red switch', attributes: { switch: 'red', layout: 'ANSI' } }),
            sku(64900, 0, 'CNY', { name: 'Brown switch' }),
            sku(49900, 12),
          ],
        };
        const res = await ctx.api.post<Product>('/api/v1/products', { token: seller.token, body });
        assert.equal(res.status, 201, res.text);
        assert.match(String(res.headers['content-type']), /^application\/json/);
        const product = res.body;
        assert.deepEqual(Object.keys(product).sort(), PRODUCT_KEYS);
        assert.equal(typeof product.id, 'string');
        assert.equal(product.sellerId, seller.id);
        assert.equal(product.title, body.title);
        assert.equal(product.description, body.description);
        assert.equal(product.status, 'listed');
        assert.equal(product.categoryId, null);
        assert.equal(product.brandId, null);
        assert.deepEqual(product.images, body.images);
        assert.ok(!Number.isNaN(Date.parse(product.createdAt)) && product.createdAt.endsWith('Z'), product.createdAt);
        assert.equal(product.skus.length, 3);
        for (const s of product.skus) assert.deepEqual(Object.keys(s).sort(), SKU_KEYS);
        assert.deepEqual(
          product.skus.map((s) => [s.name, s.attributes, s.price, s.stock]),
          [
            ['Red switch', { switch: 'red', layout: 'ANSI' }, { amount: 59900, currency: 'CNY' }, 5],
            ['Brown switch', {}, { amount: 64900, currency: 'CNY' }, 0],
            ['', {}, { amount: 49900, currency: 'CNY' }, 12],
          ],
        );
        assert.equal(new Set(product.skus.map((s) => s.id)).size, 3, 'distinct SKU ids');
        assert.deepEqual(await getProduct(product.id), product, 'the public read answers the same Product');

        // description defaults to the empty string; images to [].
        const bare = await createProduct(seller.token, { title: 'Bare', skus: [sku(1, 1, 'JPY')] });
        assert.equal(bare.description, '');
        assert.deepEqual(bare.images, []);
        assert.deepEqual(bare.skus[0]?.price, { amount: 1, currency: 'JPY' });
      });

      it('100 SKUs are accepted and keep their order', async () => {
        const seller = await user('c_100');
        const skus = Array.from({ length: 100 }, (_, i) => sku(1000 + i, i, 'USD', { name: `v${i}` }));
        const product = await createProduct(seller.token, { title: 'Many variants', skus });
        assert.deepEqual(
          product.skus.map((s) => [s.name, s.price.amount, s.stock]),
          skus.map((s, i) => [`v${i}`, 1000 + i, i]),
        );
      });

      it('invalid bodies → 400 validation_failed and nothing is created', async () => {
        const seller = await user('c_bad');
        const ok = sku(100, 1);
        const categoryId = randomUUID();
        const bad: [string, unknown][] = [
          ['no SKUs', { title: 'x', skus: [] }],
          ['101 SKUs', { title: 'x', skus: Array.from({ length: 101 }, () => ok) }],
          ['skus missing', { title: 'x' }],
          ['title missing', { skus: [ok] }],
          ['title empty', { title: '', skus: [ok] }],
          ['title too long', { title: 'x'.repeat(201), skus: [ok] }],
          ['mixed currencies', { title: 'x', skus: [ok, sku(100, 1, 'USD')] }],
          ['unknown currency', { title: 'x', skus: [sku(100, 1, 'XYZ')] }],
          ['unknown currency on a later SKU', { title: 'x', skus: [ok, sku(100, 1, 'XYZ')] }],
          ['lower-case currency', { title: 'x', skus: [sku(100, 1, 'cny')] }],
          ['price 0', { title: 'x', skus: [sku(0, 1)] }],
          ['negative price', { title: 'x', skus: [sku(-100, 1)] }],
          ['fractional price', { title: 'x', skus: [sku(1.5, 1)] }],
          ['price as string', { title: 'x', skus: [{ price: { amount: '100', currency: 'CNY' }, stock: 1 }] }],
          ['price as bare number', { title: 'x', skus: [{ price: 100, stock: 1 }] }],
          ['price with extra field', { title: 'x', skus: [{ price: { amount: 100, currency: 'CNY', cents: true }, stock: 1 }] }],
          ['stock as string', { title: 'x', skus: [{ price: { amount: 100, currency: 'CNY' }, stock: '5' }] }],
          ['negative stock', { title: 'x', skus: [sku(100, -1)] }],
          ['fractional stock', { title: 'x', skus: [sku(100, 1.5)] }],
          ['stock missing', { title: 'x', skus: [{ price: { amount: 100, currency: 'CNY' } }] }],
          ['unknown SKU field', { title: 'x', skus: [{ ...ok, id: randomUUID() }] }],
          ['sellerId in the body', { title: 'x', sellerId: randomUUID(), skus: [ok] }],
          ['status in the body', { title: 'x', status: 'listed', skus: [ok] }],
          ['id in the body', { title: 'x', id: randomUUID(), skus: [ok] }],
          ['createdAt in the body', { title: 'x', createdAt: new Date().toISOString(), skus: [ok] }],
          ['image not a URL', { title: 'x', images: ['javascript:alert(1)'], skus: [ok] }],
          ['attributes not strings', { title: 'x', skus: [{ ...ok, attributes: { size: 42 } }] }],
          ['categoryId not a uuid', { title: 'x', categoryId: 'phones', skus: [ok] }],
          ['unknown categoryId', { title: 'x', categoryId, skus: [ok] }],
          ['unknown brandId', { title: 'x', brandId: randomUUID(), skus: [ok] }],
          ['an array', [{ title: 'x', skus: [ok] }]],
        ];
        for (const [what, body] of bad) {
          assertProblem(await ctx.api.post('/api/v1/products', { token: seller.token, body }), 400, 'validation_failed', what);
        }
        assertProblem(await ctx.api.post('/api/v1/products', { token: seller.token, raw: '{"title":', headers: { 'content-type': 'application/json' } }), 400, 'validation_failed', 'malformed JSON');
        assert.equal(await countProducts(seller.id), 0, 'no product was created');
        assert.deepEqual((await list('', seller.token)).items, [], 'the seller has no products');
      });

      it('401 without or with a bad token', async () => {
        const body = { title: 'x', skus: [sku(100, 1)] };
        assertProblem(await ctx.api.post('/api/v1/products', { body }), 401, 'unauthorized', 'no token');
        assertProblem(await ctx.api.post('/api/v1/products', { body, token: 'not-a-token' }), 401, 'unauthorized', 'bad token');
        assertProblem(await ctx.api.get('/api/v1/me/products'), 401, 'unauthorized', 'my products without a token');
      });

      it('a product in a category and of a brand carries their ids', async () => {
        const seller = await user('c_ref');
        const category = await createCategory(uname('Cat'));
        const brand = await createBrand(uname('Brand'));
        const product = await createProduct(seller.token, { title: 'Branded', categoryId: category.id, brandId: brand.id, skus: [sku(100, 1)] });
        assert.equal(product.categoryId, category.id);
        assert.equal(product.brandId, brand.id);
      });
    });

    // ---------------------------------------------------------------- 2. reading and searching

    describe('GET /products', () => {
      it('filters: sellerId, categoryId with sub-categories, brandId, price range; only listed products', async () => {
        const a = await user('c_fa');
        const b = await user('c_fb');
        const root = await createCategory(uname('Root'));
        const child = await createCategory(uname('Child'), root.id);
        const grandchild = await createCategory(uname('Grand'), child.id);
        const other = await createCategory(uname('Other'));
        const brand = await createBrand(uname('Acme'));

        const a1 = await createProduct(a.token, { title: 'a1', categoryId: root.id, brandId: brand.id, skus: [sku(1000, 1)] });
        const a2 = await createProduct(a.token, { title: 'a2', categoryId: child.id, skus: [sku(5000, 1)] });
        const a3 = await createProduct(a.token, { title: 'a3', categoryId: grandchild.id, skus: [sku(200, 1), sku(9000, 1)] });
        const a4 = await createProduct(a.token, { title: 'a4', categoryId: other.id, skus: [sku(3000, 1)] });
        const b1 = await createProduct(b.token, { title: 'b1', categoryId: child.id, brandId: brand.id, skus: [sku(4000, 1)] });
        const hidden = await createProduct(a.token, { title: 'a5 delisted', categoryId: root.id, brandId: brand.id, skus: [sku(1000, 1)] });
        const delist = await ctx.api.patch<Product>(`/api/v1/products/${hidden.id}`, { token: a.token, body: { status: 'delisted' } });
        assert.equal(delist.status, 200, delist.text);

        assert.deepEqual(ids(await list(`sellerId=${a.id}`)), [a4.id, a3.id, a2.id, a1.id], 'newest first, no delisted');
        const page = await list(`sellerId=${a.id}`);
        assert.ok(page.items.every((p) => p.status === 'listed'));
        for (const item of page.items) assert.deepEqual(Object.keys(item).sort(), PRODUCT_KEYS);
        assert.equal(page.nextCursor, null);
        assert.deepEqual(ids(await list(`categoryId=${root.id}`)), [b1.id, a3.id, a2.id, a1.id], 'root covers its sub-categories');
        assert.deepEqual(ids(await list(`categoryId=${child.id}`)), [b1.id, a3.id, a2.id]);
        assert.deepEqual(ids(await list(`categoryId=${grandchild.id}`)), [a3.id]);
        assert.deepEqual(ids(await list(`categoryId=${other.id}`)), [a4.id]);
        assert.deepEqual(ids(await list(`categoryId=${randomUUID()}`)), [], 'an unknown category has no products');
        assert.deepEqual(ids(await list(`categoryId=${root.id}&sellerId=${b.id}`)), [b1.id], 'filters combine');
        assert.deepEqual(ids(await list(`brandId=${brand.id}`)), [b1.id, a1.id]);
        assert.deepEqual(ids(await list(`sellerId=${a.id}&minPrice=1000&maxPrice=5000`)), [a4.id, a2.id, a1.id], 'inclusive bounds');
        assert.deepEqual(ids(await list(`sellerId=${a.id}&minPrice=8000`)), [a3.id], 'any SKU in range');
        assert.deepEqual(ids(await list(`sellerId=${a.id}&maxPrice=500`)), [a3.id]);
        assert.deepEqual(ids(await list(`sellerId=${a.id}&minPrice=6000&maxPrice=8000`)), []);

        // The seller's own list shows the delisted product too, and only the caller's products.
        const mine = await list('limit=100', a.token);
        assert.deepEqual(ids(mine), [hidden.id, a4.id, a3.id, a2.id, a1.id]);
        assert.equal(mine.items[0]?.status, 'delisted');
        assert.deepEqual(ids(await list('limit=100', b.token)), [b1.id]);
        assert.deepEqual(ids(await list(`sellerId=${b.id}`, a.token)), ids(mine), 'sellerId cannot widen /me/products');
      });

      it('cursor pages: limit=2 walks every product once, nextCursor null at the end', async () => {
        const seller = await user('c_page');
        const created: string[] = [];
        for (let i = 0; i < 5; i++) created.push((await createProduct(seller.token, { title: `page item ${i}`, skus: [sku(100 + i, 1)] })).id);
        const scoped = await walk(`sellerId=${seller.id}`, 2);
        assert.deepEqual(scoped.ids, created.reverse(), 'newest first, all of them');
        assert.equal(scoped.pages, 3);
        const exact = await walk(`sellerId=${seller.id}`, 5);
        assert.equal(exact.pages, 1, 'a full last page has no next cursor');

        // The whole public catalogue: no duplicates, same as one big page.
        const everything = await walk('', 2);
        const big = await walk('', 100);
        assert.deepEqual(everything.ids, big.ids);
        for (const id of created) assert.ok(everything.ids.includes(id));

        // A search walks by pages too.
        const searched = await walk(`q=${encodeURIComponent('page item')}&sellerId=${seller.id}`, 2);
        assert.deepEqual([...searched.ids].sort(), [...created].sort());
      });

      it('keyword search: title above description-only, Chinese substrings, % and _ taken literally', async () => {
        const seller = await user('c_q');
        const word = `zephyr${randomBytes(3).toString('hex')}`;
        // The title match is the older product: relevance must beat recency.
        const inTitle = await createProduct(seller.token, { title: `The ${word} lamp`, description: 'A warm light', skus: [sku(100, 1)] });
        const inDescription = await createProduct(seller.token, { title: 'Desk light', description: `Pairs well with the ${word}`, skus: [sku(100, 1)] });
        const unrelated = await createProduct(seller.token, { title: 'Chair', description: 'Oak', skus: [sku(100, 1)] });
        const delisted = await createProduct(seller.token, { title: `Old ${word}`, skus: [sku(100, 1)] });
        assert.equal((await ctx.api.patch(`/api/v1/products/${delisted.id}`, { token: seller.token, body: { status: 'delisted' } })).status, 200);

        assert.deepEqual(ids(await list(`q=${word}`)), [inTitle.id, inDescription.id], 'title match first; no delisted, no unrelated');
        assert.deepEqual(ids(await list(`q=${word.toUpperCase()}`)), [inTitle.id, inDescription.id], 'case-insensitive');
        assert.ok(!ids(await list(`q=${word}`)).includes(unrelated.id));
        const mine = ids(await list(`q=${word}`, seller.token));
        assert.ok(mine.includes(delisted.id), 'the seller finds its delisted product');

        const huawei = await createProduct(seller.token, { title: '华为手机 Mate', description: '旗舰', skus: [sku(599900, 3)] });
        const tablet = await createProduct(seller.token, { title: '苹果平板', skus: [sku(399900, 3)] });
        assert.deepEqual(ids(await list(`q=${encodeURIComponent('手机')}&sellerId=${seller.id}`)), [huawei.id]);
        assert.deepEqual(ids(await list(`q=${encodeURIComponent('华为')}&sellerId=${seller.id}`)), [huawei.id]);
        assert.deepEqual(ids(await list(`q=${encodeURIComponent('平板')}&sellerId=${seller.id}`)), [tablet.id]);
        assert.ok(ids(await list(`q=${encodeURIComponent('手机')}`)).includes(huawei.id), 'found without a seller filter too');
        assert.deepEqual(ids(await list(`q=Mate&sellerId=${seller.id}`)), [huawei.id]);

        const percent = await createProduct(seller.token, { title: 'Promo 50% off blender', skus: [sku(100, 1)] });
        const underscore = await createProduct(seller.token, { title: 'snake_case mug', skus: [sku(100, 1)] });
        const lookalike = await createProduct(seller.token, { title: 'snakeXcase mug', skus: [sku(100, 1)] });
        const scoped = (q: string) => list(`q=${encodeURIComponent(q)}&sellerId=${seller.id}&limit=100`).then(ids);
        assert.deepEqual(await scoped('%'), [percent.id], '% matches a percent sign only');
        assert.deepEqual(await scoped('%%'), [], 'no title has two percent signs in a row');
        assert.deepEqual(await scoped('_'), [underscore.id], '_ matches an underscore only');
        assert.deepEqual(await scoped('e_c'), [underscore.id], '_ is not a single-character wildcard');
        assert.deepEqual(await scoped('snake_case'), [underscore.id]);
        assert.ok((await scoped('mug')).includes(lookalike.id));
        assert.deepEqual(await scoped('\\'), [], 'a backslash is literal too');

        assertProblem(await ctx.api.get('/api/v1/products?q='), 400, 'validation_failed', 'empty q');
        assertProblem(await ctx.api.get(`/api/v1/products?q=${'x'.repeat(101)}`), 400, 'validation_failed', 'q too long');
      });

      it('bad query parameters → 400; GET /products/{id}: public, 404 unknown, 400 non-uuid', async () => {
        for (const query of ['cursor=garbage', 'cursor=s', 'cursor=x12', 'cursor=s-1', 'limit=0', 'limit=101', 'limit=abc', 'sellerId=nope', 'categoryId=nope', 'brandId=nope', 'minPrice=-1', 'maxPrice=1.5', 'minPrice=100000000000000000000', 'maxPrice=9007199254740993', 'color=red']) {
          assertProblem(await ctx.api.get(`/api/v1/products?${query}`), 400, 'validation_failed', query);
        }
        const seller = await user('c_get');
        const product = await createProduct(seller.token, { title: 'Public read', skus: [sku(100, 1)] });
        const res = await ctx.api.get<Product>(`/api/v1/products/${product.id}`);
        assert.equal(res.status, 200, res.text);
        assert.deepEqual(res.body, product);
        assertProblem(await ctx.api.get(`/api/v1/products/${randomUUID()}`), 404, 'not_found', 'unknown product');
        assertProblem(await ctx.api.get('/api/v1/products/not-a-uuid'), 400, 'validation_failed', 'non-uuid');
      });
    });

    // ---------------------------------------------------------------- 3. editing

    describe('PATCH /products and SKUs', () => {
      it('the seller edits title and description, delists and lists again; others get 404 and change nothing', async () => {
        const seller = await user('c_edit');
        const other = await user('c_edit2');
        const original = await createProduct(seller.token, { title: 'Before', description: 'old text', skus: [sku(100, 2)] });

        const edited = await ctx.api.patch<Product>(`/api/v1/products/${original.id}`, { token: seller.token, body: { title: 'After', description: 'new text' } });
        assert.equal(edited.status, 200, edited.text);
        assert.deepEqual(Object.keys(edited.body).sort(), PRODUCT_KEYS);
        assert.deepEqual(edited.body, { ...original, title: 'After', description: 'new text' });
        assert.deepEqual(await getProduct(original.id), edited.body);

        const delisted = await ctx.api.patch<Product>(`/api/v1/products/${original.id}`, { token: seller.token, body: { status: 'delisted' } });
        assert.equal(delisted.status, 200, delisted.text);
        assert.equal(delisted.body.status, 'delisted');
        assert.deepEqual(ids(await list(`sellerId=${seller.id}`)), [], 'gone from the public list');
        assert.deepEqual(ids(await list('', seller.token)), [original.id], 'still in my products');
        const listed = await ctx.api.patch<Product>(`/api/v1/products/${original.id}`, { token: seller.token, body: { status: 'listed' } });
        assert.equal(listed.status, 200, listed.text);
        assert.deepEqual(ids(await list(`sellerId=${seller.id}`)), [original.id], 'back in the public list');

        const before = await getProduct(original.id);
        for (const body of [{ title: 'Hijacked' }, { status: 'delisted' }, { description: 'mine now' }]) {
          assertProblem(await ctx.api.patch(`/api/v1/products/${original.id}`, { token: other.token, body }), 404, 'not_found', `another user's PATCH ${JSON.stringify(body)}`);
        }
        assertProblem(await ctx.api.patch(`/api/v1/products/${original.id}`, { token: adminToken, body: { title: 'Admin edit' } }), 404, 'not_found', "an admin is not the seller");
        assertProblem(await ctx.api.patch(`/api/v1/products/${randomUUID()}`, { token: seller.token, body: { title: 'x' } }), 404, 'not_found', 'unknown product');
        assertProblem(await ctx.api.patch(`/api/v1/products/${original.id}`, { body: { title: 'x' } }), 401, 'unauthorized', 'no token');

        for (const [what, body] of [
          ['status deleted', { status: 'deleted' }],
          ['status null', { status: null }],
          ['empty title', { title: '' }],
          ['title as number', { title: 1 }],
          ['sellerId', { sellerId: other.id }],
          ['id', { id: randomUUID() }],
          ['skus', { skus: [sku(1, 1)] }],
          ['unknown category', { categoryId: randomUUID() }],
          ['unknown brand', { brandId: randomUUID() }],
        ] as [string, unknown][]) {
          assertProblem(await ctx.api.patch(`/api/v1/products/${original.id}`, { token: seller.token, body }), 400, 'validation_failed', what);
        }
        assertProblem(await ctx.api.patch('/api/v1/products/nope', { token: seller.token, body: { title: 'x' } }), 400, 'validation_failed', 'non-uuid id');
        assert.deepEqual(await getProduct(original.id), before, 'nothing changed');
      });

      it('adding SKUs: appended in order with their stock; same currency only; another user → 404', async () => {
        const seller = await user('c_add');
        const other = await user('c_add2');
        const product = await createProduct(seller.token, { title: 'Tea', skus: [sku(1000, 3, 'CNY', { name: '100g' })] });
        const res = await ctx.api.post<Product>(`/api/v1/products/${product.id}/skus`, {
          token: seller.token,
          body: { skus: [sku(1800, 7, 'CNY', { name: '200g' }), sku(4000, 0, 'CNY', { name: '500g', attributes: { tin: 'yes' } })] },
        });
        assert.equal(res.status, 201, res.text);
        assert.deepEqual(
          res.body.skus.map((s) => [s.name, s.price.amount, s.stock, s.attributes]),
          [
            ['100g', 1000, 3, {}],
            ['200g', 1800, 7, {}],
            ['500g', 4000, 0, { tin: 'yes' }],
          ],
        );
        assert.equal(res.body.skus[0]?.id, product.skus[0]?.id);
        assert.deepEqual(await getProduct(product.id), res.body);

        const before = await getProduct(product.id);
        assertProblem(await ctx.api.post(`/api/v1/products/${product.id}/skus`, { token: other.token, body: { skus: [sku(1, 1)] } }), 404, 'not_found', 'another user');
        assertProblem(await ctx.api.post(`/api/v1/products/${randomUUID()}/skus`, { token: seller.token, body: { skus: [sku(1, 1)] } }), 404, 'not_found', 'unknown product');
        assertProblem(await ctx.api.post(`/api/v1/products/${product.id}/skus`, { token: seller.token, body: { skus: [sku(1, 1, 'USD')] } }), 400, 'validation_failed', "another currency than the product's");
        assertProblem(await ctx.api.post(`/api/v1/products/${product.id}/skus`, { token: seller.token, body: { skus: [sku(1, 1), sku(1, 1, 'USD')] } }), 400, 'validation_failed', 'mixed');
        assertProblem(await ctx.api.post(`/api/v1/products/${product.id}/skus`, { token: seller.token, body: { skus: [] } }), 400, 'validation_failed', 'none');
        assertProblem(await ctx.api.post(`/api/v1/products/${product.id}/skus`, { token: seller.token, body: { skus: [sku(0, 1)] } }), 400, 'validation_failed', 'price 0');
        assertProblem(
          await ctx.api.post(`/api/v1/products/${product.id}/skus`, { token: seller.token, body: { skus: Array.from({ length: 98 }, () => sku(1, 1)) } }),
          400,
          'validation_failed',
          'more than 100 SKUs in all',
        );
        assertProblem(await ctx.api.post(`/api/v1/products/${product.id}/skus`, { body: { skus: [sku(1, 1)] } }), 401, 'unauthorized', 'no token');
        assert.deepEqual(await getProduct(product.id), before, 'nothing changed');
        const filled = await ctx.api.post<Product>(`/api/v1/products/${product.id}/skus`, { token: seller.token, body: { skus: Array.from({ length: 97 }, () => sku(1, 1)) } });
        assert.equal(filled.status, 201, filled.text);
        assert.equal(filled.body.skus.length, 100, 'exactly 100 in all is fine');
      });

      it('parallel SKU additions: each batch lands whole, in order, within the 100-SKU cap (never 500)', async () => {
        const seller = await user('c_addrace');
        const product = await createProduct(seller.token, { title: 'Paints', skus: [sku(100, 1, 'CNY', { name: 'base' })] });
        const results = await Promise.all(
          Array.from({ length: 12 }, (_, batch) =>
            ctx.api.post(`/api/v1/products/${product.id}/skus`, {
              token: seller.token,
              body: { skus: Array.from({ length: 10 }, (_, i) => sku(100, i, 'CNY', { name: `b${batch}-${i}` })) },
            }),
          ),
        );
        const ok = results.filter((r) => r.status === 201);
        for (const r of results) if (r.status !== 201) assertProblem(r, 400, 'validation_failed', 'over the cap');
        assert.equal(ok.length, 9, `1 + 9 × 10 = 91 SKUs fit, a tenth batch would make 101: ${results.map((r) => r.status).join(',')}`);
        const final = await getProduct(product.id);
        assert.equal(final.skus.length, 91);
        assert.equal(final.skus[0]?.name, 'base');
        const batches = new Map<string, string[]>();
        for (const s of final.skus.slice(1)) {
          const [batch = ''] = s.name.split('-');
          batches.set(batch, [...(batches.get(batch) ?? []), s.name]);
        }
        assert.equal(batches.size, 9);
        for (const [batch, names] of batches) assert.deepEqual(names, Array.from({ length: 10 }, (_, i) => `${batch}-${i}`), 'a batch is contiguous and in order');
      });

      it('PATCH /skus/{skuId}: price and name change; currency change → 400; another user → 404', async () => {
        const seller = await user('c_sku');
        const other = await user('c_sku2');
        const product = await createProduct(seller.token, { title: 'Socks', skus: [sku(990, 4, 'USD', { name: 'S' }), sku(1090, 4, 'USD', { name: 'L' })] });
        const skuId = product.skus[1]?.id ?? '';
        const res = await ctx.api.patch<Product>(`/api/v1/skus/${skuId}`, { token: seller.token, body: { price: { amount: 1290, currency: 'USD' }, name: 'XL' } });
        assert.equal(res.status, 200, res.text);
        assert.deepEqual(res.body.skus, [product.skus[0], { ...product.skus[1], name: 'XL', price: { amount: 1290, currency: 'USD' } }]);
        assert.deepEqual(await getProduct(product.id), res.body);

        const before = await getProduct(product.id);
        assertProblem(await ctx.api.patch(`/api/v1/skus/${skuId}`, { token: seller.token, body: { price: { amount: 1290, currency: 'CNY' } } }), 400, 'validation_failed', 'currency change');
        assertProblem(await ctx.api.patch(`/api/v1/skus/${skuId}`, { token: seller.token, body: { price: { amount: 0, currency: 'USD' } } }), 400, 'validation_failed', 'price 0');
        assertProblem(await ctx.api.patch(`/api/v1/skus/${skuId}`, { token: seller.token, body: { price: { amount: 9.5, currency: 'USD' } } }), 400, 'validation_failed', 'fractional');
        assertProblem(await ctx.api.patch(`/api/v1/skus/${skuId}`, { token: seller.token, body: { stock: 100 } }), 400, 'validation_failed', 'stock is not edited here');
        assertProblem(await ctx.api.patch(`/api/v1/skus/${skuId}`, { token: other.token, body: { price: { amount: 1, currency: 'USD' } } }), 404, 'not_found', 'another user');
        assertProblem(await ctx.api.patch(`/api/v1/skus/${randomUUID()}`, { token: seller.token, body: { name: 'x' } }), 404, 'not_found', 'unknown SKU');
        assertProblem(await ctx.api.patch('/api/v1/skus/nope', { token: seller.token, body: { name: 'x' } }), 400, 'validation_failed', 'non-uuid');
        assertProblem(await ctx.api.patch(`/api/v1/skus/${skuId}`, { body: { name: 'x' } }), 401, 'unauthorized', 'no token');
        assert.deepEqual(await getProduct(product.id), before, 'nothing changed');
      });
    });

    // ---------------------------------------------------------------- 4. stock

    describe('stock adjustments', () => {
      const adjust = (token: string | undefined, skuId: string, body: unknown): Promise<Response<{ skuId: string; stock: number }>> =>
        ctx.api.post<{ skuId: string; stock: number }>(`/api/v1/skus/${skuId}/stock-adjustments`, { ...(token ? { token } : {}), body });

      it('+5 / −3 → 200 {skuId, stock}; below zero → 409 and unchanged; bad deltas → 400; others → 404', async () => {
        const seller = await user('c_stk');
        const other = await user('c_stk2');
        const product = await createProduct(seller.token, { title: 'Widgets', skus: [sku(100, 10), sku(200, 0)] });
        const skuId = product.skus[0]?.id ?? '';

        const up = await adjust(seller.token, skuId, { delta: 5, reason: 'delivery from the factory' });
        assert.equal(up.status, 200, up.text);
        assert.deepEqual(up.body, { skuId, stock: 15 });
        const down = await adjust(seller.token, skuId, { delta: -3 });
        assert.equal(down.status, 200, down.text);
        assert.deepEqual(down.body, { skuId, stock: 12 });
        assert.equal(await stockOf(product.id, skuId), 12);

        assertProblem(await adjust(seller.token, skuId, { delta: -13 }), 409, 'insufficient_stock', 'below zero');
        assert.equal(await stockOf(product.id, skuId), 12, 'unchanged after 409');
        const all = await adjust(seller.token, skuId, { delta: -12 });
        assert.deepEqual(all.body, { skuId, stock: 0 }, 'down to exactly zero');
        assertProblem(await adjust(seller.token, skuId, { delta: -1 }), 409, 'insufficient_stock', 'at zero');
        assert.equal(await stockOf(product.id, skuId), 0);
        assert.deepEqual((await adjust(seller.token, skuId, { delta: 4 })).body, { skuId, stock: 4 });

        for (const [what, body] of [
          ['delta 0', { delta: 0 }],
          ['delta "1"', { delta: '1' }],
          ['delta 1.5', { delta: 1.5 }],
          ['delta missing', {}],
          ['delta null', { delta: null }],
          ['delta too large', { delta: 100_000_001 }],
          ['reason not a string', { delta: 1, reason: 5 }],
          ['reason too long', { delta: 1, reason: 'x'.repeat(201) }],
          ['unknown field', { delta: 1, stock: 5 }],
        ] as [string, unknown][]) {
          assertProblem(await adjust(seller.token, skuId, body), 400, 'validation_failed', what);
        }
        assertProblem(await adjust(other.token, skuId, { delta: 5 }), 404, 'not_found', "another user's SKU");
        assertProblem(await adjust(other.token, skuId, { delta: -4 }), 404, 'not_found', "another user's SKU (down)");
        assertProblem(await adjust(seller.token, randomUUID(), { delta: 5 }), 404, 'not_found', 'unknown SKU');
        assertProblem(await adjust(seller.token, 'nope', { delta: 5 }), 400, 'validation_failed', 'non-uuid');
        assertProblem(await adjust(undefined, skuId, { delta: 5 }), 401, 'unauthorized', 'no token');
        assert.equal(await stockOf(product.id, skuId), 4, 'unchanged by the refused calls');
        assert.equal(await stockOf(product.id, product.skus[1]?.id ?? ''), 0, 'the other SKU untouched');

        // Every change is in the stock log: initial 10, +5, −3, −12, +4.
        const log = await ctx.t.app.platform.database.db.selectFrom('inventory_log').select(['available_delta', 'reserved_delta', 'note']).where('sku_id', '=', skuId).orderBy('id').execute();
        assert.deepEqual(
          log.map((l) => [Number(l.available_delta), Number(l.reserved_delta)]),
          [
            [10, 0],
            [5, 0],
            [-3, 0],
            [-12, 0],
            [4, 0],
          ],
        );
        assert.equal(log[1]?.note, 'delivery from the factory');
        await assertAuditClean(ctx.t);
      });

      it('stock cannot be pushed past the 32-bit counter: 409 invalid_state, unchanged (never 500)', async () => {
        const seller = await user('c_big');
        const product = await createProduct(seller.token, { title: 'Bulk', skus: [sku(1, 100_000_000)] });
        const skuId = product.skus[0]?.id ?? '';
        for (let i = 0; i < 20; i++) assert.equal((await adjust(seller.token, skuId, { delta: 100_000_000 })).status, 200);
        assert.equal(await stockOf(product.id, skuId), 2_100_000_000);
        assertProblem(await adjust(seller.token, skuId, { delta: 100_000_000 }), 409, 'invalid_state', 'above 2^31 - 1');
        assert.equal(await stockOf(product.id, skuId), 2_100_000_000, 'unchanged');
        assert.deepEqual((await adjust(seller.token, skuId, { delta: 47_483_647 })).body, { skuId, stock: 2_147_483_647 }, 'up to the maximum exactly');
        assertProblem(await adjust(seller.token, skuId, { delta: 1 }), 409, 'invalid_state', 'one past the maximum');
        assert.equal(await stockOf(product.id, skuId), 2_147_483_647);
        await assertAuditClean(ctx.t);
      });

      it('40 parallel −1 on a stock of 25: exactly 25 succeed, 15 get 409, final stock 0, audit clean', async () => {
        const seller = await user('c_race');
        const product = await createProduct(seller.token, { title: 'Hot item', skus: [sku(100, 25)] });
        const skuId = product.skus[0]?.id ?? '';
        const results = await Promise.all(Array.from({ length: 40 }, () => adjust(seller.token, skuId, { delta: -1 })));
        const ok = results.filter((r) => r.status === 200);
        const refused = results.filter((r) => r.status === 409);
        assert.equal(ok.length, 25, `successes: ${results.map((r) => r.status).join(',')}`);
        assert.equal(refused.length, 15);
        for (const r of refused) assertProblem(r, 409, 'insufficient_stock', 'refused');
        assert.deepEqual(
          ok.map((r) => r.body.stock).sort((x, y) => x - y),
          Array.from({ length: 25 }, (_, i) => i),
          'each success saw a distinct level, 24 down to 0',
        );
        assert.equal(await stockOf(product.id, skuId), 0, 'I1: never below zero, nothing lost');
        await assertAuditClean(ctx.t);

        // Mixed directions: the final level is what the successes add up to.
        const mixed = await Promise.all(Array.from({ length: 30 }, (_, i) => adjust(seller.token, skuId, { delta: i % 2 === 0 ? 2 : -3 })));
        let expected = 0;
        for (const [i, r] of mixed.entries()) {
          if (r.status === 200) expected += i % 2 === 0 ? 2 : -3;
          else assertProblem(r, 409, 'insufficient_stock', `mixed ${i}`);
        }
        assert.equal(mixed.filter((r, i) => i % 2 === 0 && r.status === 200).length, 15, 'every increase succeeds');
        assert.equal(await stockOf(product.id, skuId), expected);
        await assertAuditClean(ctx.t);
      });
    });

    // ---------------------------------------------------------------- 5. categories and brands

    describe('categories and brands', () => {
      it('GET /categories is a public tree; admin creates, edits and deletes categories', async () => {
        const electronics = await createCategory(uname('Electronics'), null, 1);
        assert.deepEqual(Object.keys(electronics).sort(), ['id', 'name', 'parentId', 'position']);
        assert.equal(electronics.parentId, null);
        assert.equal(electronics.position, 1);
        const phones = await createCategory(uname('Phones'), electronics.id);
        assert.equal(phones.parentId, electronics.id);
        assert.equal(phones.position, 0, 'position defaults to 0');
        const android = await createCategory(uname('Android'), phones.id);
        const tablets = await createCategory(uname('Tablets'), electronics.id, 5);
        const books = await createCategory(uname('Books'));

        const tree = await categoryTree();
        const node = tree.find((n) => n.id === electronics.id);
        assert.ok(node, 'a root category is a root of the tree');
        assert.deepEqual(node, {
          ...electronics,
          children: [
            { ...phones, children: [{ ...android, children: [] }] },
            { ...tablets, children: [] },
          ],
        });
        assert.ok(tree.some((n) => n.id === books.id));
        assert.ok(!tree.some((n) => n.id === phones.id), 'a child is not a root');

        const renamed = await ctx.api.patch<Category>(`/api/v1/admin/categories/${tablets.id}`, { token: adminToken, body: { name: 'Tablets & readers', position: 2 } });
        assert.equal(renamed.status, 200, renamed.text);
        assert.deepEqual(renamed.body, { ...tablets, name: 'Tablets & readers', position: 2 });
        const moved = await ctx.api.patch<Category>(`/api/v1/admin/categories/${tablets.id}`, { token: adminToken, body: { parentId: books.id } });
        assert.equal(moved.status, 200, moved.text);
        assert.equal(moved.body.parentId, books.id);
        const toRoot = await ctx.api.patch<Category>(`/api/v1/admin/categories/${tablets.id}`, { token: adminToken, body: { parentId: null } });
        assert.equal(toRoot.status, 200, toRoot.text);
        assert.equal(toRoot.body.parentId, null);
        assert.ok((await categoryTree()).some((n) => n.id === tablets.id), 'now a root');

        // No loops: below its own descendant or itself.
        const treeBefore = await categoryTree();
        assertProblem(await ctx.api.patch(`/api/v1/admin/categories/${electronics.id}`, { token: adminToken, body: { parentId: android.id } }), 409, 'invalid_state', 'below a grandchild');
        assertProblem(await ctx.api.patch(`/api/v1/admin/categories/${electronics.id}`, { token: adminToken, body: { parentId: phones.id } }), 409, 'invalid_state', 'below a child');
        assertProblem(await ctx.api.patch(`/api/v1/admin/categories/${phones.id}`, { token: adminToken, body: { parentId: phones.id } }), 409, 'invalid_state', 'below itself');
        assert.deepEqual(await categoryTree(), treeBefore, 'the tree is unchanged');

        // Validation and unknown ids.
        assertProblem(await ctx.api.patch(`/api/v1/admin/categories/${phones.id}`, { token: adminToken, body: {} }), 400, 'validation_failed', 'empty patch');
        assertProblem(await ctx.api.patch(`/api/v1/admin/categories/${phones.id}`, { token: adminToken, body: { name: '' } }), 400, 'validation_failed', 'empty name');
        assertProblem(await ctx.api.patch(`/api/v1/admin/categories/${phones.id}`, { token: adminToken, body: { parentId: randomUUID() } }), 400, 'validation_failed', 'unknown parent');
        assertProblem(await ctx.api.patch(`/api/v1/admin/categories/${phones.id}`, { token: adminToken, body: { id: randomUUID() } }), 400, 'validation_failed', 'unknown field');
        assertProblem(await ctx.api.patch(`/api/v1/admin/categories/${randomUUID()}`, { token: adminToken, body: { name: 'x' } }), 404, 'not_found', 'unknown category');
        assertProblem(await ctx.api.post('/api/v1/admin/categories', { token: adminToken, body: { name: 'x', parentId: randomUUID() } }), 400, 'validation_failed', 'create below unknown');
        assertProblem(await ctx.api.post('/api/v1/admin/categories', { token: adminToken, body: {} }), 400, 'validation_failed', 'create without name');
        assertProblem(await ctx.api.post('/api/v1/admin/categories', { token: adminToken, body: { name: 'x', position: -1 } }), 400, 'validation_failed', 'negative position');
        assertProblem(await ctx.api.post('/api/v1/admin/categories', { token: adminToken, body: { name: 'x', extra: 1 } }), 400, 'validation_failed', 'unknown field');

        // Deleting: refused with children or products, fine when empty.
        const seller = await user('c_cat');
        const phone = await createProduct(seller.token, { title: 'Pixel', categoryId: android.id, skus: [sku(100, 1)] });
        assertProblem(await ctx.api.del(`/api/v1/admin/categories/${phones.id}`, { token: adminToken }), 409, 'invalid_state', 'has children');
        assertProblem(await ctx.api.del(`/api/v1/admin/categories/${android.id}`, { token: adminToken }), 409, 'invalid_state', 'has products');
        const delisted = await ctx.api.patch(`/api/v1/products/${phone.id}`, { token: seller.token, body: { status: 'delisted' } });
        assert.equal(delisted.status, 200);
        assertProblem(await ctx.api.del(`/api/v1/admin/categories/${android.id}`, { token: adminToken }), 409, 'invalid_state', 'has a delisted product');
        const moveOut = await ctx.api.patch<Product>(`/api/v1/products/${phone.id}`, { token: seller.token, body: { categoryId: null } });
        assert.equal(moveOut.status, 200, moveOut.text);
        assert.equal(moveOut.body.categoryId, null);
        const removed = await ctx.api.del(`/api/v1/admin/categories/${android.id}`, { token: adminToken });
        assert.equal(removed.status, 204, removed.text);
        assert.equal(removed.text, '');
        assertProblem(await ctx.api.del(`/api/v1/admin/categories/${android.id}`, { token: adminToken }), 404, 'not_found', 'deleted twice');
        assertProblem(await ctx.api.del(`/api/v1/admin/categories/${randomUUID()}`, { token: adminToken }), 404, 'not_found', 'unknown');
        assertProblem(await ctx.api.del('/api/v1/admin/categories/nope', { token: adminToken }), 400, 'validation_failed', 'non-uuid');
        assert.equal(findNode(await categoryTree(), android.id), undefined, 'gone from the tree');
        assert.deepEqual(findNode(await categoryTree(), phones.id)?.children, []);
        assert.equal((await ctx.api.del(`/api/v1/admin/categories/${phones.id}`, { token: adminToken })).status, 204, 'empty now');
        assertProblem(await ctx.api.post('/api/v1/products', { token: seller.token, body: { title: 'x', categoryId: android.id, skus: [sku(1, 1)] } }), 400, 'validation_failed', 'a deleted category');
      });

      it('brands: public list; admin create/patch/delete; duplicates and brands in use → 409', async () => {
        const name = uname('Lumen');
        const brand = await createBrand(name, 'https://cdn.example.com/lumen.png');
        assert.deepEqual(brand, { id: brand.id, name, logoUrl: 'https://cdn.example.com/lumen.png' });
        const plain = await createBrand(uname('Plain'));
        assert.equal(plain.logoUrl, null);

        const listed = await ctx.api.get<{ items: Brand[] }>('/api/v1/brands');
        assert.equal(listed.status, 200, listed.text);
        assert.deepEqual(
          listed.body.items.find((b) => b.id === brand.id),
          brand,
        );
        assert.ok(listed.body.items.some((b) => b.id === plain.id));

        assertProblem(await ctx.api.post('/api/v1/admin/brands', { token: adminToken, body: { name } }), 409, 'invalid_state', 'duplicate name');
        assertProblem(await ctx.api.patch(`/api/v1/admin/brands/${plain.id}`, { token: adminToken, body: { name } }), 409, 'invalid_state', 'rename to a taken name');

        const patched = await ctx.api.patch<Brand>(`/api/v1/admin/brands/${brand.id}`, { token: adminToken, body: { logoUrl: null } });
        assert.equal(patched.status, 200, patched.text);
        assert.deepEqual(patched.body, { ...brand, logoUrl: null });
        const renamed = await ctx.api.patch<Brand>(`/api/v1/admin/brands/${brand.id}`, { token: adminToken, body: { name: `${name}_2` } });
        assert.equal(renamed.status, 200, renamed.text);
        assert.deepEqual(renamed.body, { ...brand, name: `${name}_2`, logoUrl: null });
        assert.deepEqual(
          (await ctx.api.get<{ items: Brand[] }>('/api/v1/brands')).body.items.find((b) => b.id === brand.id),
          renamed.body,
        );

        assertProblem(await ctx.api.patch(`/api/v1/admin/brands/${brand.id}`, { token: adminToken, body: {} }), 400, 'validation_failed', 'empty patch');
        assertProblem(await ctx.api.patch(`/api/v1/admin/brands/${brand.id}`, { token: adminToken, body: { logoUrl: 'javascript:alert(1)' } }), 400, 'validation_failed', 'bad logo URL');
        assertProblem(await ctx.api.patch(`/api/v1/admin/brands/${brand.id}`, { token: adminToken, body: { name: '' } }), 400, 'validation_failed', 'empty name');
        assertProblem(await ctx.api.patch(`/api/v1/admin/brands/${randomUUID()}`, { token: adminToken, body: { name: 'x' } }), 404, 'not_found', 'unknown brand');
        assertProblem(await ctx.api.post('/api/v1/admin/brands', { token: adminToken, body: { name: 'x', id: randomUUID() } }), 400, 'validation_failed', 'unknown field');
        assertProblem(await ctx.api.post('/api/v1/admin/brands', { token: adminToken, body: {} }), 400, 'validation_failed', 'no name');

        const seller = await user('c_brand');
        const product = await createProduct(seller.token, { title: 'Lamp', brandId: brand.id, skus: [sku(100, 1)] });
        assertProblem(await ctx.api.del(`/api/v1/admin/brands/${brand.id}`, { token: adminToken }), 409, 'invalid_state', 'brand in use');
        const unbranded = await ctx.api.patch<Product>(`/api/v1/products/${product.id}`, { token: seller.token, body: { brandId: null } });
        assert.equal(unbranded.status, 200, unbranded.text);
        assert.equal(unbranded.body.brandId, null);
        const removed = await ctx.api.del(`/api/v1/admin/brands/${brand.id}`, { token: adminToken });
        assert.equal(removed.status, 204, removed.text);
        assertProblem(await ctx.api.del(`/api/v1/admin/brands/${brand.id}`, { token: adminToken }), 404, 'not_found', 'deleted twice');
        assertProblem(await ctx.api.del(`/api/v1/admin/brands/${randomUUID()}`, { token: adminToken }), 404, 'not_found', 'unknown');
        assert.ok(!(await ctx.api.get<{ items: Brand[] }>('/api/v1/brands')).body.items.some((b) => b.id === brand.id), 'gone from the list');
        assertProblem(await ctx.api.post('/api/v1/products', { token: seller.token, body: { title: 'x', brandId: brand.id, skus: [sku(1, 1)] } }), 400, 'validation_failed', 'a deleted brand');
      });

      it('admin endpoints: a non-admin user → 403, no token → 401, nothing changes', async () => {
        const category = await createCategory(uname('Guarded'));
        const brand = await createBrand(uname('Guarded'));
        const plain = await user('c_nonadm');
        const calls: [string, (token?: string) => Promise<Response>][] = [
          ['POST categories', (token) => ctx.api.post('/api/v1/admin/categories', { ...(token ? { token } : {}), body: { name: 'x' } })],
          ['PATCH category', (token) => ctx.api.patch(`/api/v1/admin/categories/${category.id}`, { ...(token ? { token } : {}), body: { name: 'hacked' } })],
          ['DELETE category', (token) => ctx.api.del(`/api/v1/admin/categories/${category.id}`, token ? { token } : {})],
          ['POST brands', (token) => ctx.api.post('/api/v1/admin/brands', { ...(token ? { token } : {}), body: { name: uname('x') } })],
          ['PATCH brand', (token) => ctx.api.patch(`/api/v1/admin/brands/${brand.id}`, { ...(token ? { token } : {}), body: { name: 'hacked' } })],
          ['DELETE brand', (token) => ctx.api.del(`/api/v1/admin/brands/${brand.id}`, token ? { token } : {})],
        ];
        const treeBefore = await categoryTree();
        const brandsBefore = (await ctx.api.get('/api/v1/brands')).body;
        for (const [what, call] of calls) {
          assertProblem(await call(plain.token), 403, 'forbidden', `${what} as a plain user`);
          assertProblem(await call(undefined), 401, 'unauthorized', `${what} without a token`);
          assertProblem(await call('garbage'), 401, 'unauthorized', `${what} with a bad token`);
        }
        assert.deepEqual(await categoryTree(), treeBefore, 'categories unchanged');
        assert.deepEqual((await ctx.api.get('/api/v1/brands')).body, brandsBefore, 'brands unchanged');
        // The public reads need no token.
        assert.equal((await ctx.api.get('/api/v1/categories', { token: plain.token })).status, 200);
        assert.equal((await ctx.api.get('/api/v1/brands')).status, 200);
      });

      it('concurrent category moves never make a loop: of A→B and B→A exactly one wins', async () => {
        for (let i = 0; i < 8; i++) {
          const a = await createCategory(uname('LoopA'));
          const b = await createCategory(uname('LoopB'));
          const [ab, ba] = await Promise.all([
            ctx.api.patch(`/api/v1/admin/categories/${a.id}`, { token: adminToken, body: { parentId: b.id } }),
            ctx.api.patch(`/api/v1/admin/categories/${b.id}`, { token: adminToken, body: { parentId: a.id } }),
          ]);
          const statuses = [ab.status, ba.status].sort();
          assert.deepEqual(statuses, [200, 409], `round ${i}: ${ab.text} / ${ba.text}`);
          assertProblem(ab.status === 409 ? ab : ba, 409, 'invalid_state', 'the losing move');
          const tree = await categoryTree();
          assert.ok(findNode(tree, a.id) && findNode(tree, b.id), 'both still reachable from a root');
        }
      });

      it('deleting a category or brand while a product or sub-category is created: consistent answers, never 500', async () => {
        const seller = await user('c_delrace');
        for (let i = 0; i < 6; i++) {
          const category = await createCategory(uname('Race'));
          const [deleted, created] = await Promise.all([
            ctx.api.del(`/api/v1/admin/categories/${category.id}`, { token: adminToken }),
            ctx.api.post('/api/v1/products', { token: seller.token, body: { title: 'racer', categoryId: category.id, skus: [sku(1, 1)] } }),
          ]);
          if (created.status === 201) assertProblem(deleted, 409, 'invalid_state', `round ${i}: a product landed in it`);
          else {
            assertProblem(created, 400, 'validation_failed', `round ${i}: the category went first`);
            assert.equal(deleted.status, 204, deleted.text);
          }

          const parent = await createCategory(uname('RaceParent'));
          const [gone, child] = await Promise.all([
            ctx.api.del(`/api/v1/admin/categories/${parent.id}`, { token: adminToken }),
            ctx.api.post('/api/v1/admin/categories', { token: adminToken, body: { name: 'child', parentId: parent.id } }),
          ]);
          if (child.status === 201) assertProblem(gone, 409, 'invalid_state', `round ${i}: a child landed below it`);
          else {
            assertProblem(child, 400, 'validation_failed', `round ${i}: the parent went first`);
            assert.equal(gone.status, 204, gone.text);
          }

          const brand = await createBrand(uname('RaceBrand'));
          const [dropped, branded] = await Promise.all([
            ctx.api.del(`/api/v1/admin/brands/${brand.id}`, { token: adminToken }),
            ctx.api.post('/api/v1/products', { token: seller.token, body: { title: 'racer', brandId: brand.id, skus: [sku(1, 1)] } }),
          ]);
          if (branded.status === 201) assertProblem(dropped, 409, 'invalid_state', `round ${i}: a product carries the brand`);
          else {
            assertProblem(branded, 400, 'validation_failed', `round ${i}: the brand went first`);
            assert.equal(dropped.status, 204, dropped.text);
          }
        }
      });

      it('the audit is clean after everything above', async () => {
        await assertAuditClean(ctx.t);
      });
    });
  });
}
