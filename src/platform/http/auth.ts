import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from './errors.js';

/** Who is calling: taken from a verified access token. */
export interface Principal {
  userId: string;
  sessionId: string;
  username: string;
  roles: string[];
  createdAt: string;
}

/** Turns a bearer token into a principal, or null when it is invalid, expired or revoked. */
export interface Authenticator {
  authenticate(token: string): Promise<Principal | null>;
}

/** The declared access rule of a route. */
export type AccessRule = 'public' | 'user' | 'admin';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Who may call the route (default `public`). */
    auth?: AccessRule;
    /** POSTs honour `Idempotency-Key` unless this is false (e.g. webhooks, which dedupe by event id). */
    idempotency?: boolean;
  }
}

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header.trim());
  return match?.[1];
}

/** onRequest hook: resolves the principal and enforces the route's declared rule. */
export function authHook(authenticator: Authenticator) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const rule = request.routeOptions.config.auth ?? 'public';
    const token = bearerToken(request);
    request.principal = token ? await authenticator.authenticate(token) : null;
    if (rule === 'public') return;
    if (!request.principal) throw new AppError('unauthorized', token ? 'the access token is invalid, expired or revoked' : 'missing bearer token');
    if (rule === 'admin' && !request.principal.roles.includes('admin')) throw new AppError('forbidden', 'administrators only');
  };
}

/** The caller of a route declared `auth: 'user'` or `'admin'`. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('unauthorized');
  return request.principal;
}
