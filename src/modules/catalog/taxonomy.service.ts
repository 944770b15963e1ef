import { sql } from 'kysely';
import { inTransaction, isUniqueViolation, type Db, type Executor } from '../../platform/db/index.js';
import { AppError } from '../../platform/http/index.js';
import { newId } from '../../platform/ids.js';
import * as store from './catalog.store.js';
import type { BrandRow, CategoryRow } from './catalog.store.js';

export interface Category {
  id: string;
  parentId: string | null;
  name: string;
  position: number;
}

export interface CategoryNode extends Category {
  children: CategoryNode[];
}

export interface Brand {
  id: string;
  name: string;
  logoUrl: string | null;
}

const toCategory = (row: CategoryRow): Category => ({ id: row.id, parentId: row.parent_id, name: row.name, position: row.position });
const toBrand = (row: BrandRow): Brand => ({ id: row.id, name: row.name, logoUrl: row.logo_url });

/** Builds the tree from a flat list (ordered by position, then name). */
function toTree(categories: Category[]): CategoryNode[] {
  const nodes = new Map(categories.map((c) => [c.id, { ...c, children: [] as CategoryNode[] }]));
  const roots: CategoryNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parentId ? nodes.get(node.parentId) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}

async function categoryOrThrow(db: Executor, id: string): Promise<CategoryRow> {
  const row = await store.findCategory(db, id);
  if (!row) throw new AppError('not_found', 'no such category');
  return row;
}

async function parentOrThrow(db: Executor, parentId: string): Promise<void> {
  if (!(await store.findCategory(db, parentId))) throw new AppError('validation_failed', 'no such parent category', { errors: [{ path: '/parentId', message: 'unknown category' }] });
}

/** 23503 foreign_key_violation: a concurrent insert or delete slipped past the check before it; answer as the check would have. */
function foreignKeyRaced(error: unknown, instead: () => AppError): never {
  if ((error as { code?: unknown } | null)?.code === '23503') throw instead();
  throw error;
}
const parentGone = (error: unknown): never =>
  foreignKeyRaced(error, () => new AppError('validation_failed', 'no such parent category', { errors: [{ path: '/parentId', message: 'unknown category' }] }));

function brandNameTaken(error: unknown): never {
  if (isUniqueViolation(error)) throw new AppError('invalid_state', 'a brand with this name exists');
  throw error;
}

/** Categories (a tree) and brands: read by everyone, changed by administrators. */
export function createTaxonomyService(db: Db) {
  return {
    async categoryTree(): Promise<CategoryNode[]> {
      return toTree((await store.listCategories(db)).map(toCategory));
    },

    async createCategory(input: { name: string; parentId?: string | null; position?: number }): Promise<Category> {
      return inTransaction(db, async (tx) => {
        if (input.parentId) await parentOrThrow(tx, input.parentId);
        const id = newId();
        await tx.insertInto('catalog_categories').values({ id, name: input.name, parent_id: input.parentId ?? null, position: input.position ?? 0 }).execute();
        return toCategory(await categoryOrThrow(tx, id));
      }).catch(parentGone);
    },

    async updateCategory(id: string, changes: { name?: string; parentId?: string | null; position?: number }): Promise<Category> {
      return inTransaction(db, async (tx) => {
        await categoryOrThrow(tx, id);
        if (changes.parentId) {
          // One move at a time: two concurrent moves (A below B, B below A) would each pass the check and make a loop.
          await sql`lock table catalog_categories in share row exclusive mode`.execute(tx);
          await parentOrThrow(tx, changes.parentId);
          // A category cannot move below itself: that would cut a loop out of the tree.
          if ((await store.categorySubtree(tx, id)).includes(changes.parentId)) throw new AppError('invalid_state', 'a category cannot be moved below itself');
        }
        await tx
          .updateTable('catalog_categories')
          .set({
            ...(changes.name !== undefined && { name: changes.name }),
            ...(changes.parentId !== undefined && { parent_id: changes.parentId }),
            ...(changes.position !== undefined && { position: changes.position }),
          })
          .where('id', '=', id)
          .execute();
        return toCategory(await categoryOrThrow(tx, id));
      }).catch(parentGone);
    },

    async deleteCategory(id: string): Promise<void> {
      await inTransaction(db, async (tx) => {
        await categoryOrThrow(tx, id);
        if (await store.categoryInUse(tx, id)) throw new AppError('invalid_state', 'the category still has sub-categories or products');
        await tx.deleteFrom('catalog_categories').where('id', '=', id).execute();
      }).catch((error: unknown) => foreignKeyRaced(error, () => new AppError('invalid_state', 'the category still has sub-categories or products')));
    },

    async brands(): Promise<Brand[]> {
      return (await store.listBrands(db)).map(toBrand);
    },

    async createBrand(input: { name: string; logoUrl?: string | null }): Promise<Brand> {
      const id = newId();
      await db.insertInto('catalog_brands').values({ id, name: input.name, logo_url: input.logoUrl ?? null }).execute().catch(brandNameTaken);
      return { id, name: input.name, logoUrl: input.logoUrl ?? null };
    },

    async updateBrand(id: string, changes: { name?: string; logoUrl?: string | null }): Promise<Brand> {
      const updated = await db
        .updateTable('catalog_brands')
        .set({ ...(changes.name !== undefined && { name: changes.name }), ...(changes.logoUrl !== undefined && { logo_url: changes.logoUrl }) })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst()
        .catch(brandNameTaken);
      if (!updated) throw new AppError('not_found', 'no such brand');
      return toBrand(updated);
    },

    async deleteBrand(id: string): Promise<void> {
      await inTransaction(db, async (tx) => {
        if (!(await store.findBrand(tx, id))) throw new AppError('not_found', 'no such brand');
        if (await store.brandInUse(tx, id)) throw new AppError('invalid_state', 'products still carry this brand');
        await tx.deleteFrom('catalog_brands').where('id', '=', id).execute();
      }).catch((error: unknown) => foreignKeyRaced(error, () => new AppError('invalid_state', 'products still carry this brand')));
    },
  };
}

export type TaxonomyService = ReturnType<typeof createTaxonomyService>;
