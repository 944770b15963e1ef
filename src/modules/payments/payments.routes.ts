import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MoneySchema } from '../../platform/money/index.js';
import { ProblemSchema, strictObject } from '../../platform/http/index.js';
import type { PaymentsService, WebhookBody } from './payments.service.js';

const WebhookSchema = strictObject({
  id: Type.String({ minLength: 1, maxLength: 128 }),
  type: Type.Union([Type.Literal('payment.succeeded'), Type.Literal('payment.failed')]),
  data: strictObject({ paymentId: Type.String({ format: 'uuid' }), amount: MoneySchema }),
});

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: string;
  }
}

/** API.md "Sandbox payment provider": the platform's webhook receiver. */
export async function registerPaymentsRoutes(app: FastifyInstance, payments: PaymentsService): Promise<void> {
  await app.register(async (scope) => {
    // The signature covers the exact bytes sent, so this route keeps the raw body.
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (request: FastifyRequest, body, done) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      request.rawBody = text;
      try {
        done(null, JSON.parse(text));
      } catch {
        const error = Object.assign(new Error('the body is not valid JSON'), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' });
        done(error, undefined);
      }
    });
    scope.post<{ Body: WebhookBody }>(
      '/api/v1/payments/webhooks/sandbox',
      {
        config: { idempotency: false },
        schema: {
          tags: ['payments'],
          summary: 'Signed webhook from the sandbox payment provider',
          body: WebhookSchema,
          response: { 200: strictObject({ received: Type.Boolean(), duplicate: Type.Boolean() }), 400: ProblemSchema },
        },
      },
      async (request) => {
        const header = request.headers['sandbox-signature'];
        const outcome = await payments.receiveSandboxWebhook(request.rawBody ?? '', typeof header === 'string' ? header : undefined, request.body);
        return { received: true, duplicate: outcome === 'duplicate' };
      },
    );
  });
}
