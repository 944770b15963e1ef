import { createBusyBatcher } from '../../platform/busy-batcher.js';
import { inTransaction, type Db, type Executor } from '../../platform/db/index.js';
import { AppError } from '../../platform/http/index.js';
import type { Money } from '../../platform/money/index.js';
import type { InventoryService } from '../inventory/index.js';
import { newId } from '../../platform/ids.js';
import * as store from './catalog.store.js';
import type { ProductRow, SkuRow } from './catalog.store.js';
import type { ProductStatus } from './catalog.tables.js';

export interface SkuView {
  id: string;
  name: string;
  attributes: Record<string, string>;
  price: Money;
  stock: number;
}

export interface Product {
  id: string;
  sellerId: string;
  title: string;
  description: string;
  status: ProductStatus;
  categoryId: string | null;
  brandId: string | null;
  images: string[];
  skus: SkuView[];
  createdAt: string;
}

export interface SkuInput {
  name?: string;
  attributes?: Record<string, string>;
  price: Money;
  stock: number;
}

export interface ProductInput {
  title: string;
  description?: string;
  categoryId?: string;
  brandId?: string;
  images?: string[];
  skus: SkuInput[];
}

export interface ProductChanges {
  title?: string;
  description?: string;
  status?: ProductStatus;
  categoryId?: string | null;
  brandId?: string | null;
  images?: string[];
}

/** What an order needs to know of a SKU: the price always comes from here. */
export interface SkuForSale {
  skuId: string;
  productId: string;
  sellerId: string;
  title: string;
  price: Money;
  listed: boolean;
}

export interface ProductQuery extends Omit<store.ProductFilter, 'listedOnly'> {
  limit: number;
  cursor?: string;
}

/** A category or brand deleted after the reference check: the foreign key refuses the row (23503). */
function referenceGone(error: unknown): never {
  if ((error as { code?: unknown } | null)?.code === '23503') throw new AppError('validation_failed', 'the category or brand no longer exists');
  throw error;
}

/** Search results use an offset cursor (`o<n>`), newest-first lists a keyset one (`s<seq>`); the route checks the shape. */
export const PRODUCT_CURSOR = '^[so][0-9]{1,15}$';

