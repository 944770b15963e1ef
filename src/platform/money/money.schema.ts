import { Type } from '@sinclair/typebox';
import { strictObject } from '../http/index.js';

const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code' });

/** `{"amount": <integer minor units>, "currency": "CNY"}`. */
export const MoneySchema = strictObject({
  amount: Type.Integer({ minimum: -9_007_199_254_740_991, maximum: 9_007_199_254_740_991 }),
  currency: Currency,
});

/** Money a caller asks to move: at least one minor unit. */
export const PositiveMoneySchema = strictObject({
  amount: Type.Integer({ minimum: 1, maximum: 9_007_199_254_740_991 }),
  currency: Currency,
});
