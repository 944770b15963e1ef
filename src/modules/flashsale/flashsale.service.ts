import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { inTransaction, type Db, type Tx } from '../../platform/db/index.js';
import { AppError } from '../../platform/http/index.js';
import { scheduleJob } from '../../platform/jobs/index.js';
import type { Money } from '../../platform/money/index.js';
import type { CatalogService } from '../catalog/index.js';
import type { InventoryService } from '../inventory/index.js';
import { newId } from '../../platform/ids.js';
import type { Admission } from './admission.js';
import { hotDefinition, isOver, toFlashSale, type FlashSale, type SaleStatus } from './flash-sale-view.js';
import * as store from './flashsale.store.js';
import type { SaleRow } from './flashsale.store.js';
import type { HotSales } from './hot-sale.js';

export interface Caller {
  userId: string;
  isAdmin: boolean;
}

export interface NewSaleInput {
  skuId: string;
  price: Money;
  quantity: number;
  startsAt: Date;
  endsAt: Date;
  perUserLimit?: number;
  requireToken?: boolean;
}

export interface PurchaseStatus {
  purchaseId: string;
  status: 'queued' | 'succeeded' | 'failed';
  orderId?: string;
  reason?: string;
}

export interface FlashsaleDeps {
  db: Db;
  hot: HotSales;
  admission: Admission;
  catalog: CatalogService;
  inventory: InventoryService;
  logger: Logger;
  tokenMultiple: number;
  tokenTtlSeconds: number;
}

const notFound = () => new AppError('not_found', 'no such flash sale');

