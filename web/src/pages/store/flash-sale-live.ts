import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, newIdempotencyKey } from '../../api/client';
import { subscribe } from '../../api/event-stream';
import type { FlashSale, Order, Purchase } from '../../api/types';
import { useLiveNotifications } from '../../notifications';

/** The sale, kept current by its public SSE stream (status and remaining as they change). */
export function useLiveSale(id: string): { sale: FlashSale | undefined; error: unknown; reload(): void } {
  const [sale, setSale] = useState<FlashSale>();
  const [error, setError] = useState<unknown>(null);
  const reload = useCallback(() => {
    api<FlashSale>(`/flash-sales/${id}`).then(setSale, setError);
  }, [id]);
  useEffect(() => {
    reload();
    return subscribe(`/flash-sales/${id}/stream`, (event) => {
      if (event.event === 'sale') setSale(JSON.parse(event.data) as FlashSale);
    });
  }, [id, reload]);
  return { sale, error, reload };
}

const storageKey = (saleId: string, userId: string): string => `flashmart.purchase.${saleId}.${userId}`;

export interface PurchaseState {
  purchase: Purchase | undefined;
  order: Order | undefined;
  error: unknown;
  pressed: boolean;
  buy(): Promise<void>;
}

/**
 * One buyer's purchase in one sale: the press (token first when the sale wants one), then the
 * answer: pushed by the notification stream, with a poll as the safety net. Remembered across
 * reloads of the page.
 */
export function usePurchase(sale: FlashSale | undefined, userId: string | undefined): PurchaseState {
  const saleId = sale?.id;
  const [purchase, setPurchase] = useState<Purchase>();
  const [order, setOrder] = useState<Order>();
  const [error, setError] = useState<unknown>(null);
  const [pressed, setPressed] = useState(false);

  useEffect(() => {
    if (!saleId || !userId) return;
    const remembered = localStorage.getItem(storageKey(saleId, userId));
    if (remembered) setPurchase({ purchaseId: remembered, status: 'queued' });
  }, [saleId, userId]);

  const refresh = useCallback(async () => {
    if (!saleId || !purchase || purchase.status !== 'queued') return;
    try {
      const latest = await api<Purchase>(`/flash-sales/${saleId}/purchases/${purchase.purchaseId}`);
      setPurchase(latest);
      if (latest.orderId) setOrder(await api<Order>(`/orders/${latest.orderId}`));
    } catch (reason) {
      if (reason instanceof ApiError && reason.code === 'not_found' && userId) localStorage.removeItem(storageKey(saleId, userId));
      if (!(reason instanceof ApiError) || reason.code === 'not_found') setPurchase(undefined);
      setError(reason);
    }
  }, [saleId, purchase, userId]);

  useEffect(() => {
    if (purchase?.status !== 'queued') return;
    void refresh();
    const timer = setInterval(() => void refresh(), 1000);
    return () => clearInterval(timer);
  }, [purchase?.status, refresh]);

  useLiveNotifications((notification) => {
    if (notification.type.startsWith('flashsale.purchase')) void refresh();
  });

  const buy = useCallback(async () => {
    if (!sale || !userId) return;
    setPressed(true);
    setError(null);
    try {
      const token = sale.requireToken ? (await api<{ token: string }>(`/flash-sales/${sale.id}/tokens`, { method: 'POST' })).token : undefined;
      const answer = await api<Purchase>(`/flash-sales/${sale.id}/purchases`, {
        method: 'POST',
        body: token ? { quantity: 1, token } : { quantity: 1 },
        headers: { 'idempotency-key': newIdempotencyKey() },
      });
      localStorage.setItem(storageKey(sale.id, userId), answer.purchaseId);
      setPurchase(answer);
    } catch (reason) {
      setError(reason);
      // Only a refusal that may pass later lets the buyer press again.
      if (reason instanceof ApiError && ['rate_limited', 'sale_not_started', 'service_unavailable', 'network_error'].includes(reason.code)) setPressed(false);
    }
  }, [sale, userId]);

  return { purchase, order, error, pressed: pressed || purchase !== undefined, buy };
}
