import { sql, type Selectable } from 'kysely';
import type { Executor } from '../../platform/db/index.js';
import type { CatalogTables, ProductStatus } from './catalog.tables.js';

export type ProductRow = Selectable<CatalogTables['catalog_products']>;
export type SkuRow = Selectable<CatalogTables['catalog_skus']>;
export type CategoryRow = Selectable<CatalogTables['catalog_categories']>;
export type BrandRow = Selectable<CatalogTables['catalog_brands']>;

export interface NewSku {
  id: string;
  name: string;
  attributes: Record<string, string>;
  price: number;
}

export async function insertProduct(
  db: Executor,
  product: { id: string; sellerId: string; title: string; description: string; categoryId: string | null; brandId: string | null; images: string[]; currency: string },
): Promise<void> {
  await db
    .insertInto('catalog_products')
    .values({
      id: product.id,
      seller_id: product.sellerId,
      title: product.title,
      description: product.description,
      category_id: product.categoryId,
      brand_id: product.brandId,
      images: JSON.stringify(product.images),
      currency: product.currency,
    })
    .execute();
}

/** Appends SKUs after the product's last position, in the order given. */
export async function insertSkus(db: Executor, productId: string, currency: string, skus: NewSku[]): Promise<void> {
  if (skus.length === 0) return;
  const last = await db.selectFrom('catalog_skus').select((eb) => eb.fn.max('position').as('p')).where('product_id', '=', productId).executeTakeFirst();
  const start = (last?.p ?? -1) + 1;
  await db
    .insertInto('catalog_skus')
    .values(skus.map((sku, i) => ({ id: sku.id, product_id: productId, position: start + i, name: sku.name, attributes: JSON.stringify(sku.attributes), price: sku.price, currency })))
    .execute();
}

export async function findProduct(db: Executor, id: string): Promise<ProductRow | undefined> {
  return db.selectFrom('catalog_products').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function skusOf(db: Executor, productIds: string[]): Promise<SkuRow[]> {
  if (productIds.length === 0) return [];
  return db.selectFrom('catalog_skus').selectAll().where('product_id', 'in', productIds).orderBy('product_id').orderBy('position').execute();
}

export async function findSkus(db: Executor, skuIds: string[]): Promise<(SkuRow & { seller_id: string; title: string; status: ProductStatus })[]> {
  if (skuIds.length === 0) return [];
  return db
    .selectFrom('catalog_skus as s')
    .innerJoin('catalog_products as p', 'p.id', 's.product_id')
    .selectAll('s')
    .select(['p.seller_id', 'p.title', 'p.status'])
    .where('s.id', '=', sql<string>`any(${skuIds}::uuid[])`)
    .execute();
}

export async function updateProduct(
  db: Executor,
  id: string,
  changes: Partial<{ title: string; description: string; status: ProductStatus; category_id: string | null; brand_id: string | null; images: string }>,
): Promise<void> {
  await db.updateTable('catalog_products').set({ ...changes, updated_at: new Date() }).where('id', '=', id).execute();
}

export async function updateSku(db: Executor, id: string, changes: Partial<{ name: string; attributes: string; price: number }>): Promise<void> {
  if (Object.keys(changes).length === 0) return;
  await db.updateTable('catalog_skus').set(changes).where('id', '=', id).execute();
}

export interface ProductFilter {
  q?: string;
  sellerId?: string;
  categoryId?: string;
  brandId?: string;
  minPrice?: number;
  maxPrice?: number;
  /** Only listed products (the public catalogue), or every status (a seller's own list). */
  listedOnly: boolean;
}

/** `%`, `_` and `\` taken literally in ILIKE. */
const likePattern = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Products matching the filter. With `q`: full-text matches (title weighs more than the
 * description) and title substrings (for words a space-less script writes together, as in
 * Chinese), ranked by relevance; page by offset. Without: newest first, keyset on `seq`.
 */
export async function searchProducts(db: Executor, filter: ProductFilter, page: { limit: number; afterSeq?: number; offset?: number }): Promise<(ProductRow & { rank: number })[]> {
  let query = db.selectFrom('catalog_products as p').selectAll('p');
  if (filter.listedOnly) query = query.where('p.status', '=', 'listed');
  if (filter.sellerId) query = query.where('p.seller_id', '=', filter.sellerId);
  if (filter.brandId) query = query.where('p.brand_id', '=', filter.brandId);
  if (filter.categoryId) {
    const root = filter.categoryId;
    query = query.where(
      'p.category_id',
      'in',
      sql<string>`(with recursive tree as (select id from catalog_categories where id = ${root} union all select c.id from catalog_categories c join tree t on c.parent_id = t.id) select id from tree)`,
    );
  }
  if (filter.minPrice !== undefined || filter.maxPrice !== undefined) {
    const min = filter.minPrice ?? 0;
    const max = filter.maxPrice ?? Number.MAX_SAFE_INTEGER;
    query = query.where(sql<boolean>`exists (select 1 from catalog_skus s where s.product_id = p.id and s.price between ${min} and ${max})`);
  }
  if (filter.q) {
    const tsquery = sql`websearch_to_tsquery('simple', ${filter.q})`;
    const titleMatch = sql<boolean>`p.title ilike ${likePattern(filter.q)}`;
    return query
      .select(sql<number>`ts_rank(p.search, ${tsquery}) + case when ${titleMatch} then 0.5 else 0 end`.as('rank'))
      .where(sql<boolean>`(p.search @@ ${tsquery} or ${titleMatch} or p.description ilike ${likePattern(filter.q)})`)
      .orderBy('rank', 'desc')
      .orderBy('p.seq', 'desc')
      .offset(page.offset ?? 0)
      .limit(page.limit)
      .execute();
  }
  if (page.afterSeq !== undefined) query = query.where('p.seq', '<', page.afterSeq);
  return query.select(sql<number>`0`.as('rank')).orderBy('p.seq', 'desc').limit(page.limit).execute();
}

// ---- categories and brands ----

export async function listCategories(db: Executor): Promise<CategoryRow[]> {
  return db.selectFrom('catalog_categories').selectAll().orderBy('position').orderBy('name').execute();
}

export async function findCategory(db: Executor, id: string): Promise<CategoryRow | undefined> {
  return db.selectFrom('catalog_categories').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The category and every category below it. */
export async function categorySubtree(db: Executor, id: string): Promise<string[]> {
  const result = await sql<{ id: string }>`
    with recursive tree as (select id from catalog_categories where id = ${id} union all select c.id from catalog_categories c join tree t on c.parent_id = t.id)
    select id from tree`.execute(db);
  return result.rows.map((r) => r.id);
}

export async function categoryInUse(db: Executor, id: string): Promise<boolean> {
  const child = await db.selectFrom('catalog_categories').select('id').where('parent_id', '=', id).limit(1).executeTakeFirst();
  const product = await db.selectFrom('catalog_products').select('id').where('category_id', '=', id).limit(1).executeTakeFirst();
  return child !== undefined || product !== undefined;
}

export async function listBrands(db: Executor): Promise<BrandRow[]> {
  return db.selectFrom('catalog_brands').selectAll().orderBy('name').execute();
}

export async function findBrand(db: Executor, id: string): Promise<BrandRow | undefined> {
  return db.selectFrom('catalog_brands').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function brandInUse(db: Executor, id: string): Promise<boolean> {
  return (await db.selectFrom('catalog_products').select('id').where('brand_id', '=', id).limit(1).executeTakeFirst()) !== undefined;
}
