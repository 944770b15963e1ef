import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

// The web app's two languages: nothing a Chinese visitor sees falls back to English by accident.
type Dictionaries = { en: Record<string, string>; zh: Record<string, string> };
const messages = '../web/src/i18n/messages/index.ts';
const { dictionaries } = (await import(messages)) as { dictionaries: Dictionaries };

/** Keys that exist in one language only on purpose: Chinese titles for notifications the server writes in English. */
const ZH_ONLY = /^account\.notificationTitle\./;

/** The error codes of API.md: each needs a sentence in both languages. */
const API_CODES = [
  'validation_failed', 'unauthorized', 'invalid_credentials', 'forbidden', 'not_found', 'username_taken', 'insufficient_funds', 'insufficient_stock',
  'invalid_state', 'product_unavailable', 'sold_out', 'purchase_limit_exceeded', 'sale_not_started', 'sale_ended', 'coupon_unavailable',
  'idempotency_key_in_use', 'payload_too_large', 'mixed_sellers', 'cannot_buy_own_product', 'idempotency_key_reused', 'rate_limited',
];

const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();

describe('web app languages', () => {
  it('every English text has a Chinese one and the other way round', () => {
    const missingZh = Object.keys(dictionaries.en).filter((key) => !(key in dictionaries.zh));
    const missingEn = Object.keys(dictionaries.zh).filter((key) => !(key in dictionaries.en) && !ZH_ONLY.test(key));
    assert.deepEqual(missingZh, [], 'English keys without Chinese');
    assert.deepEqual(missingEn, [], 'Chinese keys without English');
  });

  it('translations keep their placeholders and are never empty', () => {
    for (const [key, en] of Object.entries(dictionaries.en)) {
      const zh = dictionaries.zh[key];
      assert.ok(en.trim() !== '', `${key} (en) is empty`);
      if (zh === undefined) continue;
      assert.ok(zh.trim() !== '', `${key} (zh) is empty`);
      assert.deepEqual(placeholders(zh), placeholders(en), `${key}: the same {placeholders} in both`);
    }
  });

  it('every error code of API.md reads as a sentence in both languages', () => {
    for (const code of API_CODES) {
      assert.ok(dictionaries.en[`error.${code}`], `error.${code} (en)`);
      assert.ok(dictionaries.zh[`error.${code}`], `error.${code} (zh)`);
    }
  });
});
