export { minorUnitsPerUnit, isSafeAmount, type Money } from './money.js';
export { MoneySchema, PositiveMoneySchema } from './money.schema.js';
