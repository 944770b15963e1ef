import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ProblemSchema, principalOf, strictObject } from '../../platform/http/index.js';
import { MoneySchema } from '../../platform/money/index.js';
import type { CartService } from './cart.service.js';
import { AddressSchema, ShippingAddressSchema, Uuid } from './orders.schemas.js';

const Quantity = Type.Integer({ minimum: 1, maximum: 999 });
const CartSchema = strictObject({
  items: Type.Array(
    strictObject({
      skuId: Type.String(),
      productId: Type.String(),
      sellerId: Type.String(),
      title: Type.String(),
      quantity: Type.Integer(),
      unitPrice: MoneySchema,
      stock: Type.Integer(),
      purchasable: Type.Boolean(),
    }),
  ),
  totals: Type.Array(MoneySchema),
});
const AddressBody = strictObject({ ...ShippingAddressSchema.properties, isDefault: Type.Optional(Type.Boolean()) });
const AddressPatch = Type.Partial(AddressBody, { additionalProperties: false, minProperties: 1 });
const problems = { 400: ProblemSchema, 401: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema, 422: ProblemSchema };
const security = [{ bearer: [] }];
const user = { config: { auth: 'user' as const } };
const cartTags = ['cart'];
const addressTags = ['addresses'];

/** The caller's cart (current prices and stock) and address book. */
export function registerCartRoutes(app: FastifyInstance, cart: CartService): void {
  app.get('/api/v1/cart', { ...user, schema: { tags: cartTags, security, summary: 'The cart with current prices and stock', response: { 200: CartSchema, ...problems } } }, async (request) =>
    cart.cart(principalOf(request).userId),
  );

  app.post<{ Body: { skuId: string; quantity: number } }>(
    '/api/v1/cart/items',
    { ...user, schema: { tags: cartTags, security, summary: 'Add units of a SKU (added to any already there, at most 999)', body: strictObject({ skuId: Uuid, quantity: Quantity }), response: { 200: CartSchema, ...problems } } },
    async (request) => {
      const { userId } = principalOf(request);
      await cart.add(userId, request.body.skuId, request.body.quantity);
      return cart.cart(userId);
    },
  );

  app.patch<{ Params: { skuId: string }; Body: { quantity: number } }>(
    '/api/v1/cart/items/:skuId',
    { ...user, schema: { tags: cartTags, security, summary: "Set a line's quantity", params: strictObject({ skuId: Uuid }), body: strictObject({ quantity: Quantity }), response: { 200: CartSchema, ...problems } } },
    async (request) => {
      const { userId } = principalOf(request);
      await cart.setQuantity(userId, request.params.skuId, request.body.quantity);
      return cart.cart(userId);
    },
  );

  app.delete<{ Params: { skuId: string } }>(
    '/api/v1/cart/items/:skuId',
    { ...user, schema: { tags: cartTags, security, summary: 'Remove a line', params: strictObject({ skuId: Uuid }), response: { 200: CartSchema, ...problems } } },
    async (request) => {
      const { userId } = principalOf(request);
      await cart.remove(userId, request.params.skuId);
      return cart.cart(userId);
    },
  );

  app.get('/api/v1/addresses', { ...user, schema: { tags: addressTags, security, response: { 200: strictObject({ items: Type.Array(AddressSchema), nextCursor: Type.Null() }), ...problems } } }, async (request) => ({
    items: await cart.addresses(principalOf(request).userId),
    nextCursor: null,
  }));

  app.post<{ Body: Static<typeof AddressBody> }>(
    '/api/v1/addresses',
    { ...user, schema: { tags: addressTags, security, summary: 'Add an address (the first one becomes the default)', body: AddressBody, response: { 201: AddressSchema, ...problems } } },
    async (request, reply) => reply.code(201).send(await cart.addAddress(principalOf(request).userId, request.body)),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/addresses/:id',
    { ...user, schema: { tags: addressTags, security, params: strictObject({ id: Uuid }), response: { 200: AddressSchema, ...problems } } },
    async (request) => cart.address(principalOf(request).userId, request.params.id),
  );

  app.patch<{ Params: { id: string }; Body: Static<typeof AddressPatch> }>(
    '/api/v1/addresses/:id',
    { ...user, schema: { tags: addressTags, security, params: strictObject({ id: Uuid }), body: AddressPatch, response: { 200: AddressSchema, ...problems } } },
    async (request) => cart.updateAddress(principalOf(request).userId, request.params.id, request.body),
  );

  app.delete<{ Params: { id: string } }>(
    '/api/v1/addresses/:id',
    { ...user, schema: { tags: addressTags, security, params: strictObject({ id: Uuid }), response: { 204: Type.Null(), ...problems } } },
    async (request, reply) => {
      await cart.deleteAddress(principalOf(request).userId, request.params.id);
      return reply.code(204).send();
    },
  );
}
