/** An amount of money: integer minor units (cents, fen, yen) and its ISO 4217 currency. */
export interface Money {
  amount: number;
  currency: string;
}

/** ISO 4217 minor-unit exponents that differ from the usual 2. */
const EXPONENTS: Record<string, number> = { JPY: 0, KRW: 0, VND: 0, CLP: 0, ISK: 0, BHD: 3, KWD: 3, OMR: 3, JOD: 3, TND: 3 };

/** Minor units in one whole unit of the currency (100 for CNY and USD, 1 for JPY). */
export function minorUnitsPerUnit(currency: string): number {
  return 10 ** (EXPONENTS[currency] ?? 2);
}

export function isSafeAmount(amount: number): boolean {
  return Number.isSafeInteger(amount);
}
