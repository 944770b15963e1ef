import { Type } from '@sinclair/typebox';
import { strictObject } from '../http/index.js';

const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code' });

/** `{"amount": <integer minor units>, "currency": "CNY"}`. */
export const MoneySchema = strictObject({
  amount: Type.Integer({ minimum: -9_007_199_254_740_991, maximum: 9_007_199_254_740_991 }),
  currency: Currency,
});

/**
 * The most one request may move: 10^12 minor units (ten billion yuan or dollars). Far below
 * 2^53, so no sum of requests can push a balance out of exact integer range unnoticed.
 */
export const MAX_REQUEST_AMOUNT = 1_000_000_000_000;

/** Money a caller asks to move: at least one minor unit, at most MAX_REQUEST_AMOUNT. */
export const PositiveMoneySchema = strictObject({
  amount: Type.Integer({ minimum: 1, maximum: MAX_REQUEST_AMOUNT }),
  currency: Currency,
});
