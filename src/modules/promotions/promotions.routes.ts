import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { CursorQuery, PageQuery, ProblemSchema, principalOf, strictObject } from '../../platform/http/index.js';
import { MoneySchema, PositiveMoneySchema } from '../../platform/money/index.js';
import type { PromotionsService } from './promotions.service.js';

const Code = Type.String({ pattern: '^[A-Z0-9]{4,32}$' });
const CouponBody = strictObject({
  discount: PositiveMoneySchema,
  minSpend: Type.Optional(strictObject({ amount: Type.Integer({ minimum: 0, maximum: 1_000_000_000_000 }), currency: Type.String({ pattern: '^[A-Z]{3}$' }) })),
  quantity: Type.Integer({ minimum: 1, maximum: 10_000_000 }),
  validFrom: Type.Optional(Type.String({ format: 'date-time' })),
  validUntil: Type.Optional(Type.String({ format: 'date-time' })),
});
const CouponSchema = strictObject({
  id: Type.String(),
  code: Type.String(),
  sellerId: Type.String(),
  discount: MoneySchema,
  minSpend: MoneySchema,
  quantity: Type.Integer(),
  remaining: Type.Integer(),
  validFrom: Type.String({ format: 'date-time' }),
  validUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
const ClaimedSchema = strictObject({
  id: Type.String(),
  couponId: Type.String(),
  code: Type.String(),
  sellerId: Type.String(),
  discount: MoneySchema,
  minSpend: MoneySchema,
  validFrom: Type.String({ format: 'date-time' }),
  validUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  status: Type.Union([Type.Literal('available'), Type.Literal('used'), Type.Literal('expired')]),
  orderId: Type.Union([Type.String(), Type.Null()]),
});
const problems = { 400: ProblemSchema, 401: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema };
const tags = ['coupons'];
const security = [{ bearer: [] }];
const user = { config: { auth: 'user' as const } };

/** API.md "Coupons", plus a shop's claimable coupons and a seller's issued ones. */
export function registerPromotionsRoutes(app: FastifyInstance, promotions: PromotionsService): void {
  app.post<{ Body: Static<typeof CouponBody> }>(
    '/api/v1/coupons',
    { ...user, schema: { tags, security, summary: 'Issue a coupon for your own goods', body: CouponBody, response: { 201: CouponSchema, ...problems } } },
    async (request, reply) => reply.code(201).send(await promotions.issue(principalOf(request).userId, request.body)),
  );

  app.get<{ Querystring: { sellerId: string } }>(
    '/api/v1/coupons',
    {
      schema: {
        tags,
        summary: "A shop's coupons that can still be claimed",
        querystring: strictObject({ sellerId: Type.String({ format: 'uuid' }) }),
        response: { 200: strictObject({ items: Type.Array(CouponSchema), nextCursor: Type.Null() }), 400: ProblemSchema },
      },
    },
    async (request) => ({ items: await promotions.sellerCoupons(request.query.sellerId, true), nextCursor: null }),
  );

  app.get(
    '/api/v1/me/issued-coupons',
    { ...user, schema: { tags, security, summary: 'Coupons the caller issued (newest 100)', response: { 200: strictObject({ items: Type.Array(CouponSchema), nextCursor: Type.Null() }), ...problems } } },
    async (request) => ({ items: await promotions.sellerCoupons(principalOf(request).userId, false), nextCursor: null }),
  );

  app.post<{ Params: { code: string } }>(
    '/api/v1/coupons/:code/claim',
    {
      ...user,
      schema: {
        tags,
        security,
        summary: 'Claim a coupon (once per user)',
        params: strictObject({ code: Code }),
        response: { 201: strictObject({ id: Type.String(), code: Type.String(), status: Type.Literal('available') }), ...problems },
      },
    },
    async (request, reply) => reply.code(201).send(await promotions.claim(principalOf(request).userId, request.params.code)),
  );

  app.get<{ Querystring: { limit?: number; cursor?: string } }>(
    '/api/v1/me/coupons',
    {
      ...user,
      schema: {
        tags,
        security,
        summary: "The caller's claimed coupons: available, used or expired",
        querystring: strictObject({ ...PageQuery, cursor: CursorQuery('^[0-9]{1,9}$') }),
        response: { 200: strictObject({ items: Type.Array(ClaimedSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }), ...problems },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 20;
      const offset = request.query.cursor ? Number(request.query.cursor) : 0;
      const rows = await promotions.myCoupons(principalOf(request).userId, limit + 1, offset);
      return { items: rows.slice(0, limit), nextCursor: rows.length > limit ? String(offset + limit) : null };
    },
  );
}
