import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, principalOf } from '../../platform/http/index.js';

/** What the trail knows of an admin mutation before its handler runs. */
export interface AuditStart {
  actorId: string;
  actorUsername: string;
  action: string;
  method: string;
  route: string;
  target: string | null;
  ip: string;
  requestId: string;
}

/** Where the trail writes: a pending row first, its outcome once the answer is sent. */
export interface AuditLog {
  /** Writes the pending entry (no status yet) and returns its id. */
  begin(entry: AuditStart): Promise<string>;
  finish(id: string, outcome: { status: number; target: string | null }): Promise<void>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The audit-log action of an admin mutation (default: derived from its method and path, see auditActionOf). */
    auditAction?: string;
  }
  interface FastifyRequest {
    auditEntry?: { id: string; target: string | null };
  }
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
const VERBS: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'update', DELETE: 'delete' };

/**
 * A readable action for an admin route: its literal path segments after `/api/v1/admin/`
 * joined by dots, then a verb from the method (`POST …/admin/categories` → `categories.create`,
 * `DELETE …/admin/brands/:id` → `brands.delete`); a POST to a word after an id is that word
 * (`POST …/admin/flash-sales/:id/start` → `flash-sales.start`).
 */
export function auditActionOf(method: string, url: string): string {
  const segments = url.replace(/^\/api\/v\d+\/(admin\/)?/, '').split('/').filter((segment) => segment !== '');
  const words = segments.filter((segment) => !segment.startsWith(':'));
  const last = segments.at(-1);
  const commandOnId = method === 'POST' && last !== undefined && !last.startsWith(':') && segments.at(-2)?.startsWith(':') === true;
  return commandOnId ? words.join('.') : [...words, VERBS[method] ?? method.toLowerCase()].join('.');
}

/** The `:id` path parameter, else the last one, else null (a create: its answer's `id` is used). */
function targetOfParams(params: unknown): string | null {
  if (typeof params !== 'object' || params === null) return null;
  const values = params as Record<string, unknown>;
  if (typeof values.id === 'string') return values.id;
  return Object.values(values).filter((value): value is string => typeof value === 'string').at(-1) ?? null;
}

function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

const isAdminMutation = (request: FastifyRequest): boolean => request.routeOptions.config.auth === 'admin' && !READS.has(request.method);

/** The hooks an audited route gets: the pending entry, the id a create answered with, the outcome. */
function auditHooks(log: AuditLog) {
  return {
    async writeAhead(request: FastifyRequest): Promise<void> {
      if (READS.has(request.method)) return;
      const actor = principalOf(request);
      const route = request.routeOptions.url ?? request.url;
      const target = targetOfParams(request.params);
      const action = request.routeOptions.config.auditAction ?? auditActionOf(request.method, route);
      const id = await log.begin({ actorId: actor.userId, actorUsername: actor.username, action, method: request.method, route, target, ip: request.ip, requestId: request.id });
      request.auditEntry = { id, target };
    },

    async noteCreatedId(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
      const entry = request.auditEntry;
      if (entry && entry.target === null && reply.statusCode < 300 && typeof payload === 'object' && payload !== null) {
        const id = (payload as Record<string, unknown>).id;
        if (typeof id === 'string') entry.target = id;
      }
      return payload;
    },

    // onSend: the outcome is in the log before the caller has the answer.
    async recordOutcome(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
      const entry = request.auditEntry;
      if (!entry) return payload;
      request.auditEntry = undefined;
      try {
        await log.finish(entry.id, { status: reply.statusCode, target: entry.target });
      } catch (error) {
        request.log.error({ err: error, auditEntry: entry.id }, 'could not record the outcome of an admin mutation');
      }
      return payload;
    },
  };
}

/**
 * The operation log of every admin mutation: each route declared `auth: 'admin'` with a method
 * other than GET/HEAD gets, after auth, validation and the Idempotency-Key check (so refused
 * calls and replays write nothing), a preHandler that writes a pending entry before the
 * handler runs, and an onResponse hook that records the status and the target. Register it
 * before any route: an admin mutation registered earlier answers 500 instead of running unlogged.
 */
export function registerAuditTrail(app: FastifyInstance, log: AuditLog): void {
  const audited = new Set<string>();
  const hooks = auditHooks(log);

  app.addHook('onRoute', (route) => {
    const methods = asArray(route.method).filter((method) => !READS.has(method));
    if (route.config?.auth !== 'admin' || methods.length === 0) return;
    for (const method of methods) audited.add(`${method} ${route.url}`);
    // Appended after the routes' own preHandlers (the Idempotency-Key claim): replays are not logged twice.
    route.preHandler = [...asArray(route.preHandler), hooks.writeAhead];
    route.preSerialization = [...asArray(route.preSerialization), hooks.noteCreatedId];
    route.onSend = [...asArray(route.onSend), hooks.recordOutcome];
  });

  // Fails closed: an admin mutation this trail never saw refuses to run rather than run unlogged.
  app.addHook('preHandler', async (request) => {
    if (isAdminMutation(request) && !audited.has(`${request.method} ${request.routeOptions.url ?? ''}`)) {
      request.log.error({ route: request.routeOptions.url }, 'an admin mutation was registered before the audit trail');
      throw new AppError('internal_error', 'this administrator action is not audited');
    }
  });
}
