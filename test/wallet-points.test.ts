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
