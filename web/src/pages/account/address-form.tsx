import { useState, type FormEvent, type ReactNode } from 'react';
import { api } from '../../api/client';
import type { Address } from '../../api/types';
import { ErrorMessage } from '../../components/states';
import { useT } from '../../i18n';
import { useAction } from './use-action';

const REQUIRED = ['recipient', 'phone', 'line1', 'city', 'country'] as const;
const OPTIONAL = ['line2', 'region', 'postalCode'] as const;
type Field = (typeof REQUIRED)[number] | (typeof OPTIONAL)[number];
type Values = Record<Field, string>;

/** Limits of the server's ShippingAddressSchema (orders.schemas.ts). */
const MAX_LENGTH: Record<Field, number> = { recipient: 100, phone: 30, line1: 200, line2: 200, city: 100, region: 100, postalCode: 20, country: 2 };
const TEST_ID: Record<Field, string> = {
  recipient: 'address-recipient',
  phone: 'address-phone',
  line1: 'address-line1',
  line2: 'address-line2',
  city: 'address-city',
  region: 'address-region',
  postalCode: 'address-postal-code',
  country: 'address-country',
};

function valuesOf(address: Address | undefined): Values {
  return {
    recipient: address?.recipient ?? '',
    phone: address?.phone ?? '',
    line1: address?.line1 ?? '',
    line2: address?.line2 ?? '',
    city: address?.city ?? '',
    region: address?.region ?? '',
    postalCode: address?.postalCode ?? '',
    country: address?.country ?? 'CN',
  };
}

/** The request body: a new address leaves out empty optional fields, an edit clears them with ''. */
function bodyOf(values: Values, isDefault: boolean, editing: boolean): Record<string, string | boolean> {
  const body: Record<string, string | boolean> = { isDefault };
  for (const field of REQUIRED) body[field] = values[field].trim();
  for (const field of OPTIONAL) if (editing || values[field].trim()) body[field] = values[field].trim();
  return body;
}

function FieldInput({ field, values, onChange }: { field: Field; values: Values; onChange(field: Field, value: string): void }): ReactNode {
  const t = useT();
  const required = (REQUIRED as readonly string[]).includes(field);
  const extra =
    field === 'phone'
      ? { type: 'tel', autoComplete: 'tel' }
      : field === 'country'
        ? { pattern: '[A-Z]{2}', autoCapitalize: 'characters', autoComplete: 'country' }
        : {};
  return (
    <label>
      {t(`account.address.${field}`)}
      {!required && <small> ({t('account.order.optional')})</small>}
      <input
        name={field}
        value={values[field]}
        required={required}
        maxLength={MAX_LENGTH[field]}
        onChange={(e) => onChange(field, field === 'country' ? e.target.value.toUpperCase() : e.target.value)}
        data-testid={TEST_ID[field]}
        {...extra}
      />
      {(field === 'phone' || field === 'country') && <small>{t(`account.address.${field}Hint`)}</small>}
    </label>
  );
}

/** Adds an address (no `address`) or edits one. */
export function AddressForm({ address, onSaved, onCancel }: { address?: Address; onSaved(): void; onCancel(): void }): ReactNode {
  const t = useT();
  const [values, setValues] = useState(() => valuesOf(address));
  const [isDefault, setIsDefault] = useState(address?.isDefault ?? false);
  const action = useAction();
  const change = (field: Field, value: string): void => setValues((old) => ({ ...old, [field]: value }));
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const body = bodyOf(values, isDefault, address !== undefined);
    const path = address ? `/addresses/${encodeURIComponent(address.id)}` : '/addresses';
    const saved = await action.run('save', () => api<Address>(path, { method: address ? 'PATCH' : 'POST', body }));
    if (saved) onSaved();
  };
  const row = (fields: Field[]): ReactNode => (
    <div className="row">
      {fields.map((field) => (
        <FieldInput key={field} field={field} values={values} onChange={change} />
      ))}
    </div>
  );
  return (
    <form className="card form" onSubmit={(e) => void submit(e)} data-testid="address-form">
      <h3>{t(address ? 'account.address.editTitle' : 'account.address.addTitle')}</h3>
      {row(['recipient', 'phone'])}
      {row(['line1'])}
      {row(['line2'])}
      {row(['city', 'region'])}
      {row(['postalCode', 'country'])}
      <label style={{ display: 'flex', gap: '0.5rem', alignItems: 'center' }}>
        <input type="checkbox" checked={isDefault} onChange={(e) => setIsDefault(e.target.checked)} data-testid="address-default" />
        {t('account.address.makeDefault')}
      </label>
      <ErrorMessage error={action.error} />
      <div className="actions">
        <button type="submit" disabled={action.running !== null} data-testid="address-save">
          {t('action.save')}
        </button>
        <button type="button" className="secondary" onClick={onCancel} data-testid="address-cancel">
          {t('action.cancel')}
        </button>
      </div>
    </form>
  );
}