/** Sales: create, list, start early, order tokens, purchases and their results. */
export function createFlashsaleService(deps: FlashsaleDeps) {
  const { db, hot, admission, catalog, inventory, logger } = deps;

  async function view(row: SaleRow): Promise<FlashSale> {
    return toFlashSale(row, isOver(row, Date.now()) ? 0 : await hot.remaining(row.id));
  }

  /** Warms the hot state now; if it fails, the reconciler does it within seconds. */
  async function warm(row: SaleRow): Promise<void> {
    await hot.warm(hotDefinition(row), row.stock, new Map(), []).catch((error: unknown) => logger.warn({ err: error, saleId: row.id }, 'warming a flash sale failed; the reconciler will'));
  }

  /** Why the hot store held nothing: no such sale (404), an ended one (409), or one being rebuilt (503). */
  async function notReady(saleId: string): Promise<never> {
    const row = await store.findSale(db, saleId);
    if (!row) throw notFound();
    if (isOver(row, Date.now())) throw new AppError('sale_ended', 'the sale has ended');
    throw new AppError('service_unavailable', 'the sale is being restored; retry shortly', { retryAfterSeconds: 1 });
  }

  return {
    async create(caller: Caller, input: NewSaleInput): Promise<FlashSale> {
      const [sku] = await catalog.skusForSale(db, [input.skuId]);
      if (!sku) throw new AppError('not_found', 'no such SKU');
      if (sku.sellerId !== caller.userId && !caller.isAdmin) throw new AppError('forbidden', "only the SKU's seller or an admin may put it on sale");
      if (!sku.listed) throw new AppError('product_unavailable', 'the product is not listed');
      const invalid = (path: string, message: string) => new AppError('validation_failed', message, { errors: [{ path, message }] });
      if (input.price.currency !== sku.price.currency) throw invalid('/price/currency', `the SKU is priced in ${sku.price.currency}`);
      if (input.startsAt.getTime() < Date.now() - 1000) throw invalid('/startsAt', 'must be in the future');
      if (input.endsAt.getTime() <= input.startsAt.getTime()) throw invalid('/endsAt', 'must be after startsAt');
      const row = await inTransaction(db, async (tx) => {
        const id = newId();
        const sale = await store.insertSale(tx, {
          id,
          sku_id: sku.skuId,
          product_id: sku.productId,
          seller_id: sku.sellerId,
          title: sku.title,
          currency: input.price.currency,
          price: input.price.amount,
          quantity: input.quantity,
          stock: input.quantity,
          per_user_limit: input.perUserLimit ?? 1,
          require_token: input.requireToken ?? false,
          starts_at: input.startsAt,
          ends_at: input.endsAt,
          settled_at: null,
          created_by: caller.userId,
        });
        await inventory.adjustStock(tx, sku.skuId, -input.quantity, { actorId: caller.userId, reason: 'flash_sale_allocated', note: id });
        await scheduleJob(tx, 'flashsale.start', { saleId: id }, { runAt: input.startsAt, key: `flashsale.start:${id}` });
        await scheduleJob(tx, 'flashsale.end', { saleId: id }, { runAt: input.endsAt, key: `flashsale.end:${id}` });
        return sale;
      });
      await warm(row);
      return view(row);
    },

    async get(id: string): Promise<FlashSale> {
      const row = await store.findSale(db, id);
      if (!row) throw notFound();
      return view(row);
    },

    async list(filter: { status?: SaleStatus; sellerId?: string }, limit: number, beforeSeq?: number): Promise<{ items: FlashSale[]; nextCursor: string | null }> {
      const when = filter.status === 'active' || filter.status === 'sold_out' ? 'running' : filter.status;
      const rows = await store.listSales(db, { ...(when && { when }), ...(filter.sellerId && { sellerId: filter.sellerId }) }, limit + 1, beforeSeq);
      const page = rows.slice(0, limit);
      const sales = await Promise.all(page.map((row) => view(row)));
      return {
        items: filter.status ? sales.filter((sale) => sale.status === filter.status) : sales,
        nextCursor: rows.length > limit ? String(page[page.length - 1]?.seq) : null,
      };
    },

    /** Back office: how many flash sales were ever created. */
    countSales: () => store.countSales(db),

    /** Admin: a scheduled sale starts now. */
    async startNow(id: string): Promise<FlashSale> {
      const row = await inTransaction(db, async (tx) => {
        const sale = await store.findSale(tx, id, { lock: true });
        if (!sale) throw notFound();
        if (isOver(sale, Date.now())) throw new AppError('sale_ended', 'the sale has ended');
        if (sale.state !== 'scheduled' || sale.starts_at.getTime() <= Date.now()) throw new AppError('invalid_state', 'the sale has already started');
        return (await store.markActive(tx, id, new Date())) ?? sale;
      });
      await hot.update({ id, startsAt: row.starts_at, endsAt: row.ends_at, ended: false });
      return view(row);
    },

    /** Job: the sale is active from its start (admission already opens by the hot state's window). */
    async markStarted(tx: Tx, id: string): Promise<void> {
      await store.markActive(tx, id);
    },

    /** Job: no more admissions; the unsold quantity goes back once the last purchase is decided (reconciler). */
    async end(tx: Tx, id: string): Promise<void> {
      const row = await store.markEnded(tx, id);
      if (row) await hot.update({ id, startsAt: row.starts_at, endsAt: row.ends_at, ended: true });
    },

    async issueToken(caller: Caller, saleId: string): Promise<{ token: string; expiresAt: string }> {
      const now = Date.now();
      const fresh = randomBytes(18).toString('base64url');
      const result = await hot.issueToken(saleId, caller.userId, fresh, deps.tokenTtlSeconds * 1000, deps.tokenMultiple, now);
      if (result.code === 1) return notReady(saleId);
      if (result.code === 5) throw new AppError('sale_ended', 'the sale has ended');
      if (result.code === 7) throw new AppError('sold_out', 'every order token of this sale has been issued');
      return { token: result.token, expiresAt: new Date(now + result.ttlMs).toISOString() };
    },

    async purchase(caller: Caller, saleId: string, quantity: number, token: string | undefined): Promise<{ purchaseId: string; status: 'queued' }> {
      const admitted = await admission.admit(saleId, caller.userId, quantity, token);
      if (admitted === 'not_ready') return notReady(saleId);
      return { purchaseId: admitted.purchaseId, status: 'queued' };
    },

    /** Its buyer only (anyone else: 404). The hot store first: a purchase leaves it only after its answer committed. */
    async purchaseStatus(caller: Caller, saleId: string, purchaseId: string): Promise<PurchaseStatus> {
      const queuedFor = await hot.queuedBuyer(saleId, purchaseId);
      if (queuedFor !== undefined) {
        if (queuedFor !== caller.userId) throw new AppError('not_found', 'no such purchase');
        return { purchaseId, status: 'queued' };
      }
      const row = await store.findPurchase(db, saleId, purchaseId);
      if (!row || row.buyer_id !== caller.userId) throw new AppError('not_found', 'no such purchase');
      return { purchaseId, status: row.status, ...(row.order_id && { orderId: row.order_id }), ...(row.reason && { reason: row.reason }) };
    },
  };
}

export type FlashsaleService = ReturnType<typeof createFlashsaleService>;
