import { useState, type FormEvent, type ReactNode } from 'react';
import { api } from '../../api/client';
import type { Order } from '../../api/types';
import { useAction } from '../../hooks';
import { useT } from '../../i18n';
import { FormAlert } from './form-kit';

/** Ship a paid order, with an optional carrier and tracking number (POST /orders/:id/ship). */
export function ShipForm({ orderId, onShipped }: { orderId: string; onShipped(order: Order): void }): ReactNode {
  const t = useT();
  const submission = useAction();
  const [carrier, setCarrier] = useState('');
  const [trackingNumber, setTrackingNumber] = useState('');

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const body = { ...(carrier.trim() && { carrier: carrier.trim() }), ...(trackingNumber.trim() && { trackingNumber: trackingNumber.trim() }) };
    const order = await submission.run(() => api<Order>(`/orders/${orderId}/ship`, { method: 'POST', body }));
    if (order) onShipped(order);
  };

  return (
    <form className="form" noValidate onSubmit={(e) => void submit(e)}>
      <div className="row">
        <label>
          {t('seller.orders.carrier')}
          <input value={carrier} maxLength={100} onChange={(e) => setCarrier(e.target.value)} placeholder={t('seller.coupons.optional')} data-testid="ship-carrier" />
        </label>
        <label>
          {t('seller.orders.tracking')}
          <input value={trackingNumber} maxLength={100} onChange={(e) => setTrackingNumber(e.target.value)} placeholder={t('seller.coupons.optional')} data-testid="ship-tracking" />
        </label>
      </div>
      <FormAlert error={submission.error} />
      <div className="actions">
        <button type="submit" disabled={submission.busy} data-testid="ship-order" data-order-id={orderId}>
          {t('seller.orders.ship')}
        </button>
      </div>
    </form>
  );
}
