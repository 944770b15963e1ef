export { minorUnitsPerUnit, isSafeAmount, type Money } from './money.js';
export { MoneySchema, PositiveMoneySchema, MAX_REQUEST_AMOUNT } from './money.schema.js';
