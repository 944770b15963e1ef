import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { CursorQuery, PageQuery, ProblemSchema, strictObject } from '../../platform/http/index.js';
import { MoneySchema } from '../../platform/money/index.js';
import { UserSchema } from '../identity/index.js';
import { OrderSchema, OrderStatusSchema } from '../orders/index.js';
import type { AdminService } from './admin.service.js';

/** An order as the back office sees it: the buyer's and seller's usernames added. */
const AdminOrderSchema = strictObject({ ...OrderSchema.properties, buyerUsername: Type.Union([Type.String(), Type.Null()]), sellerUsername: Type.Union([Type.String(), Type.Null()]) });

const Time = Type.String({ format: 'date-time' });
const pageOf = <T extends TSchema>(item: T) => strictObject({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });

const UsersQuery = strictObject({
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: 'username prefix, any case' })),
  ...PageQuery,
  cursor: CursorQuery('^[a-z0-9_]{1,32}$'),
});
const OrdersQuery = strictObject({ status: Type.Optional(OrderStatusSchema), ...PageQuery, cursor: CursorQuery() });
const DailyQuery = strictObject({ days: Type.Optional(Type.Integer({ minimum: 1, maximum: 366, default: 30 })) });
const AuditQuery = strictObject({ ...PageQuery, cursor: CursorQuery() });

const OverviewSchema = strictObject(
  { users: Type.Integer(), orders: Type.Integer(), paidOrders: Type.Integer(), gmv: Type.Array(MoneySchema), flashSales: Type.Integer() },
  { description: 'paidOrders and gmv (per currency, sorted by currency) count every order ever paid, refunded ones included' },
);
const DailySchema = strictObject({
  items: Type.Array(strictObject({ date: Type.String({ format: 'date' }), orders: Type.Integer(), paidOrders: Type.Integer(), gmv: Type.Array(MoneySchema) })),
});
const AuditEntrySchema = strictObject({
  id: Type.String(),
  actorId: Type.String(),
  actorUsername: Type.String(),
  action: Type.String({ description: 'e.g. categories.create, brands.delete, flash-sales.start' }),
  target: Type.Union([Type.String(), Type.Null()]),
  ip: Type.String(),
  status: Type.Union([Type.Integer(), Type.Null()], { description: 'HTTP status of the outcome; null while running, or if the process died mid-way' }),
  requestId: Type.String(),
  createdAt: Time,
});

const tags = ['admin'];
const security = [{ bearer: [] }];
const admin = { config: { auth: 'admin' as const } };
const problems = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema };

/** API.md "Admin": back-office lists, statistics and the operation log (administrators only). */
export function registerAdminRoutes(app: FastifyInstance, service: AdminService): void {
  app.get<{ Querystring: Static<typeof UsersQuery> }>(
    '/api/v1/admin/users',
    { ...admin, schema: { tags, security, summary: 'Users by username (case-insensitive order), optionally by username prefix', querystring: UsersQuery, response: { 200: pageOf(UserSchema), ...problems } } },
    async (request) => {
      const { q, limit = 20, cursor } = request.query;
      return service.users(q === undefined ? {} : { prefix: q }, limit, cursor);
    },
  );

  app.get<{ Querystring: Static<typeof OrdersQuery> }>(
    '/api/v1/admin/orders',
    { ...admin, schema: { tags, security, summary: 'Every order, newest first, optionally by status, with the usernames of buyer and seller', querystring: OrdersQuery, response: { 200: pageOf(AdminOrderSchema), ...problems } } },
    async (request) => {
      const { status, limit = 20, cursor } = request.query;
      return service.orders(status === undefined ? {} : { status }, limit, cursor === undefined ? undefined : Number(cursor));
    },
  );

  app.get(
    '/api/v1/admin/stats/overview',
    { ...admin, schema: { tags, security, summary: 'Users, orders, paid orders, GMV per currency and flash sales, all time', response: { 200: OverviewSchema, ...problems } } },
    async () => service.overview(),
  );

  app.get<{ Querystring: Static<typeof DailyQuery> }>(
    '/api/v1/admin/stats/daily',
    {
      ...admin,
      schema: {
        tags,
        security,
        summary: 'One item per UTC day of the last `days` (today last, empty days included): orders by day placed, paid orders and GMV by day paid',
        querystring: DailyQuery,
        response: { 200: DailySchema, ...problems },
      },
    },
    async (request) => service.daily(request.query.days ?? 30),
  );

  app.get<{ Querystring: Static<typeof AuditQuery> }>(
    '/api/v1/admin/audit-log',
    { ...admin, schema: { tags, security, summary: 'The operation log: one entry per administrator mutation, newest first', querystring: AuditQuery, response: { 200: pageOf(AuditEntrySchema), ...problems } } },
    async (request) => {
      const { limit = 20, cursor } = request.query;
      return service.auditEntries(limit, cursor === undefined ? undefined : Number(cursor));
    },
  );
}
