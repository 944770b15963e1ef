import { useState, type FormEvent, type ReactNode } from 'react';
import { api } from '../../api/client';
import type { Address } from '../../api/types';
import { AddressFields, addressBody, addressValues } from '../../components/address-fields';
import { ErrorMessage } from '../../components/states';
import { useAction } from '../../hooks';
import { useT } from '../../i18n';

/** Adds an address (no `address`) or edits one; an edit clears the optional fields left empty. */
export function AddressForm({ address, onSaved, onCancel }: { address?: Address; onSaved(): void; onCancel(): void }): ReactNode {
  const t = useT();
  const [values, setValues] = useState(() => addressValues(address));
  const [isDefault, setIsDefault] = useState(address?.isDefault ?? false);
  const action = useAction();
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const body = { ...addressBody(values, address !== undefined), isDefault };
    const path = address ? `/addresses/${encodeURIComponent(address.id)}` : '/addresses';
    const saved = await action.run(() => api<Address>(path, { method: address ? 'PATCH' : 'POST', body }));
    if (saved) onSaved();
  };
  return (
    <form className="card form" onSubmit={(e) => void submit(e)} data-testid="address-form">
      <h3>{t(address ? 'account.address.editTitle' : 'account.address.addTitle')}</h3>
      <AddressFields values={values} onChange={setValues} />
      <label style={{ display: 'flex', gap: '0.5rem', alignItems: 'center' }}>
        <input type="checkbox" checked={isDefault} onChange={(e) => setIsDefault(e.target.checked)} data-testid="address-default" />
        {t('account.address.makeDefault')}
      </label>
      <ErrorMessage error={action.error} />
      <div className="actions">
        <button type="submit" disabled={action.busy} data-testid="address-save">
          {t('action.save')}
        </button>
        <button type="button" className="secondary" onClick={onCancel} data-testid="address-cancel">
          {t('action.cancel')}
        </button>
      </div>
    </form>
  );
}