function parseCursor(cursor: string | undefined): { afterSeq?: number; offset?: number } {
  if (!cursor) return {};
  const value = Number(cursor.slice(1));
  return cursor.startsWith('s') ? { afterSeq: value } : { offset: value };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function readSkusForSale(executor: Executor, skuIds: string[]): Promise<SkuForSale[]> {
  const rows = await store.findSkus(executor, skuIds);
  return rows.map((row) => ({
    skuId: row.id,
    productId: row.product_id,
    sellerId: row.seller_id,
    title: row.name ? `${row.title} (${row.name})` : row.title,
    price: { amount: row.price, currency: row.currency },
    listed: row.status === 'listed',
  }));
}

export function createCatalogService(db: Db, inventory: InventoryService, currencies: string[]) {
  /** Every order placement reads its SKUs: while one read is in flight, the next callers' ids go together in one query. */
  const sharedSkuRead = createBusyBatcher<string[], SkuForSale[]>(async (requests) => {
    const found = new Map((await readSkusForSale(db, [...new Set(requests.flat())])).map((sku) => [sku.skuId, sku]));
    return requests.map((ids) => ids.flatMap((id) => found.get(id) ?? []));
  }, 200);

  async function toProducts(executor: Executor, rows: ProductRow[]): Promise<Product[]> {
    const skus = await store.skusOf(executor, rows.map((r) => r.id));
    const stock = await inventory.stockLevels(executor, skus.map((s) => s.id));
    const byProduct = new Map<string, SkuRow[]>();
    for (const sku of skus) byProduct.set(sku.product_id, [...(byProduct.get(sku.product_id) ?? []), sku]);
    return rows.map((row) => ({
      id: row.id,
      sellerId: row.seller_id,
      title: row.title,
      description: row.description,
      status: row.status,
      categoryId: row.category_id,
      brandId: row.brand_id,
      images: row.images,
      skus: (byProduct.get(row.id) ?? []).map((sku) => ({
        id: sku.id,
        name: sku.name,
        attributes: sku.attributes,
        price: { amount: sku.price, currency: sku.currency },
        stock: stock.get(sku.id)?.available ?? 0,
      })),
      createdAt: row.created_at.toISOString(),
    }));
  }

  async function productOrThrow(executor: Executor, id: string): Promise<Product> {
    const row = await store.findProduct(executor, id);
    const [product] = row ? await toProducts(executor, [row]) : [];
    if (!product) throw new AppError('not_found', 'no such product');
    return product;
  }

  /** The caller's own product (anyone else's answers 404, like one that does not exist). */
  async function ownProduct(executor: Executor, sellerId: string, id: string): Promise<ProductRow> {
    const row = await store.findProduct(executor, id);
    if (!row || row.seller_id !== sellerId) throw new AppError('not_found', 'no such product');
    return row;
  }

  async function checkReferences(executor: Executor, refs: { categoryId?: string | null; brandId?: string | null }): Promise<void> {
    if (refs.categoryId && !(await store.findCategory(executor, refs.categoryId))) {
      throw new AppError('validation_failed', 'no such category', { errors: [{ path: '/categoryId', message: 'unknown category' }] });
    }
    if (refs.brandId && !(await store.findBrand(executor, refs.brandId))) {
      throw new AppError('validation_failed', 'no such brand', { errors: [{ path: '/brandId', message: 'unknown brand' }] });
    }
  }

  function checkSkuCurrency(skus: SkuInput[], currency: string): void {
    if (!currencies.includes(currency)) throw new AppError('validation_failed', `currency ${currency} is not enabled`, { errors: [{ path: '/skus/0/price/currency', message: `must be one of ${currencies.join(', ')}` }] });
    skus.forEach((sku, i) => {
      if (sku.price.currency !== currency) throw new AppError('validation_failed', 'all SKUs of a product share one currency', { errors: [{ path: `/skus/${i}/price/currency`, message: `must be ${currency}` }] });
    });
  }

  async function addSkus(tx: Executor, productId: string, sellerId: string, currency: string, skus: SkuInput[]): Promise<void> {
    const rows = skus.map((sku) => ({ id: newId(), name: sku.name ?? '', attributes: sku.attributes ?? {}, price: sku.price.amount }));
    await store.insertSkus(tx, productId, currency, rows);
    for (const [i, row] of rows.entries()) await inventory.createStock(tx, row.id, skus[i]?.stock ?? 0, sellerId);
  }

  return {
    /** Publishes a product with its SKUs and their opening stock. */
    async createProduct(sellerId: string, input: ProductInput): Promise<Product> {
      const currency = input.skus[0]?.price.currency ?? '';
      checkSkuCurrency(input.skus, currency);
      const id = newId();
      return inTransaction(db, async (tx) => {
        await checkReferences(tx, input);
        await store.insertProduct(tx, {
          id,
          sellerId,
          title: input.title,
          description: input.description ?? '',
          categoryId: input.categoryId ?? null,
          brandId: input.brandId ?? null,
          images: input.images ?? [],
          currency,
        });
        await addSkus(tx, id, sellerId, currency, input.skus);
        return productOrThrow(tx, id);
      }).catch(referenceGone);
    },

    async addSkus(sellerId: string, productId: string, skus: SkuInput[]): Promise<Product> {
      return inTransaction(db, async (tx) => {
        // Serializes additions to one product: positions (max + 1) and the 100-SKU cap are read-then-write.
        await tx.selectFrom('catalog_products').select('id').where('id', '=', productId).forUpdate().execute();
        const product = await ownProduct(tx, sellerId, productId);
        checkSkuCurrency(skus, product.currency);
        const existing = await store.skusOf(tx, [productId]);
        if (existing.length + skus.length > 100) throw new AppError('validation_failed', 'a product has at most 100 SKUs', { errors: [{ path: '/skus', message: 'too many SKUs' }] });
        await addSkus(tx, productId, sellerId, product.currency, skus);
        return productOrThrow(tx, productId);
      });
    },

    getProduct: (id: string): Promise<Product> => productOrThrow(db, id),

    async listProducts(query: ProductQuery & { listedOnly: boolean }): Promise<{ items: Product[]; nextCursor: string | null }> {
      const page = parseCursor(query.cursor);
      const rows = await store.searchProducts(db, query, { limit: query.limit + 1, ...page });
      const items = await toProducts(db, rows.slice(0, query.limit));
      let nextCursor: string | null = null;
      if (rows.length > query.limit) {
        const last = rows[query.limit - 1];
        nextCursor = query.q ? `o${(page.offset ?? 0) + query.limit}` : `s${last?.seq ?? 0}`;
      }
      return { items, nextCursor };
    },

    async updateProduct(sellerId: string, id: string, changes: ProductChanges): Promise<Product> {
      return inTransaction(db, async (tx) => {
        await ownProduct(tx, sellerId, id);
        await checkReferences(tx, changes);
        await store.updateProduct(tx, id, {
          ...(changes.title !== undefined && { title: changes.title }),
          ...(changes.description !== undefined && { description: changes.description }),
          ...(changes.status !== undefined && { status: changes.status }),
          ...(changes.categoryId !== undefined && { category_id: changes.categoryId }),
          ...(changes.brandId !== undefined && { brand_id: changes.brandId }),
          ...(changes.images !== undefined && { images: JSON.stringify(changes.images) }),
        });
        return productOrThrow(tx, id);
      }).catch(referenceGone);
    },

    /** A SKU's name, attributes or price (the seller's own; orders placed later pay the new price). */
    async updateSku(sellerId: string, skuId: string, changes: { name?: string; attributes?: Record<string, string>; price?: Money }): Promise<Product> {
      return inTransaction(db, async (tx) => {
        const [sku] = await store.findSkus(tx, [skuId]);
        if (!sku || sku.seller_id !== sellerId) throw new AppError('not_found', 'no such SKU');
        if (changes.price && changes.price.currency !== sku.currency) throw new AppError('validation_failed', 'a SKU keeps its currency', { errors: [{ path: '/price/currency', message: `must be ${sku.currency}` }] });
        await store.updateSku(tx, skuId, {
          ...(changes.name !== undefined && { name: changes.name }),
          ...(changes.attributes !== undefined && { attributes: JSON.stringify(changes.attributes) }),
          ...(changes.price !== undefined && { price: changes.price.amount }),
        });
        return productOrThrow(tx, sku.product_id);
      });
    },

    /** The seller adds or removes stock; below zero → 409 insufficient_stock. */
    async adjustStock(sellerId: string, skuId: string, delta: number, reason: string | undefined): Promise<{ skuId: string; stock: number }> {
      return inTransaction(db, async (tx) => {
        const [sku] = await store.findSkus(tx, [skuId]);
        if (!sku || sku.seller_id !== sellerId) throw new AppError('not_found', 'no such SKU');
        const stock = await inventory.adjustStock(tx, skuId, delta, { actorId: sellerId, reason: 'adjustment', note: reason ?? null });
        return { skuId, stock };
      });
    },

    /** SKUs as orders and flash sales see them (missing ids are left out). */
    /** The SKUs' seller, title, price and listing; reads outside a transaction share one query while one is in flight. */
    async skusForSale(executor: Executor, skuIds: string[]): Promise<SkuForSale[]> {
      const wanted = skuIds.filter((id) => UUID.test(id)); // no other id exists: one malformed id must not fail a shared read
      return executor === db ? sharedSkuRead(wanted) : readSkusForSale(executor, wanted);
    },
  };
}

export type CatalogService = ReturnType<typeof createCatalogService>;
