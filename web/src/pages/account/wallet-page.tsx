import { useCallback, useState, type ReactNode } from 'react';
import { api } from '../../api/client';
import type { Wallet, WalletAccount } from '../../api/types';
import { Async, MoneyText } from '../../components/states';
import { useAsync } from '../../hooks';
import { useT } from '../../i18n';
import { useLocation } from '../../router';
import { RechargeResult } from './recharge-result';
import { RechargeForm, WithdrawForm } from './wallet-forms';
import { WalletLedger } from './wallet-ledger';

function AccountCard({ account }: { account: WalletAccount }): ReactNode {
  const t = useT();
  const { currency } = account;
  return (
    <div className="card stat" data-testid={`wallet-account-${currency}`}>
      <h3>{currency}</h3>
      <div className="muted">{t('account.wallet.available')}</div>
      <div className="value" data-testid={`wallet-available-${currency}`} data-amount={account.available}>
        <MoneyText money={{ amount: account.available, currency }} />
      </div>
      <div className="muted" style={{ marginTop: '0.4rem' }}>
        {t('account.wallet.frozen')}{' '}
        <span data-testid={`wallet-frozen-${currency}`} data-amount={account.frozen}>
          <MoneyText money={{ amount: account.frozen, currency }} />
        </span>
      </div>
    </div>
  );
}

function Balances({ wallet }: { wallet: Wallet }): ReactNode {
  const t = useT();
  return (
    <div className="stats">
      {wallet.accounts.map((account) => (
        <AccountCard key={account.currency} account={account} />
      ))}
      <div className="card stat">
        <h3>{t('account.wallet.points')}</h3>
        <div className="value" data-testid="wallet-points" data-amount={wallet.points}>
          {wallet.points}
        </div>
      </div>
    </div>
  );
}

/** /account/wallet: balances, recharge and withdrawal, and the ledger. */
export function WalletPage(): ReactNode {
  const t = useT();
  const { search } = useLocation();
  const rechargeId = search.get('recharge');
  const state = useAsync(() => api<Wallet>('/wallet'), []);
  const [version, setVersion] = useState(0);
  const { reload } = state;
  const refresh = useCallback(() => {
    reload();
    setVersion((v) => v + 1);
  }, [reload]);
  return (
    <>
      <h1>{t('account.wallet.title')}</h1>
      {rechargeId && (
        <div style={{ marginBottom: '1rem' }}>
          <RechargeResult key={rechargeId} id={rechargeId} onSettled={refresh} />
        </div>
      )}
      <Async state={state}>
        {(wallet) => {
          const currencies = wallet.accounts.map((account) => account.currency);
          return (
            <div className="stack">
              <Balances wallet={wallet} />
              <div className="grid" style={{ gridTemplateColumns: 'repeat(auto-fit, minmax(16rem, 1fr))', alignItems: 'start' }}>
                <RechargeForm currencies={currencies} />
                <WithdrawForm currencies={currencies} onDone={refresh} />
              </div>
              <WalletLedger currencies={currencies} version={version} />
            </div>
          );
        }}
      </Async>
    </>
  );
}
