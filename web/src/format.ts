import type { Money } from './api/types';

/** Minor units per unit of each currency (ISO 4217 exponents of the enabled currencies). */
const EXPONENTS: Record<string, number> = { CNY: 2, USD: 2, EUR: 2, GBP: 2, JPY: 0, KRW: 0 };

export function exponentOf(currency: string): number {
  return EXPONENTS[currency] ?? 2;
}

/** One sum per currency, in the order the currencies first appear. */
export function sumByCurrency(items: Money[]): Money[] {
  const sums = new Map<string, number>();
  for (const money of items) sums.set(money.currency, (sums.get(money.currency) ?? 0) + money.amount);
  return [...sums].map(([currency, amount]) => ({ amount, currency }));
}

/** `{amount: 12345, currency: 'CNY'}` → `¥123.45` in the visitor's language. */
export function formatMoney(money: Money, language: string): string {
  const exponent = exponentOf(money.currency);
  return new Intl.NumberFormat(language, { style: 'currency', currency: money.currency, currencyDisplay: 'narrowSymbol', minimumFractionDigits: exponent, maximumFractionDigits: exponent }).format(
    money.amount / 10 ** exponent,
  );
}

/**
 * What a person typed ("12.5") → integer minor units (1250), or null when it is not a valid
 * amount for the currency. Parsed from the text, never through a float multiply.
 */
export function parseAmount(text: string, currency: string): number | null {
  const exponent = exponentOf(currency);
  const match = /^\s*(\d{1,12})(?:[.,](\d*))?\s*$/.exec(text);
  if (!match) return null;
  const fraction = match[2] ?? '';
  if (fraction.length > exponent) return null;
  return Number(match[1]) * 10 ** exponent + Number(fraction.padEnd(exponent, '0') || '0');
}

/** Minor units → the text a person would type ("12.50"). */
export function amountText(amount: number, currency: string): string {
  const exponent = exponentOf(currency);
  return exponent === 0 ? String(amount) : (amount / 10 ** exponent).toFixed(exponent);
}

export function formatDateTime(iso: string, language: string): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

export function formatDate(iso: string, language: string): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium' }).format(new Date(iso));
}

/** Milliseconds → `mm:ss`, or `h:mm:ss` from an hour on. */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const mmss = `${String(minutes).padStart(2, '0')}:${String(seconds).padStart(2, '0')}`;
  return hours > 0 ? `${hours}:${mmss}` : mmss;
}
