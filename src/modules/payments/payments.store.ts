import { recordsetCtes, recordsetInsert, type Executor, type Recordset } from '../../platform/db/index.js';
import { statesLeadingTo, type IntentStatus, type ProviderName } from './payment-state.js';
import { sql, type Selectable } from 'kysely';
import type { PaymentsTables } from './payments.tables.js';

export interface Intent {
  id: string;
  purpose: string;
  reference: string;
  userId: string;
  amount: number;
  currency: string;
  provider: ProviderName;
  status: IntentStatus;
  expiresAt: Date;
  createdAt: Date;
}

type IntentRow = Pick<Selectable<PaymentsTables['payments_intents']>, (typeof columns)[number]>;

const columns = ['id', 'purpose', 'reference', 'user_id', 'amount', 'currency', 'provider', 'status', 'expires_at', 'created_at'] as const;

function toIntent(row: IntentRow): Intent {
  return {
    id: row.id,
    purpose: row.purpose,
    reference: row.reference,
    userId: row.user_id,
    amount: row.amount,
    currency: row.currency,
    provider: row.provider,
    status: row.status,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
  };
}

type NewIntent = Omit<Intent, 'status' | 'createdAt'>;

const intentValues = (intent: NewIntent, status: 'pending' | 'succeeded') => ({
  id: intent.id,
  purpose: intent.purpose,
  reference: intent.reference,
  user_id: intent.userId,
  amount: intent.amount,
  currency: intent.currency,
  provider: intent.provider,
  status,
  expires_at: intent.expiresAt,
});

export async function insertIntent(db: Executor, intent: NewIntent): Promise<Intent> {
  const row = await db.insertInto('payments_intents').values(intentValues(intent, 'pending')).returning(columns).executeTakeFirstOrThrow();
  await db.insertInto('payments_log').values({ intent_id: intent.id, from_status: null, to_status: 'pending', note: 'created' }).execute();
  return toIntent(row);
}

/**
 * Intents decided at once by their provider, many in one statement: each `succeeded`, with its
 * history. Other intents of the same references still `pending` are cancelled (with theirs):
 * the reference is settled. `alongside`: the caller's rows of the batch, in the same statement.
 */
export async function insertSettledIntents(db: Executor, intents: NewIntent[], cancelNote: string, alongside: Recordset[] = []): Promise<Intent[]> {
  if (intents.length === 0) return [];
  // A recordset, not a VALUES list: one statement text whatever the batch's size (prepared once).
  const inserted = recordsetInsert('payments_intents', intents.map((intent) => intentValues(intent, 'succeeded')));
  const more = recordsetCtes(alongside);
  const result = await sql<IntentRow>`
    with cancelled as (
      update payments_intents set status = 'cancelled', updated_at = now()
      where (purpose, reference) in (select * from unnest(${intents.map((i) => i.purpose)}::text[], ${intents.map((i) => i.reference)}::text[]))
        and status = 'pending'
      returning id
    ),
    cancel_logged as (
      insert into payments_log (intent_id, from_status, to_status, note) select id, 'pending', 'cancelled', ${cancelNote} from cancelled order by id
    ),
    inserted as (${inserted} returning ${sql.join(columns.map((c) => sql.ref(c)))}),
    logged as (
      insert into payments_log (intent_id, from_status, to_status, note)
      select i.id, s.from_status, s.to_status, case when s.step = 1 then 'created' else 'settled by ' || i.provider end
      from inserted i, (values (1, null::text, 'pending'), (2, 'pending', 'succeeded')) as s(step, from_status, to_status)
      order by i.id, s.step
    )${more.length > 0 ? sql`, ${sql.join(more)}` : sql``}
    select * from inserted`.execute(db);
  return result.rows.map(toIntent);
}

/** Locks the pending intents of these references (in id order), as a webhook locks an intent before its purpose's rows. */
export async function lockPendingIntents(db: Executor, purpose: string, references: string[]): Promise<void> {
  if (references.length === 0) return;
  await db.selectFrom('payments_intents').select('id').where('purpose', '=', purpose).where('reference', 'in', references).where('status', '=', 'pending').orderBy('id').forUpdate().execute();
}

/** Cancels the pending intents of these references in one statement (with their history). */
export async function cancelPendingIntents(db: Executor, purpose: string, references: string[], note: string): Promise<number> {
  if (references.length === 0) return 0;
  const rows = await db
    .updateTable('payments_intents')
    .set({ status: 'cancelled', updated_at: new Date() })
    .where('purpose', '=', purpose)
    .where('reference', 'in', references)
    .where('status', '=', 'pending')
    .returning('id')
    .execute();
  if (rows.length > 0) await db.insertInto('payments_log').values(rows.map((r) => ({ intent_id: r.id, from_status: 'pending' as const, to_status: 'cancelled' as const, note }))).execute();
  return rows.length;
}

export async function findIntent(db: Executor, id: string): Promise<Intent | undefined> {
  const row = await db.selectFrom('payments_intents').select(columns).where('id', '=', id).executeTakeFirst();
  return row && toIntent(row);
}

/**
 * Moves an intent to `to` only from a state the lifecycle allows, in one guarded UPDATE,
 * and logs it. Returns the updated intent, or undefined when it was not in such a state.
 */
export async function transitionIntent(db: Executor, id: string, to: IntentStatus, note: string, from?: IntentStatus[]): Promise<Intent | undefined> {
  const allowed = from ?? statesLeadingTo(to);
  const before = await db.selectFrom('payments_intents').select('status').where('id', '=', id).forUpdate().executeTakeFirst();
  if (!before || !allowed.includes(before.status)) return undefined;
  const row = await db
    .updateTable('payments_intents')
    .set({ status: to, updated_at: new Date() })
    .where('id', '=', id)
    .where('status', '=', before.status)
    .returning(columns)
    .executeTakeFirst();
  if (!row) return undefined;
  await db.insertInto('payments_log').values({ intent_id: id, from_status: before.status, to_status: to, note }).execute();
  return toIntent(row);
}

export async function intentLog(db: Executor, id: string): Promise<{ from: IntentStatus | null; to: IntentStatus; note: string | null }[]> {
  const rows = await db.selectFrom('payments_log').select(['from_status', 'to_status', 'note']).where('intent_id', '=', id).orderBy('id').execute();
  return rows.map((r) => ({ from: r.from_status, to: r.to_status, note: r.note }));
}

/** Records a webhook event; false when its id was seen before (a replay). */
export async function recordWebhookEvent(
  db: Executor,
  event: { eventId: string; provider: ProviderName; type: string; paymentId: string; amount: number; currency: string },
): Promise<boolean> {
  const inserted = await db
    .insertInto('payments_webhook_events')
    .values({ event_id: event.eventId, provider: event.provider, type: event.type, payment_id: event.paymentId, amount: event.amount, currency: event.currency })
    .onConflict((oc) => oc.column('event_id').doNothing())
    .returning('event_id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function findWebhookEvent(db: Executor, eventId: string) {
  return db.selectFrom('payments_webhook_events').selectAll().where('event_id', '=', eventId).executeTakeFirst();
}

export async function markWebhookProcessed(db: Executor, eventId: string, outcome: string): Promise<void> {
  await db.updateTable('payments_webhook_events').set({ processed_at: new Date(), outcome }).where('event_id', '=', eventId).execute();
}
