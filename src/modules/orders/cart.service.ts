import { inTransaction, type Db } from '../../platform/db/index.js';
import { AppError } from '../../platform/http/index.js';
import type { Money } from '../../platform/money/index.js';
import type { CatalogService, SkuForSale } from '../catalog/index.js';
import type { InventoryService } from '../inventory/index.js';
import { newId } from '../../platform/ids.js';
import * as store from './cart.store.js';
import type { AddressRow } from './cart.store.js';
import type { ShippingAddress } from './orders.tables.js';

export interface CartLine {
  skuId: string;
  productId: string;
  sellerId: string;
  title: string;
  quantity: number;
  unitPrice: Money;
  stock: number;
  /** Listed, and enough stock for the quantity: checkout would take it. */
  purchasable: boolean;
}

export interface Cart {
  items: CartLine[];
  /** The purchasable lines' value, per currency. */
  totals: Money[];
}

export interface Address extends ShippingAddress {
  id: string;
  isDefault: boolean;
}

const MAX_CART_LINES = 100;
const MAX_ADDRESSES = 50;

export function toAddress(row: AddressRow): Address {
  return {
    id: row.id,
    recipient: row.recipient,
    phone: row.phone,
    line1: row.line1,
    ...(row.line2 !== null && { line2: row.line2 }),
    city: row.city,
    ...(row.region !== null && { region: row.region }),
    ...(row.postal_code !== null && { postalCode: row.postal_code }),
    country: row.country,
    isDefault: row.is_default,
  };
}

/** The part of an address that an order copies. */
export function shippingPart(address: Address): ShippingAddress {
  const { id: _id, isDefault: _isDefault, ...shipping } = address;
  return shipping;
}

/** Carts (current prices and stock, never stored prices) and address books. */
export function createCartService(db: Db, catalog: CatalogService, inventory: InventoryService) {
  async function sku(userId: string, skuId: string): Promise<SkuForSale> {
    const [found] = await catalog.skusForSale(db, [skuId]);
    if (!found) throw new AppError('not_found', 'no such SKU');
    if (found.sellerId === userId) throw new AppError('cannot_buy_own_product', 'you cannot buy your own product');
    if (!found.listed) throw new AppError('product_unavailable', 'the product is not on sale');
    return found;
  }

  async function addressOrThrow(userId: string, id: string): Promise<Address> {
    const row = await store.findAddress(db, userId, id);
    if (!row) throw new AppError('not_found', 'no such address');
    return toAddress(row);
  }

  return {
    async cart(userId: string): Promise<Cart> {
      const lines = await store.cartItems(db, userId);
      const skus = new Map((await catalog.skusForSale(db, lines.map((l) => l.sku_id))).map((s) => [s.skuId, s]));
      const stock = await inventory.stockLevels(db, lines.map((l) => l.sku_id));
      const items: CartLine[] = [];
      for (const line of lines) {
        const found = skus.get(line.sku_id);
        if (!found) continue;
        const available = stock.get(line.sku_id)?.available ?? 0;
        items.push({ skuId: found.skuId, productId: found.productId, sellerId: found.sellerId, title: found.title, quantity: line.quantity, unitPrice: found.price, stock: available, purchasable: found.listed && available >= line.quantity });
      }
      const totals = new Map<string, number>();
      for (const item of items) if (item.purchasable) totals.set(item.unitPrice.currency, (totals.get(item.unitPrice.currency) ?? 0) + item.unitPrice.amount * item.quantity);
      return { items, totals: [...totals].map(([currency, amount]) => ({ amount, currency })) };
    },

    async add(userId: string, skuId: string, quantity: number): Promise<void> {
      await sku(userId, skuId);
      await inTransaction(db, async (tx) => {
        const lines = await store.cartItems(tx, userId);
        if (lines.length >= MAX_CART_LINES && !lines.some((l) => l.sku_id === skuId)) throw new AppError('validation_failed', `a cart holds at most ${MAX_CART_LINES} lines`);
        await store.addToCart(tx, userId, skuId, quantity);
      });
    },

    async setQuantity(userId: string, skuId: string, quantity: number): Promise<void> {
      if (!(await store.setCartQuantity(db, userId, skuId, quantity))) throw new AppError('not_found', 'that SKU is not in your cart');
    },

    async remove(userId: string, skuId: string): Promise<void> {
      if ((await store.removeFromCart(db, userId, [skuId])) === 0) throw new AppError('not_found', 'that SKU is not in your cart');
    },

    removeLines: (userId: string, skuIds: string[]) => store.removeFromCart(db, userId, skuIds),

    async addresses(userId: string): Promise<Address[]> {
      return (await store.addresses(db, userId)).map(toAddress);
    },

    address: addressOrThrow,

    async addAddress(userId: string, input: ShippingAddress & { isDefault?: boolean }): Promise<Address> {
      const { isDefault, ...address } = input;
      const id = newId();
      await inTransaction(db, async (tx) => {
        const existing = await store.addresses(tx, userId);
        if (existing.length >= MAX_ADDRESSES) throw new AppError('validation_failed', `an address book holds at most ${MAX_ADDRESSES} addresses`);
        // The first address is the default until another is chosen.
        const makeDefault = isDefault === true || existing.length === 0;
        if (makeDefault) await store.clearDefaultAddress(tx, userId);
        await store.insertAddress(tx, { id, userId, address, isDefault: makeDefault });
      });
      return addressOrThrow(userId, id);
    },

    async updateAddress(userId: string, id: string, changes: Partial<ShippingAddress> & { isDefault?: boolean }): Promise<Address> {
      await inTransaction(db, async (tx) => {
        if (!(await store.findAddress(tx, userId, id))) throw new AppError('not_found', 'no such address');
        if (changes.isDefault === true) await store.clearDefaultAddress(tx, userId);
        await store.updateAddress(tx, userId, id, changes);
      });
      return addressOrThrow(userId, id);
    },

    async deleteAddress(userId: string, id: string): Promise<void> {
      if (!(await store.deleteAddress(db, userId, id))) throw new AppError('not_found', 'no such address');
    },
  };
}

export type CartService = ReturnType<typeof createCartService>;
