import { createHmac, timingSafeEqual } from 'node:crypto';

/** `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`, as Stripe-style PSPs sign. */
export function signWebhook(secret: string, rawBody: string, timestampSeconds: number): string {
  const digest = createHmac('sha256', secret).update(`${timestampSeconds}.${rawBody}`).digest('hex');
  return `t=${timestampSeconds},v1=${digest}`;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/**
 * Checks a signature header in constant time and refuses timestamps more than
 * `toleranceSeconds` away from now (replays of old deliveries).
 */
export function verifyWebhookSignature(secret: string, header: string | undefined, rawBody: string, nowSeconds: number, toleranceSeconds = 300): SignatureCheck {
  if (!header) return { ok: false, reason: 'missing signature header' };
  const parts = new Map<string, string[]>();
  for (const item of header.split(',')) {
    const at = item.indexOf('=');
    if (at <= 0) continue;
    const key = item.slice(0, at).trim();
    parts.set(key, [...(parts.get(key) ?? []), item.slice(at + 1).trim()]);
  }
  const t = parts.get('t')?.[0];
  if (!t || !/^\d{1,12}$/.test(t)) return { ok: false, reason: 'missing or malformed timestamp' };
  if (Math.abs(nowSeconds - Number(t)) > toleranceSeconds) return { ok: false, reason: 'timestamp outside the tolerance' };
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest();
  for (const candidate of parts.get('v1') ?? []) {
    if (!/^[0-9a-f]{64}$/.test(candidate)) continue;
    if (timingSafeEqual(Buffer.from(candidate, 'hex'), expected)) return { ok: true };
  }
  return { ok: false, reason: 'signature does not match' };
}
