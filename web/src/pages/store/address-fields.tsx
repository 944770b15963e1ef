import type { ReactNode } from 'react';
import type { ShippingAddress } from '../../api/types';
import { useT } from '../../i18n';

export const EMPTY_ADDRESS: ShippingAddress = { recipient: '', phone: '', line1: '', city: '', country: 'CN' };

/** The fields of a shipping address (recipient, phone, street, city, region, postcode, country). */
export function AddressFields({ value, onChange }: { value: ShippingAddress; onChange(next: ShippingAddress): void }): ReactNode {
  const t = useT();
  const field = (name: keyof ShippingAddress, options: { required?: boolean; pattern?: string; maxLength?: number } = {}): ReactNode => (
    <label>
      {t(`store.address.${name}`)}
      <input
        name={name}
        data-testid={`address-${name}`}
        required={options.required}
        pattern={options.pattern}
        maxLength={options.maxLength ?? 200}
        value={value[name] ?? ''}
        onChange={(e) => onChange({ ...value, [name]: name === 'country' ? e.target.value.toUpperCase() : e.target.value })}
      />
    </label>
  );
  return (
    <>
      <div className="row">
        {field('recipient', { required: true, maxLength: 100 })}
        {field('phone', { required: true, pattern: '[0-9+\\(\\)\\- ]{3,30}', maxLength: 30 })}
      </div>
      {field('line1', { required: true })}
      {field('line2')}
      <div className="row">
        {field('city', { required: true, maxLength: 100 })}
        {field('region', { maxLength: 100 })}
        {field('postalCode', { maxLength: 20 })}
        {field('country', { required: true, pattern: '[A-Z]{2}', maxLength: 2 })}
      </div>
    </>
  );
}

/** Drops empty optional fields: the API rejects empty strings where it wants text or nothing. */
export function cleanAddress(address: ShippingAddress): ShippingAddress {
  const clean: ShippingAddress = { recipient: address.recipient.trim(), phone: address.phone.trim(), line1: address.line1.trim(), city: address.city.trim(), country: address.country.trim() };
  if (address.line2?.trim()) clean.line2 = address.line2.trim();
  if (address.region?.trim()) clean.region = address.region.trim();
  if (address.postalCode?.trim()) clean.postalCode = address.postalCode.trim();
  return clean;
}
