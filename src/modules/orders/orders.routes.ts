import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CursorQuery, PageQuery, ProblemSchema, optionalBody, principalOf, strictObject } from '../../platform/http/index.js';
import type { CartService } from './cart.service.js';
import { checkout, resolveShipping } from './checkout.js';
import type { Caller, OrdersService } from './orders.service.js';
import { CouponCode, OrderItemsInput, OrderSchema, OrderStatusSchema, ShippingAddressSchema, Uuid } from './orders.schemas.js';
import type { PlacementSaga } from './place-order.saga.js';
import type { Logger } from 'pino';

const PlaceBody = strictObject({ items: OrderItemsInput, couponCode: Type.Optional(CouponCode), shippingAddress: Type.Optional(ShippingAddressSchema), addressId: Type.Optional(Uuid) });
const PayBody = strictObject({ method: Type.Union([Type.Literal('wallet'), Type.Literal('sandbox')]) });
const ShipBody = strictObject({ carrier: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })), trackingNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })) });
const RefundBody = strictObject({ reason: Type.Optional(Type.String({ maxLength: 500 })) });
const CheckoutBody = strictObject({
  addressId: Type.Optional(Uuid),
  shippingAddress: Type.Optional(ShippingAddressSchema),
  skuIds: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 100 })),
  coupons: Type.Optional(Type.Array(strictObject({ sellerId: Uuid, code: CouponCode }), { maxItems: 100 })),
});
const ListQuery = strictObject({ role: Type.Optional(Type.Union([Type.Literal('buyer'), Type.Literal('seller')])), status: Type.Optional(OrderStatusSchema), ...PageQuery, cursor: CursorQuery() });
const OrderPage = strictObject({ items: Type.Array(OrderSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) });
const params = strictObject({ id: Uuid });
const problems = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema, 422: ProblemSchema };
const tags = ['orders'];
const security = [{ bearer: [] }];
const user = { config: { auth: 'user' as const } };

function callerOf(request: FastifyRequest): Caller {
  const principal = principalOf(request);
  return { userId: principal.userId, isAdmin: principal.roles.includes('admin') };
}


/** API.md "Orders", plus checkout of the cart. */
export function registerOrdersRoutes(app: FastifyInstance, deps: { orders: OrdersService; saga: PlacementSaga; cart: CartService; logger: Logger }): void {
  const { orders, saga, cart } = deps;

  app.post<{ Body: Static<typeof PlaceBody> }>(
    '/api/v1/orders',
    { ...user, schema: { tags, security, summary: 'Place an order (prices from the catalog; stock reserved)', body: PlaceBody, response: { 201: OrderSchema, ...problems } } },
    async (request, reply) => {
      const caller = callerOf(request);
      const shippingAddress = await resolveShipping(cart, caller.userId, request.body, false);
      const { items, couponCode } = request.body;
      const id = await saga.place({ buyerId: caller.userId, items, ...(couponCode && { couponCode }), shippingAddress });
      return reply.code(201).send(await orders.get(caller, id));
    },
  );

  app.post<{ Body: Static<typeof CheckoutBody> }>(
    '/api/v1/cart/checkout',
    { ...user, schema: { tags: ['cart'], security, summary: 'Check the cart out: one order per seller, all or none', body: optionalBody(CheckoutBody), response: { 201: strictObject({ orders: Type.Array(OrderSchema) }), ...problems } } },
    async (request, reply) => reply.code(201).send({ orders: await checkout(deps, callerOf(request), request.body ?? {}) }),
  );

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/v1/orders',
    { ...user, schema: { tags, security, summary: "The caller's orders as buyer (default) or seller, newest first", querystring: ListQuery, response: { 200: OrderPage, ...problems } } },
    async (request) => {
      const { userId } = principalOf(request);
      const { role = 'buyer', status, limit = 20, cursor } = request.query;
      return orders.list({ ...(role === 'buyer' ? { buyerId: userId } : { sellerId: userId }), ...(status && { status }) }, limit, cursor === undefined ? undefined : Number(cursor));
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/orders/:id',
    { ...user, schema: { tags, security, summary: 'One order (its buyer, its seller or an admin)', params, response: { 200: OrderSchema, ...problems } } },
    async (request) => orders.get(callerOf(request), request.params.id),
  );

  app.post<{ Params: { id: string }; Body: Static<typeof PayBody> }>(
    '/api/v1/orders/:id/pay',
    {
      ...user,
      schema: {
        tags,
        security,
        summary: 'Pay with the wallet (paid at once) or the sandbox provider (paid when its webhook lands)',
        params,
        body: PayBody,
        response: { 200: Type.Union([OrderSchema, strictObject({ order: OrderSchema, payment: strictObject({ id: Type.String(), payUrl: Type.String() }) })]), ...problems },
      },
    },
    async (request) => {
      const result = await orders.pay(callerOf(request), request.params.id, request.body.method);
      return result.payment ? result : result.order;
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/orders/:id/cancel',
    { ...user, schema: { tags, security, summary: 'Cancel an unpaid order (buyer)', params, body: optionalBody(strictObject({})), response: { 200: OrderSchema, ...problems } } },
    async (request) => orders.cancel(callerOf(request), request.params.id),
  );

  app.post<{ Params: { id: string }; Body: Static<typeof ShipBody> | undefined }>(
    '/api/v1/orders/:id/ship',
    { ...user, schema: { tags, security, summary: 'Ship a paid order (seller)', params, body: optionalBody(ShipBody), response: { 200: OrderSchema, ...problems } } },
    async (request) => orders.ship(callerOf(request), request.params.id, request.body ?? {}),
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/orders/:id/confirm-receipt',
    { ...user, schema: { tags, security, summary: 'Confirm receipt (buyer): the seller is paid', params, body: optionalBody(strictObject({})), response: { 200: OrderSchema, ...problems } } },
    async (request) => orders.confirmReceipt(callerOf(request), request.params.id),
  );

  app.post<{ Params: { id: string }; Body: Static<typeof RefundBody> | undefined }>(
    '/api/v1/orders/:id/refund',
    { ...user, schema: { tags, security, summary: 'Full refund of a paid, unshipped order (buyer)', params, body: optionalBody(RefundBody), response: { 200: OrderSchema, ...problems } } },
    async (request) => orders.refund(callerOf(request), request.params.id, request.body?.reason),
  );
}
