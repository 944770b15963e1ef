import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inTransaction } from '../src/platform/db/index.js';
import { MODES, useTestApp } from './support/harness.js';

for (const mode of MODES) {
  describe(`points: 1 per whole currency unit paid (${mode})`, () => {
    const ctx = useTestApp(mode);

    it('credits whole units only, once per reference, and GET /wallet shows them', async () => {
      const buyer = await ctx.api.register('pointy');
      const { wallet } = ctx.t.app.modules;
      const db = ctx.t.app.platform.database.db;
      await inTransaction(db, (tx) => wallet.creditPoints(tx, buyer.user.id, { amount: 1234, currency: 'CNY' }, 'points:order-1'));
      await inTransaction(db, (tx) => wallet.creditPoints(tx, buyer.user.id, { amount: 500, currency: 'JPY' }, 'points:order-2'));
      const again = await inTransaction(db, (tx) => wallet.creditPoints(tx, buyer.user.id, { amount: 500, currency: 'JPY' }, 'points:order-2'));
      assert.equal(again?.booked, false, 'the same order is never credited twice');
      const tooSmall = await inTransaction(db, (tx) => wallet.creditPoints(tx, buyer.user.id, { amount: 99, currency: 'USD' }, 'points:order-3'));
      assert.equal(tooSmall, undefined, 'less than one whole unit earns nothing');
      const view = await ctx.api.get<{ points: number }>('/api/v1/wallet', { token: buyer.accessToken });
      assert.equal(view.body.points, 12 + 500);
    });
  });
}

describe('FLASHMART_SANDBOX=off removes the sandbox provider', () => {
  const ctx = useTestApp('embedded', { FLASHMART_SANDBOX: 'off' });

  it('serves no sandbox pages or API, and a recharge through it is refused without a trace', async () => {
    assert.equal(ctx.t.app.modules.sandbox, undefined);
    assert.equal((await ctx.api.get('/sandbox/pay/00000000-0000-4000-8000-000000000000')).status, 404);
    assert.equal((await ctx.api.post('/sandbox/api/payments/00000000-0000-4000-8000-000000000000/succeed')).status, 404);
    const user = await ctx.api.register('no_sandbox');
    const refused = await ctx.api.post('/api/v1/wallet/recharges', { token: user.accessToken, body: { amount: { amount: 100, currency: 'CNY' } } });
    assert.equal(refused.status, 503, 'a provider switched off is the server state, not a bad request');
    const rows = await ctx.t.app.platform.database.db.selectFrom('wallet_recharges').select('id').execute();
    assert.deepEqual(rows, []);
  });
});
