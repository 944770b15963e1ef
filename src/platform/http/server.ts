import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { Db } from '../db/index.js';
import type { Metrics } from '../metrics.js';
import { authHook, type Authenticator } from './auth.js';
import { AppError, problemOf, type ErrorCode } from './errors.js';
import { registerIdempotency } from './idempotency.js';
import { fieldErrors, validatorCompiler } from './validation.js';

export const BODY_LIMIT = 1024 * 1024;

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export interface HttpOptions {
  logger: Logger;
  metrics: Metrics;
  db: Db;
  /** Serve the public API, docs and web app (api/all roles) or only health and metrics (worker). */
  serveApi: boolean;
  authenticator: Authenticator | undefined;
  readiness: ReadinessCheck[];
  trustProxy: boolean;
  webRoot?: string;
}

export function sendProblem(reply: FastifyReply, code: ErrorCode, detail?: string, extra: AppError['extra'] = {}): FastifyReply {
  if (extra.retryAfterSeconds !== undefined) reply.header('retry-after', String(Math.max(1, Math.ceil(extra.retryAfterSeconds))));
  return reply
    .code(problemOf(code).status)
    .type('application/problem+json')
    .send(problemOf(code, detail, extra.errors));
}

/** Errors that mean "busy or unreachable, try again" rather than a fault: 503 with Retry-After. */
const UNAVAILABLE = new Set([
  '53300', // too_many_connections
  '57P03', // cannot_connect_now (starting up, shutting down)
  '08001', // sqlclient_unable_to_establish_sqlconnection
  '08006', // connection_failure
  'ECONNREFUSED',
  'ECONNRESET',
]);

function handleError(error: FastifyError | AppError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof AppError) return sendProblem(reply, error.code, error.detail, error.extra);
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const errors = fieldErrors(fastifyError.validationContext, fastifyError.validation);
    return sendProblem(reply, 'validation_failed', errors.map((e) => `${e.path} ${e.message}`).join('; '), { errors });
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return sendProblem(reply, 'payload_too_large', `request bodies are limited to ${BODY_LIMIT} bytes`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return sendProblem(reply, 'unsupported_media_type', 'send JSON with Content-Type: application/json');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return sendProblem(reply, 'validation_failed', 'the body is not valid JSON');
  }
  if (error instanceof SyntaxError) return sendProblem(reply, 'validation_failed', 'the body is not valid JSON');
  if (UNAVAILABLE.has(String(fastifyError.code))) {
    request.log.warn({ err: error }, 'a backing service is unavailable');
    return sendProblem(reply, 'service_unavailable', 'a backing service is busy or unreachable; retry shortly', { retryAfterSeconds: 1 });
  }
  const status = fastifyError.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const code: ErrorCode = status === 404 ? 'not_found' : status === 413 ? 'payload_too_large' : status === 415 ? 'unsupported_media_type' : 'validation_failed';
    return sendProblem(reply, code, fastifyError.message);
  }
  request.log.error({ err: error }, 'unhandled error');
  return sendProblem(reply, 'internal_error');
}

function parsedOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined; // the real parser reports it
  }
}

/** True when a string anywhere in a parsed JSON value contains NUL. */
function hasNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\0');
  if (Array.isArray(value)) return value.some(hasNul);
  if (typeof value === 'object' && value !== null) return Object.entries(value).some(([key, v]) => key.includes('\0') || hasNul(v));
  return false;
}

function requestId(request: { headers: Record<string, unknown> }): string {
  const incoming = request.headers['x-request-id'];
  return typeof incoming === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(incoming) ? incoming : randomUUID();
}

