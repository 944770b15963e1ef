import type { Logger } from 'pino';
import { AppError } from '../../platform/http/index.js';
import { shippingPart, type CartService } from './cart.service.js';
import type { Order } from './order-view.js';
import type { ShippingAddress } from './orders.tables.js';
import type { Caller, OrdersService } from './orders.service.js';
import type { PlacementSaga } from './place-order.saga.js';

export interface ShippingChoice {
  addressId?: string;
  shippingAddress?: ShippingAddress;
}

/** The address an order copies: an address-book entry (the caller's own) or one given inline. */
export async function resolveShipping(cart: CartService, userId: string, choice: ShippingChoice, fallbackToDefault: boolean): Promise<ShippingAddress | null> {
  if (choice.addressId && choice.shippingAddress) throw new AppError('validation_failed', 'give addressId or shippingAddress, not both', { errors: [{ path: '/addressId', message: 'conflicts with shippingAddress' }] });
  if (choice.addressId) return shippingPart(await cart.address(userId, choice.addressId));
  if (choice.shippingAddress) return choice.shippingAddress;
  if (!fallbackToDefault) return null;
  const chosen = (await cart.addresses(userId)).find((a) => a.isDefault);
  return chosen ? shippingPart(chosen) : null;
}

export interface CheckoutInput extends ShippingChoice {
  /** Only these cart lines (default: every purchasable line). */
  skuIds?: string[];
  /** A claimed coupon per seller. */
  coupons?: { sellerId: string; code: string }[];
}

/**
 * Turns the cart into one order per seller, each placed by the saga. All or nothing: when one
 * seller's order cannot be placed, the ones placed before it are cancelled (everything they
 * held goes back) and the error is answered. The ordered lines leave the cart.
 */
export async function checkout(deps: { cart: CartService; saga: PlacementSaga; orders: OrdersService; logger: Logger }, caller: Caller, input: CheckoutInput): Promise<Order[]> {
  const { cart, saga, orders } = deps;
  const lines = (await cart.cart(caller.userId)).items.filter((line) => (input.skuIds ? input.skuIds.includes(line.skuId) : line.purchasable));
  if (lines.length === 0) throw new AppError('invalid_state', 'nothing in the cart to check out');
  const bySeller = new Map<string, typeof lines>();
  for (const line of lines) bySeller.set(line.sellerId, [...(bySeller.get(line.sellerId) ?? []), line]);
  for (const coupon of input.coupons ?? []) {
    if (!bySeller.has(coupon.sellerId)) throw new AppError('validation_failed', 'a coupon names a seller with nothing in this checkout', { errors: [{ path: '/coupons', message: `no goods of seller ${coupon.sellerId}` }] });
  }
  const shippingAddress = await resolveShipping(cart, caller.userId, input, true);
  const placed: string[] = [];
  try {
    for (const [sellerId, group] of bySeller) {
      const couponCode = input.coupons?.find((c) => c.sellerId === sellerId)?.code;
      placed.push(await saga.place({ buyerId: caller.userId, items: group.map((l) => ({ skuId: l.skuId, quantity: l.quantity })), ...(couponCode && { couponCode }), shippingAddress }));
    }
  } catch (error) {
    for (const id of placed) await orders.cancel(caller, id).catch((e: unknown) => deps.logger.error({ err: e, orderId: id }, 'checkout rollback: cancelling an order failed'));
    throw error;
  }
  await cart.removeLines(caller.userId, lines.map((l) => l.skuId));
  const result: Order[] = [];
  for (const id of placed) result.push(await orders.get(caller, id));
  return result;
}
