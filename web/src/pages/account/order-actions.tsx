import { useState, type ReactNode } from 'react';
import { api, newIdempotencyKey } from '../../api/client';
import type { Order, SandboxPayResult } from '../../api/types';
import { ErrorMessage } from '../../components/states';
import { useAction, type Action } from '../../hooks';
import { useT } from '../../i18n';

interface Props {
  order: Order;
  onOrder(order: Order): void;
}

/** A POST on the order, sent once per press (a fresh Idempotency-Key each time). */
function post<T>(order: Order, verb: string, body?: unknown): Promise<T> {
  return api<T>(`/orders/${order.id}/${verb}`, { method: 'POST', body, headers: { 'Idempotency-Key': newIdempotencyKey() } });
}

function ActionButton({ action, name, testId, className, onPress, children }: { action: Action; name: string; testId: string; className?: string; onPress(): void; children: ReactNode }): ReactNode {
  return (
    <button type="button" className={className} disabled={action.busy} aria-busy={action.running === name} data-testid={testId} onClick={onPress}>
      {children}
    </button>
  );
}

function PendingActions({ order, onOrder, action }: Props & { action: Action }): ReactNode {
  const t = useT();
  const payWallet = async (): Promise<void> => {
    const paid = await action.run(() => post<Order>(order, 'pay', { method: 'wallet' }), 'wallet');
    if (paid) onOrder(paid);
  };
  const paySandbox = async (): Promise<void> => {
    const result = await action.run(() => post<SandboxPayResult>(order, 'pay', { method: 'sandbox' }), 'sandbox');
    if (!result) return;
    onOrder(result.order);
    window.location.assign(`${result.payment.payUrl}?return=${encodeURIComponent(`/account/orders/${order.id}`)}`);
  };
  const cancel = async (): Promise<void> => {
    const cancelled = await action.run(() => post<Order>(order, 'cancel'), 'cancel');
    if (cancelled) onOrder(cancelled);
  };
  return (
    <>
      <ActionButton action={action} name="wallet" testId="pay-wallet" onPress={() => void payWallet()}>
        {t('account.order.payWallet')}
      </ActionButton>
      <ActionButton action={action} name="sandbox" testId="pay-sandbox" className="secondary" onPress={() => void paySandbox()}>
        {t('account.order.paySandbox')}
      </ActionButton>
      <ActionButton action={action} name="cancel" testId="cancel-order" className="danger" onPress={() => void cancel()}>
        {t('account.order.cancel')}
      </ActionButton>
    </>
  );
}

function RefundAction({ order, onOrder, action }: Props & { action: Action }): ReactNode {
  const t = useT();
  const [reason, setReason] = useState('');
  const refund = async (): Promise<void> => {
    const text = reason.trim();
    const refunded = await action.run(() => post<Order>(order, 'refund', text ? { reason: text } : {}), 'refund');
    if (refunded) onOrder(refunded);
  };
  return (
    <div className="inline-form" style={{ flex: 1 }}>
      <label style={{ display: 'grid', gap: '0.3rem', flex: 1, minWidth: '12rem' }}>
        {t('account.order.refundReasonLabel')}
        <input value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} placeholder={t('form.optional')} data-testid="refund-reason" />
      </label>
      <ActionButton action={action} name="refund" testId="refund-order" className="danger" onPress={() => void refund()}>
        {t('account.order.refund')}
      </ActionButton>
    </div>
  );
}

function ConfirmAction({ order, onOrder, action }: Props & { action: Action }): ReactNode {
  const t = useT();
  const confirm = async (): Promise<void> => {
    const completed = await action.run(() => post<Order>(order, 'confirm-receipt'), 'confirm');
    if (completed) onOrder(completed);
  };
  return (
    <ActionButton action={action} name="confirm" testId="confirm-receipt" onPress={() => void confirm()}>
      {t('account.order.confirmReceipt')}
    </ActionButton>
  );
}

/** The buttons the buyer may press in the order's current state. */
export function OrderActions({ order, onOrder }: Props): ReactNode {
  const action = useAction();
  let buttons: ReactNode = null;
  if (order.status === 'pending_payment') buttons = <PendingActions order={order} onOrder={onOrder} action={action} />;
  else if (order.status === 'paid') buttons = <RefundAction order={order} onOrder={onOrder} action={action} />;
  else if (order.status === 'shipped') buttons = <ConfirmAction order={order} onOrder={onOrder} action={action} />;
  if (!buttons) return null;
  return (
    <div className="stack" style={{ gap: '0.5rem' }}>
      <div className="actions" style={{ display: 'flex', gap: '0.5rem', flexWrap: 'wrap', alignItems: 'end' }} data-testid="order-actions">
        {buttons}
      </div>
      <ErrorMessage error={action.error} />
    </div>
  );
}
