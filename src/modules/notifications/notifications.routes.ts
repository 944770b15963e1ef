import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { CursorQuery, PageQuery, ProblemSchema, optionalBody, principalOf, strictObject } from '../../platform/http/index.js';
import { openEventStream } from '../../platform/http/index.js';
import type { LiveFeed } from './notifications.live.js';
import type { NotificationsService } from './notifications.service.js';

/** A notification id: a positive integer small enough to stay exact in JavaScript. */
const ID_PATTERN = '^[0-9]{1,15}$';

const NotificationSchema = strictObject({
  id: Type.String(),
  type: Type.String({ description: 'the event it reports, e.g. order.paid or recharge.succeeded' }),
  title: Type.String(),
  body: Type.String(),
  read: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
});
const problems = { 400: ProblemSchema, 401: ProblemSchema, 404: ProblemSchema };
const user = { config: { auth: 'user' as const } };
const tags = ['notifications'];
const security = [{ bearer: [] }];

interface ListQuery {
  limit?: number;
  cursor?: string;
  unread?: boolean;
}

/** API.md "Notifications", plus unread count, mark read and the live stream. */
export function registerNotificationsRoutes(app: FastifyInstance, notifications: NotificationsService, live: LiveFeed): void {
  app.get<{ Querystring: ListQuery }>(
    '/api/v1/notifications',
    {
      ...user,
      schema: {
        tags,
        security,
        summary: "The caller's notifications, newest first (unread=true: only unread ones)",
        querystring: strictObject({ ...PageQuery, cursor: CursorQuery(), unread: Type.Optional(Type.Boolean()) }),
        response: { 200: strictObject({ items: Type.Array(NotificationSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }), ...problems },
      },
    },
    async (request) => {
      const { limit = 20, cursor, unread } = request.query;
      return notifications.list(principalOf(request).userId, { limit, cursor, unreadOnly: unread === true });
    },
  );

  app.get(
    '/api/v1/notifications/unread-count',
    { ...user, schema: { tags, security, summary: "How many of the caller's notifications are unread", response: { 200: strictObject({ unread: Type.Integer() }), ...problems } } },
    async (request) => ({ unread: await notifications.unreadCount(principalOf(request).userId) }),
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/notifications/:id/read',
    {
      ...user,
      schema: {
        tags,
        security,
        summary: "Marks one of the caller's notifications read",
        params: strictObject({ id: Type.String({ pattern: ID_PATTERN }) }),
        body: optionalBody(strictObject({})),
        response: { 200: NotificationSchema, ...problems },
      },
    },
    async (request) => notifications.markRead(principalOf(request).userId, request.params.id),
  );

  app.post(
    '/api/v1/notifications/read-all',
    {
      ...user,
      schema: {
        tags,
        security,
        summary: "Marks all the caller's notifications read",
        body: optionalBody(strictObject({})),
        response: { 200: strictObject({ updated: Type.Integer() }), ...problems },
      },
    },
    async (request) => ({ updated: await notifications.markAllRead(principalOf(request).userId) }),
  );

  app.get<{ Headers: { 'last-event-id'?: string } }>(
    '/api/v1/notifications/stream',
    {
      ...user,
      schema: {
        tags,
        security,
        summary: 'Server-sent events: `notification` events (id = notification id, data = the notification) as they are created',
        description: 'Send `Last-Event-ID` to first receive what came after that id. A comment line every 15 s keeps the connection alive.',
        headers: Type.Object({ 'last-event-id': Type.Optional(Type.String({ pattern: ID_PATTERN })) }),
        response: {
          200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: Type.String() } } },
          ...problems,
        },
      },
    },
    async (request, reply) => {
      const header = request.headers['last-event-id'];
      await live.subscribe(principalOf(request).userId, header === undefined ? undefined : Number(header), () => openEventStream(reply));
      return reply;
    },
  );
}
