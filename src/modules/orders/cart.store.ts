import type { Selectable } from 'kysely';
import type { Executor } from '../../platform/db/index.js';
import type { OrdersTables, ShippingAddress } from './orders.tables.js';

export type AddressRow = Selectable<OrdersTables['orders_addresses']>;

// ---- cart ----

export async function cartItems(db: Executor, userId: string): Promise<{ sku_id: string; quantity: number }[]> {
  return db.selectFrom('orders_cart_items').select(['sku_id', 'quantity']).where('user_id', '=', userId).orderBy('added_at').orderBy('sku_id').execute();
}

/** Adds to the line (a new line or more of it), capped at 999 units. */
export async function addToCart(db: Executor, userId: string, skuId: string, quantity: number): Promise<void> {
  await db
    .insertInto('orders_cart_items')
    .values({ user_id: userId, sku_id: skuId, quantity })
    .onConflict((oc) => oc.columns(['user_id', 'sku_id']).doUpdateSet((eb) => ({ quantity: eb.fn('least', [eb.val(999), eb('orders_cart_items.quantity', '+', eb.ref('excluded.quantity'))]) })))
    .execute();
}

export async function setCartQuantity(db: Executor, userId: string, skuId: string, quantity: number): Promise<boolean> {
  const row = await db.updateTable('orders_cart_items').set({ quantity }).where('user_id', '=', userId).where('sku_id', '=', skuId).returning('sku_id').executeTakeFirst();
  return row !== undefined;
}

export async function removeFromCart(db: Executor, userId: string, skuIds: string[]): Promise<number> {
  if (skuIds.length === 0) return 0;
  const rows = await db.deleteFrom('orders_cart_items').where('user_id', '=', userId).where('sku_id', 'in', skuIds).returning('sku_id').execute();
  return rows.length;
}

// ---- address book ----

export async function addresses(db: Executor, userId: string): Promise<AddressRow[]> {
  return db.selectFrom('orders_addresses').selectAll().where('user_id', '=', userId).orderBy('created_at').orderBy('id').execute();
}

/** Each user's default address, for orders placed without one (flash-sale purchases). */
export async function defaultAddresses(db: Executor, userIds: string[]): Promise<AddressRow[]> {
  if (userIds.length === 0) return [];
  return db.selectFrom('orders_addresses').selectAll().where('user_id', 'in', userIds).where('is_default', '=', true).execute();
}

export async function findAddress(db: Executor, userId: string, id: string): Promise<AddressRow | undefined> {
  return db.selectFrom('orders_addresses').selectAll().where('user_id', '=', userId).where('id', '=', id).executeTakeFirst();
}

export function addressColumns(address: Partial<ShippingAddress>) {
  return {
    ...(address.recipient !== undefined && { recipient: address.recipient }),
    ...(address.phone !== undefined && { phone: address.phone }),
    ...(address.line1 !== undefined && { line1: address.line1 }),
    ...('line2' in address && { line2: address.line2 ?? null }),
    ...(address.city !== undefined && { city: address.city }),
    ...('region' in address && { region: address.region ?? null }),
    ...('postalCode' in address && { postal_code: address.postalCode ?? null }),
    ...(address.country !== undefined && { country: address.country }),
  };
}

export async function insertAddress(db: Executor, row: { id: string; userId: string; address: ShippingAddress; isDefault: boolean }): Promise<void> {
  const { recipient, phone, line1, city, country } = row.address;
  await db
    .insertInto('orders_addresses')
    .values({ id: row.id, user_id: row.userId, recipient, phone, line1, city, country, line2: null, region: null, postal_code: null, ...addressColumns(row.address), is_default: row.isDefault })
    .execute();
}

export async function updateAddress(db: Executor, userId: string, id: string, changes: Partial<ShippingAddress> & { isDefault?: boolean }): Promise<void> {
  const set = { ...addressColumns(changes), ...(changes.isDefault !== undefined && { is_default: changes.isDefault }) };
  if (Object.keys(set).length === 0) return;
  await db.updateTable('orders_addresses').set(set).where('user_id', '=', userId).where('id', '=', id).execute();
}

export async function clearDefaultAddress(db: Executor, userId: string): Promise<void> {
  await db.updateTable('orders_addresses').set({ is_default: false }).where('user_id', '=', userId).where('is_default', '=', true).execute();
}

export async function deleteAddress(db: Executor, userId: string, id: string): Promise<boolean> {
  const row = await db.deleteFrom('orders_addresses').where('user_id', '=', userId).where('id', '=', id).returning('id').executeTakeFirst();
  return row !== undefined;
}