/** Builds the Fastify app with everything every route shares; modules add their routes after. */
export async function createHttpServer(options: HttpOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    disableRequestLogging: true,
    bodyLimit: BODY_LIMIT,
    genReqId: requestId,
    trustProxy: options.trustProxy,
    ajv: { customOptions: { coerceTypes: false } },
    routerOptions: { ignoreTrailingSlash: true },
    // close() ends idle keep-alive connections at once instead of waiting for their timeout.
    forceCloseConnections: 'idle',
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setErrorHandler(handleError);
  app.decorateRequest('principal', null);

  // JSON bodies: an empty body means "no body" (allowed where the body is optional).
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    // PostgreSQL text cannot hold NUL: refuse it here, once, instead of failing in a query.
    if (/\\u0000/i.test(text) && hasNul(parsedOrUndefined(text))) return done(new AppError('validation_failed', 'text may not contain NUL characters'), undefined);
    return parseJson(request, text, done);
  });
  app.addHook('onRequest', async (request) => {
    if (/%00/.test(request.url)) throw new AppError('validation_failed', 'the URL may not contain NUL characters');
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    options.metrics.httpDuration.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    if (reply.statusCode >= 500) request.log.error({ url: request.url, status: reply.statusCode }, 'request failed');
    else request.log.debug({ method: request.method, url: request.url, status: reply.statusCode, ms: reply.elapsedTime }, 'request');
  });

  const pageHeaders = securityHeaders();
  app.addHook('onRequest', async (request, reply) => {
    reply.headers(request.url.startsWith('/api/') ? API_HEADERS : pageHeaders);
  });

  const health = { tags: ['health'] };
  app.get(
    '/healthz',
    { schema: { ...health, summary: 'The process is up', response: { 200: Type.Object({ status: Type.Literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );
  const Readiness = Type.Object({ status: Type.String(), checks: Type.Record(Type.String(), Type.String()) });
  app.get('/readyz', { schema: { ...health, summary: 'Database, hot store and broker answer', response: { 200: Readiness, 503: Readiness } } }, async (_request, reply) => {
    const checks: Record<string, string> = {};
    let ready = true;
    for (const item of options.readiness) {
      try {
        await Promise.race([
          item.check(),
          new Promise((_, reject) => setTimeout(() => reject(new Error('timed out after 2 s')), 2000).unref()),
        ]);
        checks[item.name] = 'ok';
      } catch (error) {
        ready = false;
        checks[item.name] = error instanceof Error ? error.message : 'failed';
      }
    }
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ok' : 'unavailable', checks });
  });
  app.get('/metrics', { schema: { ...health, summary: 'Prometheus text format' } }, async (_request, reply) => {
    reply.type(options.metrics.registry.contentType);
    return options.metrics.registry.metrics();
  });

  if (options.serveApi) {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: { title: 'Flashmart API', version: '1.0.0', description: 'See API.md: the v1 contract.' },
        components: {
          securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
        },
      },
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
    if (options.authenticator) app.addHook('onRequest', authHook(options.authenticator));
    registerIdempotency(app, options.db);
    await registerWeb(app, options.webRoot);
  }

  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    // Client-side routes get the app's page; API paths and missing build files (an asset named by
    // a page from an older build) get a real 404.
    const webPage = options.serveApi && request.method === 'GET' && !/^\/(api|sandbox|assets)\//.test(path);
    if (webPage && app.hasReplyDecorator('sendFile')) return reply.type('text/html').sendFile('index.html');
    return sendProblem(reply, 'not_found', `no route for ${request.method} ${path}`);
  });
  return app;
}

/** OWASP's REST set for JSON answers: nothing cached, nothing framed or sniffed, no scripts. */
const API_HEADERS: Record<string, string> = {
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

/**
 * Helmet's security headers for pages (CSP, HSTS, nosniff, frame options, …). They are the same for
 * every response, so they are computed once instead of by helmet on every request.
 */
function securityHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const capture = {
    setHeader(name: string, value: unknown) {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  helmet({
    contentSecurityPolicy: {
      directives: {
        'script-src': ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
        'form-action': ["'self'"],
        // Self-hosted shops often run on plain HTTP inside a LAN: do not force https sub-requests.
        'upgrade-insecure-requests': null,
      },
    },
  })({} as IncomingMessage, capture as unknown as ServerResponse, () => undefined);
  return headers;
}

/**
 * The single-page web app: static files, and index.html for its client-side routes (through the
 * not-found handler). Files are looked up per request (wildcard), so a rebuild of web/dist is
 * served without a restart.
 */
async function registerWeb(app: FastifyInstance, webRoot?: string): Promise<void> {
  const root = webRoot ?? fileURLToPath(new URL('../../../web/dist/', import.meta.url));
  if (!fs.existsSync(root)) return;
  await app.register(fastifyStatic, { root, prefix: '/', wildcard: true, index: ['index.html'] });
}
