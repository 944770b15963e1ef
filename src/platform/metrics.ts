import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one process: HTTP latency plus the platform's own counters. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'flashmart_http_request_duration_seconds',
      help: 'HTTP request latency by route',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    outboxPublished: new Counter({ name: 'flashmart_outbox_published_total', help: 'Outbox events published', registers: [registry] }),
    messagesHandled: new Counter({
      name: 'flashmart_messages_handled_total',
      help: 'Messages handled by consumers',
      labelNames: ['group', 'outcome'] as const,
      registers: [registry],
    }),
    deadLettered: new Counter({
      name: 'flashmart_messages_dead_lettered_total',
      help: 'Messages moved to the dead-letter store after the redelivery limit',
      labelNames: ['group'] as const,
      registers: [registry],
    }),
    jobsRun: new Counter({
      name: 'flashmart_jobs_total',
      help: 'Durable jobs run',
      labelNames: ['kind', 'outcome'] as const,
      registers: [registry],
    }),
    flashDecided: new Counter({
      name: 'flashmart_flash_purchases_decided_total',
      help: 'Flash-sale purchases decided by the drain',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    flashAnswerDelay: new Histogram({
      name: 'flashmart_flash_purchase_answer_seconds',
      help: 'From a flash purchase admitted to its answer committed',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    flashDrift: new Counter({
      name: 'flashmart_flash_drift_repaired_total',
      help: 'Quantity the reconciler moved to bring hot counters back in line with the database',
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: 'flashmart_rate_limited_total',
      help: 'Requests refused by a rate limit',
      labelNames: ['limit'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
