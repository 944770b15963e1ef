import type { SandboxPayment } from './sandbox.service.js';
import { minorUnitsPerUnit } from '../../platform/money/index.js';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function formatMoney(amount: number, currency: string): string {
  const per = minorUnitsPerUnit(currency);
  const digits = Math.round(Math.log10(per));
  return `${(amount / per).toFixed(digits)} ${currency}`;
}

/** The checkout page: plain forms (no script, so the strict CSP holds). */
export function checkoutPage(payment: SandboxPayment, returnPath?: string): string {
  const id = escapeHtml(payment.id);
  const pending = payment.status === 'pending';
  const query = returnPath ? `?return=${escapeHtml(encodeURIComponent(returnPath))}` : '';
  const actions = pending
    ? `<form method="post" action="/sandbox/api/payments/${id}/succeed${query}"><button class="pay" type="submit">Pay</button></form>
       <form method="post" action="/sandbox/api/payments/${id}/fail${query}"><button class="fail" type="submit">Fail</button></form>`
    : `<p class="status">This payment is <strong>${escapeHtml(payment.status)}</strong>.</p><p><a href="${escapeHtml(returnPath ?? '/')}">Back to the shop</a></p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sandbox checkout</title>
<style>
 body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#222}
 .card{border:1px solid #ddd;border-radius:12px;padding:1.5rem}
 .amount{font-size:2rem;font-weight:700;margin:.5rem 0}
 form{display:inline-block;margin-right:.5rem}
 button{font-size:1rem;padding:.6rem 1.4rem;border-radius:8px;border:0;cursor:pointer}
 .pay{background:#2f9e44;color:#fff}.fail{background:#e9ecef;color:#c92a2a}
 .note{color:#868e96;font-size:.85rem}
</style></head>
<body><div class="card">
<p class="note">Sandbox payment provider: no real money moves.</p>
<h1>Checkout</h1>
<p>${escapeHtml(payment.description)}</p>
<p class="amount" data-testid="amount">${escapeHtml(formatMoney(payment.amount.amount, payment.amount.currency))}</p>
${actions}
<p class="note">Payment ${id}</p>
</div></body></html>`;
}
