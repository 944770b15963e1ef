import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import type { Db } from '../db/index.js';
import { AppError } from './errors.js';

const HEADER = 'idempotency-key';
const RETENTION_HOURS = 24;
/** An in-flight record older than this belongs to a request whose process died: it may be taken over. */
const ABANDONED_SECONDS = 120;

interface Claim {
  scope: string;
  key: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyClaim?: Claim;
  }
}

function requestHash(request: FastifyRequest): string {
  return createHash('sha256')
    .update(`${request.method} ${request.routeOptions.url ?? request.url}\n${JSON.stringify(request.params ?? {})}\n`)
    .update(JSON.stringify(request.body ?? {}))
    .digest('hex');
}

/**
 * `Idempotency-Key` on POST routes (API.md): the first request with a user + key runs and its
 * response is stored for 24 h; the same key and body replays it with `Idempotent-Replayed:
 * true`; another body → 422; while the first still runs → 409. 5xx answers are not stored.
 */
export function registerIdempotency(app: FastifyInstance, db: Db): void {
  // Attached to the POST routes only, so other requests pay nothing for it.
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.includes('POST') || route.config?.idempotency === false) return;
    route.preHandler = [...asArray(route.preHandler), claimKey];
    route.onSend = [...asArray(route.onSend), storeResponse];
  });

  async function claimKey(request: FastifyRequest, reply: FastifyReply) {
    const raw = request.headers[HEADER];
    if (raw === undefined) return;
    const key = Array.isArray(raw) ? raw[0] : raw;
    if (typeof key !== 'string' || key.length < 1 || key.length > 255) {
      throw new AppError('validation_failed', 'Idempotency-Key must be 1-255 characters', {
        errors: [{ path: 'headers/idempotency-key', message: 'must be 1-255 characters' }],
      });
    }
    const scope = request.principal ? `user:${request.principal.userId}` : `anon:${request.ip}`;
    const hash = requestHash(request);
    // Take the key unless a live record holds it: a missing, expired or abandoned one is replaced.
    const taken = await sql<{ key: string }>`
      insert into platform_idempotency (scope, key, request_hash, state)
      values (${scope}, ${key}, ${hash}, 'in_flight')
      on conflict (scope, key) do update
        set request_hash = excluded.request_hash, state = 'in_flight', status_code = null,
            response_body = null, response_type = null, created_at = now()
        where platform_idempotency.created_at < now() - make_interval(hours => ${RETENTION_HOURS})
           or (platform_idempotency.state = 'in_flight'
               and platform_idempotency.created_at < now() - make_interval(secs => ${ABANDONED_SECONDS}))
      returning key`.execute(db);
    if (taken.rows.length === 1) {
      request.idempotencyClaim = { scope, key };
      return;
    }
    const existing = await db
      .selectFrom('platform_idempotency')
      .selectAll()
      .where('scope', '=', scope)
      .where('key', '=', key)
      .executeTakeFirst();
    if (!existing) throw new AppError('idempotency_key_in_use', 'the first request with this key has just finished; retry');
    if (existing.request_hash !== hash) throw new AppError('idempotency_key_reused', 'this Idempotency-Key was used with a different request');
    if (existing.state === 'in_flight') throw new AppError('idempotency_key_in_use', 'a request with this Idempotency-Key is still running');
    reply.header('idempotent-replayed', 'true');
    if (existing.response_type) reply.type(existing.response_type);
    reply.code(existing.status_code ?? 200);
    return reply.send(existing.response_body ?? undefined);
  }

  async function storeResponse(request: FastifyRequest, reply: FastifyReply, payload: unknown) {
    const claim = request.idempotencyClaim;
    if (!claim) return payload;
    request.idempotencyClaim = undefined;
    const where = db.deleteFrom('platform_idempotency').where('scope', '=', claim.scope).where('key', '=', claim.key);
    if (reply.statusCode >= 500 || (payload !== null && payload !== undefined && typeof payload !== 'string')) {
      // A server failure (or a streamed body we cannot store): free the key so a retry runs again.
      await where.execute();
      return payload;
    }
    const contentType = reply.getHeader('content-type');
    await db
      .updateTable('platform_idempotency')
      .set({
        state: 'done',
        status_code: reply.statusCode,
        response_body: typeof payload === 'string' ? payload : null,
        response_type: typeof contentType === 'string' ? contentType : null,
      })
      .where('scope', '=', claim.scope)
      .where('key', '=', claim.key)
      .execute();
    return payload;
  }
}

function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Deletes records past their 24 h (run periodically by a worker). */
export async function purgeIdempotencyRecords(db: Db): Promise<number> {
  const result = await db
    .deleteFrom('platform_idempotency')
    .where('created_at', '<', sql<Date>`now() - make_interval(hours => ${RETENTION_HOURS})`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
