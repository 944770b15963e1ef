import { useState, type ReactNode } from 'react';
import { api, newIdempotencyKey } from '../../api/client';
import type { Money, RechargeCreated, Withdrawal } from '../../api/types';
import { MoneyText } from '../../components/states';
import { useT } from '../../i18n';
import { AmountForm } from './amount-form';

/** Starts a recharge and sends the person to the payment provider, who brings them back here. */
export function RechargeForm({ currencies }: { currencies: string[] }): ReactNode {
  const t = useT();
  const send = async (amount: Money): Promise<void> => {
    const recharge = await api<RechargeCreated>('/wallet/recharges', { method: 'POST', body: { amount }, headers: { 'Idempotency-Key': newIdempotencyKey() } });
    const back = `/account/wallet?recharge=${encodeURIComponent(recharge.id)}`;
    window.location.assign(`${recharge.payUrl}?return=${encodeURIComponent(back)}`);
  };
  return <AmountForm title={t('account.wallet.recharge')} submitLabel={t('account.wallet.rechargeSubmit')} testPrefix="recharge" currencies={currencies} send={send} />;
}

/** Takes money out of the available balance (refused with insufficient_funds beyond it). */
export function WithdrawForm({ currencies, onDone }: { currencies: string[]; onDone(): void }): ReactNode {
  const t = useT();
  const [done, setDone] = useState<Money | null>(null);
  const send = async (amount: Money): Promise<void> => {
    setDone(null);
    const withdrawal = await api<Withdrawal>('/wallet/withdrawals', { method: 'POST', body: { amount }, headers: { 'Idempotency-Key': newIdempotencyKey() } });
    setDone(withdrawal.amount);
    onDone();
  };
  return (
    <div className="stack" style={{ gap: '0.5rem', alignContent: 'start' }}>
      <AmountForm title={t('account.wallet.withdraw')} submitLabel={t('account.wallet.withdrawSubmit')} testPrefix="withdraw" currencies={currencies} send={send} />
      {done && (
        <p className="success-box" role="status" data-testid="withdraw-result">
          {t('account.wallet.withdrawDone')} <MoneyText money={done} />
        </p>
      )}
    </div>
  );
}
