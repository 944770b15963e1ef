import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { MoneySchema } from '../../platform/money/index.js';
import { AppError, ProblemSchema, strictObject } from '../../platform/http/index.js';
import { checkoutPage } from './sandbox.page.js';
import type { SandboxService } from './sandbox.service.js';

const PaymentParams = strictObject({ paymentId: Type.String({ format: 'uuid' }) });
const SandboxPaymentSchema = strictObject({
  id: Type.String(),
  amount: MoneySchema,
  description: Type.String(),
  status: Type.String(),
  createdAt: Type.String(),
});

/**
 * Where the payer goes back to after deciding, like a PSP's return URL: only a path of this
 * site (no scheme, no `//host`), so the page cannot be used to redirect anywhere else.
 */
const ReturnQuery = strictObject({ return: Type.Optional(Type.String({ minLength: 1, maxLength: 2048, pattern: '^/(?![/\\\\])[^\\s]*$' })) });

type Params = { Params: { paymentId: string }; Querystring: { return?: string } };

/** API.md "Sandbox payment provider": the checkout page and the provider's own API. */
export async function registerSandboxRoutes(app: FastifyInstance, sandbox: SandboxService): Promise<void> {
  await app.register(async (scope) => {
    // The checkout page's buttons are plain HTML forms: accept (and ignore) their bodies.
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, _body, done) => done(null, undefined));

    scope.get<Params>(
      '/sandbox/pay/:paymentId',
      { schema: { tags: ['sandbox'], summary: 'Checkout page with Pay and Fail buttons (`return`: the shop path to go back to afterwards)', params: PaymentParams, querystring: ReturnQuery } },
      async (request, reply) => {
        const payment = await sandbox.find(request.params.paymentId);
        if (!payment) throw new AppError('not_found', 'no such sandbox payment');
        return reply.type('text/html; charset=utf-8').send(checkoutPage(payment, request.query.return));
      },
    );

    for (const [action, outcome] of [
      ['succeed', 'succeeded'],
      ['fail', 'failed'],
    ] as const) {
      scope.post<Params>(
        `/sandbox/api/payments/:paymentId/${action}`,
        {
          config: { idempotency: false },
          schema: {
            tags: ['sandbox'],
            summary: `The payer ${action === 'succeed' ? 'pays' : 'fails to pay'}; a signed webhook follows`,
            params: PaymentParams,
            querystring: ReturnQuery,
            response: { 200: SandboxPaymentSchema, 404: ProblemSchema, 409: ProblemSchema },
          },
        },
        async (request, reply) => {
          const fromForm = String(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
          const back = request.query.return;
          const page = back ?? `/sandbox/pay/${request.params.paymentId}`;
          if (!fromForm) return sandbox.decide(request.params.paymentId, outcome);
          // A person at the checkout page goes back to the shop (or to the page, which shows the outcome).
          try {
            await sandbox.decide(request.params.paymentId, outcome);
          } catch (error) {
            if (!(error instanceof AppError) || error.code !== 'invalid_state') throw error;
          }
          return reply.code(303).header('location', page).send();
        },
      );
    }
  });
}
