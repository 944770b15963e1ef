import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { AppError, PageQuery, ProblemSchema, principalOf, strictObject } from '../../platform/http/index.js';
import { MoneySchema, PositiveMoneySchema, type Money } from '../../platform/money/index.js';
import type { WalletService } from './wallet.service.js';

const WalletSchema = strictObject({
  accounts: Type.Array(strictObject({ currency: Type.String(), available: Type.Integer(), frozen: Type.Integer() })),
  points: Type.Integer(),
});
const LedgerEntry = strictObject({
  id: Type.String(),
  type: Type.String(),
  amount: MoneySchema,
  balanceAfter: Type.Integer(),
  reference: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});
const RechargeSchema = strictObject({
  id: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')]),
  amount: MoneySchema,
  paymentId: Type.String(),
});
const AmountBody = strictObject({ amount: PositiveMoneySchema });
const problems = { 400: ProblemSchema, 401: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema };
const user = { config: { auth: 'user' as const } };
const tags = ['wallet'];
const security = [{ bearer: [] }];

/** API.md "Wallet". */
export function registerWalletRoutes(app: FastifyInstance, wallet: WalletService): void {
  app.get('/api/v1/wallet', { ...user, schema: { tags, security, response: { 200: WalletSchema, ...problems } } }, async (request) =>
    wallet.getWallet(principalOf(request).userId),
  );

  app.get<{ Querystring: { currency?: string; limit?: number; cursor?: string } }>(
    '/api/v1/wallet/ledger',
    {
      ...user,
      schema: {
        tags,
        security,
        summary: "Movements of the caller's available balance, newest first",
        querystring: strictObject({ currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })), ...PageQuery, cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,18}$' })) }),
        response: { 200: strictObject({ items: Type.Array(LedgerEntry), nextCursor: Type.Union([Type.String(), Type.Null()]) }), ...problems },
      },
    },
    async (request) => {
      const currency = request.query.currency ?? wallet.currencies[0] ?? 'CNY';
      const limit = request.query.limit ?? 20;
      const lines = await wallet.ledger(principalOf(request).userId, currency, limit + 1, request.query.cursor ? Number(request.query.cursor) : undefined);
      const page = lines.slice(0, limit);
      return {
        items: page.map((line) => ({
          id: String(line.id),
          type: line.type,
          amount: { amount: line.amount, currency: line.currency },
          balanceAfter: line.balanceAfter,
          reference: line.reference,
          createdAt: line.createdAt.toISOString(),
        })),
        nextCursor: lines.length > limit && page.length > 0 ? String(page[page.length - 1]?.id) : null,
      };
    },
  );

  app.post<{ Body: { amount: Money } }>(
    '/api/v1/wallet/recharges',
    { ...user, schema: { tags, security, body: AmountBody, response: { 201: strictObject({ ...RechargeSchema.properties, payUrl: Type.String() }), ...problems } } },
    async (request, reply) => reply.code(201).send(await wallet.createRecharge(principalOf(request).userId, request.body.amount)),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/wallet/recharges/:id',
    { ...user, schema: { tags, security, params: strictObject({ id: Type.String({ format: 'uuid' }) }), response: { 200: RechargeSchema, ...problems } } },
    async (request) => {
      const recharge = await wallet.getRecharge(principalOf(request).userId, request.params.id);
      if (!recharge) throw new AppError('not_found', 'no such recharge');
      return recharge;
    },
  );

  app.post<{ Body: { amount: Money } }>(
    '/api/v1/wallet/withdrawals',
    {
      ...user,
      schema: {
        tags,
        security,
        body: AmountBody,
        response: { 201: strictObject({ id: Type.String(), status: Type.Literal('succeeded'), amount: MoneySchema }), ...problems },
      },
    },
    async (request, reply) => reply.code(201).send(await wallet.withdraw(principalOf(request).userId, request.body.amount)),
  );
}
