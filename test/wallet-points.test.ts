import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inTransaction } from '../src/platform/db/index.js';
import { client, type Client } from './support/client.js';
import { MODES, startTestApp, type TestApp } from './support/harness.js';

for (const mode of MODES) {
  describe(`points: 1 per whole currency unit paid (${mode})`, () => {
    let t: TestApp;
    let api: Client;
    before(async () => {
      t = await startTestApp(mode);
      api = client(t.app.http);
    });
    after(async () => t.close());

    it('credits whole units only, once per reference, and GET /wallet shows them', async () => {
      const buyer = await api.register('pointy');
      const { wallet } = t.app.modules;
      const db = t.app.platform.database.db;
      await inTransaction(db, (tx) => wallet.creditPoints(tx, buyer.user.id, { amount: 1234, currency: 'CNY' }, 'points:order-1'));
      await inTransaction(db, (tx) => wallet.creditPoints(tx, buyer.user.id, { amount: 500, currency: 'JPY' }, 'points:order-2'));
      const again = await inTransaction(db, (tx) => wallet.creditPoints(tx, buyer.user.id, { amount: 500, currency: 'JPY' }, 'points:order-2'));
      assert.equal(again?.booked, false, 'the same order is never credited twice');
      const tooSmall = await inTransaction(db, (tx) => wallet.creditPoints(tx, buyer.user.id, { amount: 99, currency: 'USD' }, 'points:order-3'));
      assert.equal(tooSmall, undefined, 'less than one whole unit earns nothing');
      const view = await api.get<{ points: number }>('/api/v1/wallet', { token: buyer.accessToken });
      assert.equal(view.body.points, 12 + 500);
    });
  });
}

describe('FLASHMART_SANDBOX=off removes the sandbox provider', () => {
  let t: TestApp;
  let api: Client;
  before(async () => {
    t = await startTestApp('embedded', { FLASHMART_SANDBOX: 'off' });
    api = client(t.app.http);
  });
  after(async () => t.close());

  it('serves no sandbox pages or API, and a recharge through it is refused without a trace', async () => {
    assert.equal(t.app.modules.sandbox, undefined);
    assert.equal((await api.get('/sandbox/pay/00000000-0000-4000-8000-000000000000')).status, 404);
    assert.equal((await api.post('/sandbox/api/payments/00000000-0000-4000-8000-000000000000/succeed')).status, 404);
    const user = await api.register('no_sandbox');
    const refused = await api.post('/api/v1/wallet/recharges', { token: user.accessToken, body: { amount: { amount: 100, currency: 'CNY' } } });
    assert.equal(refused.status, 503, 'a provider switched off is the server state, not a bad request');
    const rows = await t.app.platform.database.db.selectFrom('wallet_recharges').select('id').execute();
    assert.deepEqual(rows, []);
  });
});
