import { Type } from '@sinclair/typebox';
import { strictObject } from '../../platform/http/index.js';
import { MoneySchema } from '../../platform/money/index.js';

export const Uuid = Type.String({ format: 'uuid' });
const Time = Type.String({ format: 'date-time' });

export const ShippingAddressSchema = strictObject({
  recipient: Type.String({ minLength: 1, maxLength: 100 }),
  phone: Type.String({ pattern: '^[0-9+()\\- ]{3,30}$' }),
  line1: Type.String({ minLength: 1, maxLength: 200 }),
  line2: Type.Optional(Type.String({ maxLength: 200 })),
  city: Type.String({ minLength: 1, maxLength: 100 }),
  region: Type.Optional(Type.String({ maxLength: 100 })),
  postalCode: Type.Optional(Type.String({ maxLength: 20 })),
  country: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2' }),
});

export const AddressSchema = strictObject({ id: Type.String(), ...ShippingAddressSchema.properties, isDefault: Type.Boolean() });

export const OrderStatusSchema = Type.Union([
  Type.Literal('pending_payment'),
  Type.Literal('paid'),
  Type.Literal('shipped'),
  Type.Literal('completed'),
  Type.Literal('cancelled'),
  Type.Literal('refunded'),
]);

export const OrderSchema = strictObject({
  id: Type.String(),
  buyerId: Type.String(),
  sellerId: Type.String(),
  status: OrderStatusSchema,
  source: Type.Union([Type.Literal('regular'), Type.Literal('flash_sale')]),
  flashSaleId: Type.Optional(Type.String()),
  items: Type.Array(strictObject({ skuId: Type.String(), productId: Type.String(), title: Type.String(), quantity: Type.Integer(), unitPrice: MoneySchema })),
  subtotal: MoneySchema,
  discount: MoneySchema,
  total: MoneySchema,
  couponCode: Type.Optional(Type.String()),
  shippingAddress: Type.Optional(ShippingAddressSchema),
  paymentMethod: Type.Optional(Type.Union([Type.Literal('wallet'), Type.Literal('sandbox')])),
  carrier: Type.Optional(Type.String()),
  trackingNumber: Type.Optional(Type.String()),
  expiresAt: Time,
  createdAt: Time,
  paidAt: Type.Optional(Time),
  shippedAt: Type.Optional(Time),
  completedAt: Type.Optional(Time),
  cancelledAt: Type.Optional(Time),
  cancelReason: Type.Optional(Type.String()),
  refundedAt: Type.Optional(Time),
  refundReason: Type.Optional(Type.String()),
});

export const OrderItemsInput = Type.Array(strictObject({ skuId: Uuid, quantity: Type.Integer({ minimum: 1, maximum: 999 }) }), { minItems: 1, maxItems: 100 });
export const CouponCode = Type.String({ pattern: '^[A-Z0-9]{4,32}$' });
