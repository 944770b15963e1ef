import type { ReactNode } from 'react';
import { useT } from '../i18n';

/** The currencies the server enables by default (API.md "Conventions"). */
const CURRENCIES = ['CNY', 'USD', 'JPY'] as const;

/** A currency picker: the enabled currencies, or the given ones (e.g. the wallet's accounts). */
export function CurrencySelect({ value, onChange, testId, currencies = CURRENCIES }: { value: string; onChange(currency: string): void; testId: string; currencies?: readonly string[] }): ReactNode {
  const t = useT();
  return (
    <label>
      {t('field.currency')}
      <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        {currencies.map((currency) => (
          <option key={currency} value={currency}>
            {currency}
          </option>
        ))}
      </select>
    </label>
  );
}
