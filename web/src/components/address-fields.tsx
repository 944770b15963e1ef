import type { InputHTMLAttributes, ReactNode } from 'react';
import type { ShippingAddress } from '../api/types';
import { useT } from '../i18n';

const REQUIRED = ['recipient', 'phone', 'line1', 'city', 'country'] as const;
const OPTIONAL = ['line2', 'region', 'postalCode'] as const;
type Field = (typeof REQUIRED)[number] | (typeof OPTIONAL)[number];

/** An address as typed: every field a string, '' when left empty. */
export type AddressValues = Record<Field, string>;

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
/** The schema's patterns, written to be valid under the `v` flag browsers compile `pattern` with. */
const EXTRA: Partial<Record<Field, InputHTMLAttributes<HTMLInputElement>>> = {
  phone: { type: 'tel', autoComplete: 'tel', pattern: '[0-9+\\(\\)\\- ]{3,30}' },
  country: { pattern: '[A-Z]{2}', autoCapitalize: 'characters', autoComplete: 'country' },
};

/** The values of a form for `address`, or of an empty one (country CN). */
export function addressValues(address?: ShippingAddress): AddressValues {
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

/**
 * What the API takes, trimmed. An empty optional field is left out (the API rejects '' where it
 * wants text or nothing), or sent as '' to clear it when `clearEmpty` (an edit).
 */
export function addressBody(values: AddressValues, clearEmpty = false): ShippingAddress {
  const body: ShippingAddress = { recipient: values.recipient.trim(), phone: values.phone.trim(), line1: values.line1.trim(), city: values.city.trim(), country: values.country.trim() };
  for (const field of OPTIONAL) if (clearEmpty || values[field].trim()) body[field] = values[field].trim();
  return body;
}

function FieldInput({ field, values, onChange }: { field: Field; values: AddressValues; onChange(values: AddressValues): void }): ReactNode {
  const t = useT();
  const required = (REQUIRED as readonly string[]).includes(field);
  return (
    <label>
      {t(`address.${field}`)}
      {!required && <small> ({t('form.optional')})</small>}
      <input
        name={field}
        value={values[field]}
        required={required}
        maxLength={MAX_LENGTH[field]}
        onChange={(e) => onChange({ ...values, [field]: field === 'country' ? e.target.value.toUpperCase() : e.target.value })}
        data-testid={TEST_ID[field]}
        {...EXTRA[field]}
      />
      {(field === 'phone' || field === 'country') && <small>{t(`address.${field}Hint`)}</small>}
    </label>
  );
}

const ROWS: Field[][] = [['recipient', 'phone'], ['line1'], ['line2'], ['city', 'region'], ['postalCode', 'country']];

/** The fields of a shipping address (at checkout and in the address book). */
export function AddressFields({ values, onChange }: { values: AddressValues; onChange(values: AddressValues): void }): ReactNode {
  return ROWS.map((fields) => (
    <div key={fields.join()} className="row">
      {fields.map((field) => (
        <FieldInput key={field} field={field} values={values} onChange={onChange} />
      ))}
    </div>
  ));
}
