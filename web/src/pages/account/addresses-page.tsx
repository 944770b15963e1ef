import { useState, type ReactNode } from 'react';
import { api } from '../../api/client';
import type { Address, Page } from '../../api/types';
import { Async, Empty, ErrorMessage } from '../../components/states';
import { useAction, useAsync, type Action } from '../../hooks';
import { useT } from '../../i18n';
import { AddressForm } from './address-form';
import { AddressLines } from './order-parts';

interface CardProps {
  address: Address;
  action: Action;
  onEdit(): void;
  onChanged(): void;
}

function AddressCard({ address, action, onEdit, onChanged }: CardProps): ReactNode {
  const t = useT();
  const path = `/addresses/${encodeURIComponent(address.id)}`;
  const setDefault = async (): Promise<void> => {
    if (await action.run(() => api<Address>(path, { method: 'PATCH', body: { isDefault: true } }))) onChanged();
  };
  const remove = async (): Promise<void> => {
    if (await action.run(() => api<void>(path, { method: 'DELETE' }).then(() => true))) onChanged();
  };
  return (
    <div className="card" style={{ display: 'grid', gap: '0.5rem' }} data-testid="address-row" data-address-id={address.id} data-default={address.isDefault}>
      {address.isDefault && (
        <span>
          <span className="badge status-active" data-testid="address-is-default">
            {t('account.address.default')}
          </span>
        </span>
      )}
      <AddressLines address={address} />
      <div style={{ display: 'flex', gap: '0.5rem', flexWrap: 'wrap' }}>
        <button type="button" className="secondary small" disabled={action.busy} onClick={onEdit} data-testid="address-edit">
          {t('action.edit')}
        </button>
        {!address.isDefault && (
          <button type="button" className="secondary small" disabled={action.busy} onClick={() => void setDefault()} data-testid="address-set-default">
            {t('account.address.setDefault')}
          </button>
        )}
        <button type="button" className="danger small" disabled={action.busy} onClick={() => void remove()} data-testid="address-delete">
          {t('action.delete')}
        </button>
      </div>
    </div>
  );
}

function AddressList({ addresses, onChanged }: { addresses: Address[]; onChanged(): void }): ReactNode {
  const t = useT();
  const [editing, setEditing] = useState<string | null>(null);
  const action = useAction();
  const saved = (): void => {
    setEditing(null);
    onChanged();
  };
  return (
    <div className="stack">
      <div className="toolbar" style={{ marginBottom: 0 }}>
        <button type="button" disabled={editing === 'new'} onClick={() => setEditing('new')} data-testid="address-add">
          {t('account.address.add')}
        </button>
      </div>
      {editing === 'new' && <AddressForm onSaved={saved} onCancel={() => setEditing(null)} />}
      <ErrorMessage error={action.error} />
      {addresses.length === 0 && editing !== 'new' && <Empty>{t('account.address.empty')}</Empty>}
      <div className="grid" style={{ gridTemplateColumns: 'repeat(auto-fill, minmax(16rem, 1fr))', alignItems: 'start' }}>
        {addresses.map((address) =>
          editing === address.id ? (
            <AddressForm key={address.id} address={address} onSaved={saved} onCancel={() => setEditing(null)} />
          ) : (
            <AddressCard key={address.id} address={address} action={action} onEdit={() => setEditing(address.id)} onChanged={onChanged} />
          ),
        )}
      </div>
    </div>
  );
}

/** /account/addresses: the address book used at checkout. */
export function AddressesPage(): ReactNode {
  const t = useT();
  const state = useAsync(() => api<Page<Address>>('/addresses'), []);
  return (
    <>
      <h1>{t('account.address.title')}</h1>
      <Async state={state}>{(page) => <AddressList addresses={page.items} onChanged={state.reload} />}</Async>
    </>
  );
}
