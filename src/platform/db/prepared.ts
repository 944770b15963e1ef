import { createHash } from 'node:crypto';
import type pg from 'pg';

/**
 * PostgreSQL raises this when a prepared statement's result columns changed under it (a rolling
 * deploy's migration added a column to a table behind a `select *`). Nothing ran; the statement
 * only needs preparing again, which a fresh name does.
 */
const RESULT_TYPE_CHANGED = 'cached plan must not change result type';

/** True when `error` is PostgreSQL refusing a prepared statement whose result columns changed. */
export function isStalePreparedStatement(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '0A000' && (error as { message?: unknown }).message === RESULT_TYPE_CHANGED;
}

export interface PreparedStatementOptions {
  /** A statement text is prepared once this process has sent it this many times. */
  minUses: number;
  /** At most this many texts are prepared (each connection keeps a plan per prepared text). */
  max: number;
}

interface Seen {
  uses: number;
  name?: string;
  generation: number;
  /** One of several texts of one shape: never prepared. */
  variable: boolean;
}

type Query = (...args: unknown[]) => unknown;

/**
 * Server-side prepared statements for the statements a process repeats: once a parameterised
 * text has been sent `minUses` times, each connection parses and plans it once under a name
 * derived from the text, and afterwards only binds and executes it. PostgreSQL then reuses its
 * plan (a generic one after five executions, when that costs no more than planning each time),
 * which for the batch statements of the write path is most of their server time.
 *
 * Texts that vary with their input (an `in (…)` or VALUES list as long as a batch) are not
 * prepared: once two texts differ only in their parameter lists, neither is (one already
 * prepared stays), so they cannot fill the cap and leave later statements unprepared.
 * Parameterless texts (migration scripts, BEGIN, COMMIT) never are. A prepared statement whose result columns changed (PostgreSQL refuses it) gets a
 * fresh name: outside a transaction the query is sent again at once; inside one the error ends
 * the transaction, which `inTransaction` retries.
 */
export function prepareRepeatedStatements(pool: pg.Pool, options: PreparedStatementOptions): void {
  const seen = new Map<string, Seen>();
  /** Per shape (a text without its parameter lists), its first text; `false` once a second differed. */
  const shapes = new Map<string, string | false>();
  let prepared = 0;

  function nameFor(text: string): string | undefined {
    let entry = seen.get(text);
    if (!entry) {
      // Counting is bounded too: when many one-off texts were counted, start counting again.
      if (seen.size >= options.max * 4) {
        for (const [key, value] of seen) if (value.name === undefined) seen.delete(key);
        for (const [key, value] of shapes) if (value !== false && !seen.get(value)?.name) shapes.delete(key);
      }
      entry = { uses: 0, generation: 0, variable: isVariable(text) };
      seen.set(text, entry);
    }
    if (entry.name !== undefined) return entry.name;
    entry.uses++;
    if (entry.variable || entry.uses < options.minUses || prepared >= options.max) return undefined;
    prepared++;
    entry.name = statementName(text, entry.generation);
    return entry.name;
  }

  /** A text whose parameter lists vary with its input (`in ($1, $2)`, a VALUES list): one of many. */
  function isVariable(text: string): boolean {
    // Without its parameters (and their casts), the DEFAULTs of multi-row inserts and list glue.
    const shape = text.replace(/\$\d+(?:::[\w."]+(?:\[\])*)?|\bdefault\b/gi, '').replace(/[\s,()]+/g, '');
    const first = shapes.get(shape);
    if (first === undefined) {
      shapes.set(shape, text);
      return false;
    }
    if (first === text) return false;
    if (first !== false) {
      shapes.set(shape, false);
      const earlier = seen.get(first);
      if (earlier) earlier.variable = true;
    }
    return true;
  }

  /**
   * The name to prepare `text` under after `stale` was refused. Only the first connection to be
   * refused draws a new one; the others, refused the same old name later, take that one too.
   */
  function renew(text: string, stale: string): string | undefined {
    const entry = seen.get(text);
    if (!entry) return undefined;
    if (entry.name === stale) {
      entry.generation++;
      entry.name = statementName(text, entry.generation);
    }
    return entry.name;
  }

  pool.on('connect', (client) => {
    const send = client.query.bind(client) as Query;
    let inTransaction = false;
    const run = (text: string, values: unknown[]): Promise<unknown> => {
      const name = nameFor(text);
      if (name === undefined) return send(text, values) as Promise<unknown>;
      return (send({ name, text, values }) as Promise<unknown>).catch((error: unknown) => {
        if (!isStalePreparedStatement(error)) throw error;
        const fresh = renew(text, name);
        if (inTransaction || fresh === undefined) throw error;
        return send({ name: fresh, text, values });
      });
    };
    const patched: Query = (...args) => {
      const [text, values, callback] = args;
      if (typeof text !== 'string' || !Array.isArray(values) || values.length === 0 || args.length > 3 || (args.length === 3 && typeof callback !== 'function')) {
        if (typeof text === 'string') inTransaction = nextTransactionState(text, inTransaction);
        return send(...args);
      }
      const answer = run(text, values);
      if (typeof callback !== 'function') return answer;
      // The callback form (pg.Pool#query uses it) answers through the callback and returns nothing.
      answer.then(
        (result) => (callback as (error: null, result: unknown) => void)(null, result),
        (error: unknown) => (callback as (error: unknown) => void)(error),
      );
      return undefined;
    };
    (client as unknown as { query: Query }).query = patched;
  });
}

function statementName(text: string, generation: number): string {
  return `fm_${createHash('sha1').update(text).digest('hex').slice(0, 20)}_${generation}`;
}

/** Whether a connection is inside a transaction block after sending a parameterless `text`. */
function nextTransactionState(text: string, inTransaction: boolean): boolean {
  const head = text.trimStart().slice(0, 24).toLowerCase();
  if (head.startsWith('begin') || head.startsWith('start transaction')) return true;
  if (head.startsWith('rollback to') || head.startsWith('release') || head.startsWith('savepoint')) return inTransaction;
  if (head.startsWith('commit') || head.startsWith('rollback') || head.startsWith('end') || head.startsWith('abort')) return false;
  return inTransaction;
}
