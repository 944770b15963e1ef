import type { Logger } from 'pino';
import type { Db } from '../../platform/db/index.js';
import { AppError, type EventStream } from '../../platform/http/index.js';
import { isOver, toFlashSale, type FlashSale } from './flash-sale-view.js';
import * as store from './flashsale.store.js';
import type { SaleRow } from './flashsale.store.js';
import type { HotSales } from './hot-sale.js';

/** How often a watched sale's remaining quantity is read from the hot store. */
const TICK_MS = 500;
/** How often its row (window, state) is read again from the database. */
const ROW_REFRESH_MS = 5000;
const KEEP_ALIVE_MS = 15_000;

interface Watched {
  streams: Set<EventStream>;
  row: SaleRow;
  rowAt: number;
  last: string;
  sent: number;
  timer: NodeJS.Timeout;
  busy: boolean;
}

/**
 * The public live view of sales (the flash-sale page's countdown and remaining quantity): one
 * reader per watched sale in this process, whatever the number of viewers, sending a `sale`
 * event to each of them when its status or remaining quantity changes. No SQL per viewer and
 * none per tick: the row is refreshed every few seconds, the quantity read from the hot store.
 */
export function createSaleLive(deps: { db: Db; hot: HotSales; logger: Logger }) {
  const { db, hot, logger } = deps;
  const watched = new Map<string, Watched>();

  async function current(w: Watched): Promise<FlashSale> {
    if (Date.now() - w.rowAt > ROW_REFRESH_MS) {
      w.row = (await store.findSale(db, w.row.id)) ?? w.row;
      w.rowAt = Date.now();
    }
    return toFlashSale(w.row, isOver(w.row, Date.now()) ? 0 : await hot.remaining(w.row.id));
  }

  function broadcast(w: Watched, sale: FlashSale, force: boolean): void {
    const text = JSON.stringify(sale);
    if (!force && text === w.last) return;
    w.last = text;
    w.sent += 1;
    for (const stream of w.streams) stream.send('sale', String(w.sent), sale);
  }

  async function tick(w: Watched): Promise<void> {
    if (w.busy) return;
    w.busy = true;
    try {
      broadcast(w, await current(w), false);
    } catch (error) {
      logger.warn({ err: error, saleId: w.row.id }, 'live sale view failed; retrying');
    } finally {
      w.busy = false;
    }
  }

  function forget(saleId: string, w: Watched, stream: EventStream): void {
    w.streams.delete(stream);
    if (w.streams.size > 0) return;
    clearInterval(w.timer);
    watched.delete(saleId);
  }

  return {
    /** Opens the stream (404 for an unknown sale) and sends the sale as it is now, then its changes. */
    async subscribe(saleId: string, open: () => EventStream): Promise<void> {
      let w = watched.get(saleId);
      if (!w) {
        const row = await store.findSale(db, saleId);
        if (!row) throw new AppError('not_found', 'no such flash sale');
        w = watched.get(saleId); // another viewer may have started it meanwhile
        if (!w) {
          const created: Watched = { streams: new Set(), row, rowAt: Date.now(), last: '', sent: 0, busy: false, timer: setInterval(() => void tick(created), TICK_MS) };
          created.timer.unref();
          watched.set(saleId, created);
          w = created;
        }
      }
      const entry = w;
      const stream = open();
      entry.streams.add(stream);
      stream.onClose(() => forget(saleId, entry, stream));
      const keepAlive = setInterval(() => stream.comment('keep-alive'), KEEP_ALIVE_MS);
      keepAlive.unref();
      stream.onClose(() => clearInterval(keepAlive));
      try {
        const sale = await current(entry);
        entry.last = JSON.stringify(sale);
        entry.sent += 1;
        stream.send('sale', String(entry.sent), sale);
      } catch (error) {
        // The stream is open: the next tick sends the sale instead.
        logger.warn({ err: error, saleId }, 'live sale view failed; the next tick retries');
      }
    },

    stop(): void {
      for (const w of watched.values()) {
        clearInterval(w.timer);
        for (const stream of w.streams) stream.end();
      }
      watched.clear();
    },
  };
}

export type SaleLive = ReturnType<typeof createSaleLive>;
