import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CursorQuery, PageQuery, ProblemSchema, openEventStream, optionalBody, principalOf, strictObject } from '../../platform/http/index.js';
import { MoneySchema, PositiveMoneySchema } from '../../platform/money/index.js';
import type { Caller, FlashsaleService } from './flashsale.service.js';
import type { SaleLive } from './sale-live.js';

const Uuid = Type.String({ format: 'uuid' });
const Status = Type.Union([Type.Literal('scheduled'), Type.Literal('active'), Type.Literal('sold_out'), Type.Literal('ended')]);
const CreateBody = strictObject({
  skuId: Uuid,
  price: PositiveMoneySchema,
  quantity: Type.Integer({ minimum: 1, maximum: 10_000_000 }),
  startsAt: Type.String({ format: 'date-time' }),
  endsAt: Type.String({ format: 'date-time' }),
  perUserLimit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
  requireToken: Type.Optional(Type.Boolean()),
});
const FlashSaleSchema = strictObject(
  {
    id: Type.String(),
    skuId: Type.String(),
    productId: Type.String(),
    sellerId: Type.String(),
    title: Type.String(),
    price: MoneySchema,
    quantity: Type.Integer(),
    remaining: Type.Integer(),
    perUserLimit: Type.Integer(),
    startsAt: Type.String({ format: 'date-time' }),
    endsAt: Type.String({ format: 'date-time' }),
    requireToken: Type.Boolean(),
    status: Status,
  },
  { description: 'API.md FlashSale' },
);
const ListQuery = strictObject({ status: Type.Optional(Status), sellerId: Type.Optional(Uuid), ...PageQuery, cursor: CursorQuery() });
const PurchaseBody = strictObject({ quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })), token: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })) });
const PurchaseSchema = strictObject({
  purchaseId: Type.String(),
  status: Type.Union([Type.Literal('queued'), Type.Literal('succeeded'), Type.Literal('failed')]),
  orderId: Type.Optional(Type.String()),
  reason: Type.Optional(Type.String()),
});
const params = strictObject({ id: Uuid });
const purchaseParams = strictObject({ id: Uuid, purchaseId: Uuid });
const problems = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema, 422: ProblemSchema, 429: ProblemSchema, 503: ProblemSchema };
const tags = ['flash sales'];
const security = [{ bearer: [] }];
const user = { config: { auth: 'user' as const } };

function callerOf(request: FastifyRequest): Caller {
  const principal = principalOf(request);
  return { userId: principal.userId, isAdmin: principal.roles.includes('admin') };
}

/** API.md "Flash sales". */
export function registerFlashsaleRoutes(app: FastifyInstance, sales: FlashsaleService, live: SaleLive): void {
  app.post<{ Body: Static<typeof CreateBody> }>(
    '/api/v1/flash-sales',
    { ...user, schema: { tags, security, summary: "Create a flash sale (the SKU's seller or an admin); its quantity leaves the SKU's stock", body: CreateBody, response: { 201: FlashSaleSchema, ...problems } } },
    async (request, reply) => {
      const { startsAt, endsAt, ...rest } = request.body;
      return reply.code(201).send(await sales.create(callerOf(request), { ...rest, startsAt: new Date(startsAt), endsAt: new Date(endsAt) }));
    },
  );

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/v1/flash-sales',
    { schema: { tags, summary: 'Flash sales, newest first', querystring: ListQuery, response: { 200: strictObject({ items: Type.Array(FlashSaleSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }), ...problems } } },
    async (request) => {
      const { status, sellerId, limit = 20, cursor } = request.query;
      return sales.list({ ...(status && { status }), ...(sellerId && { sellerId }) }, limit, cursor === undefined ? undefined : Number(cursor));
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/flash-sales/:id',
    { schema: { tags, summary: 'One flash sale', params, response: { 200: FlashSaleSchema, ...problems } } },
    async (request) => sales.get(request.params.id),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/flash-sales/:id/stream',
    {
      schema: {
        tags,
        summary: 'Server-sent events: a `sale` event (data = the FlashSale) now and whenever its status or remaining quantity changes',
        description: 'Public. Changes are seen within about half a second; a comment line every 15 s keeps the connection alive.',
        params,
        response: { 200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: Type.String() } } }, ...problems },
      },
    },
    async (request, reply) => {
      await live.subscribe(request.params.id, () => openEventStream(reply));
      return reply;
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/flash-sales/:id/tokens',
    { ...user, schema: { tags, security, summary: 'An order token (one live per user and sale)', params, response: { 201: strictObject({ token: Type.String(), expiresAt: Type.String({ format: 'date-time' }) }), ...problems } } },
    async (request, reply) => reply.code(201).send(await sales.issueToken(callerOf(request), request.params.id)),
  );

  app.post<{ Params: { id: string }; Body: Static<typeof PurchaseBody> | undefined }>(
    '/api/v1/flash-sales/:id/purchases',
    {
      ...user,
      schema: { tags, security, summary: 'Buy: admitted without SQL and queued; the answer follows (GET the purchase, or the notification stream)', params, body: optionalBody(PurchaseBody), response: { 202: PurchaseSchema, ...problems } },
    },
    async (request, reply) => {
      const { quantity = 1, token } = request.body ?? {};
      return reply.code(202).send(await sales.purchase(callerOf(request), request.params.id, quantity, token));
    },
  );

  app.get<{ Params: { id: string; purchaseId: string } }>(
    '/api/v1/flash-sales/:id/purchases/:purchaseId',
    { ...user, schema: { tags, security, summary: 'A purchase and its answer (its buyer only)', params: purchaseParams, response: { 200: PurchaseSchema, ...problems } } },
    async (request) => sales.purchaseStatus(callerOf(request), request.params.id, request.params.purchaseId),
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/admin/flash-sales/:id/start',
    { config: { auth: 'admin' }, schema: { tags: ['admin'], security, summary: 'Start a scheduled flash sale now', params, response: { 200: FlashSaleSchema, ...problems } } },
    async (request) => sales.startNow(request.params.id),
  );
}
