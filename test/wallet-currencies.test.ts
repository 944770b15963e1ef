import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { startApp } from '../src/app.js';
import { loadConfig } from '../src/platform/config.js';
import { client } from './support/client.js';
import { MODES, createTestEnvironment, type TestEnvironment } from './support/harness.js';

interface WalletBody {
  accounts: { currency: string; available: number; frozen: number }[];
}

for (const mode of MODES) {
  describe(`adding a currency opens accounts for existing users (${mode})`, () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flashmart-currencies-'));
    let environment: TestEnvironment | undefined;
    after(async () => {
      await environment?.dispose();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('a job gives every existing user the new accounts, idempotently', async () => {
      environment = await createTestEnvironment(mode, { FLASHMART_DATA_DIR: dataDir });
      const first = await startApp(environment.config, { listen: false });
      const api = client(first.http);
      const users = await Promise.all(['old_one', 'old_two', 'old_three'].map((name) => api.register(name)));
      await first.close();

      const widened = loadConfig({ ...environment.env, FLASHMART_CURRENCIES: 'CNY,USD,JPY,EUR' });
      const second = await startApp(widened, { listen: false });
      try {
        await second.platform.jobs.runDue();
        const api2 = client(second.http);
        for (const user of users) {
          const wallet = await api2.get<WalletBody>('/api/v1/wallet', { token: user.accessToken });
          assert.deepEqual(
            wallet.body.accounts.map((a) => a.currency),
            ['CNY', 'USD', 'JPY', 'EUR'],
          );
        }
        const eur = await second.platform.database.db
          .selectFrom('wallet_accounts')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('currency', '=', 'EUR')
          .where('user_id', 'is not', null)
          .executeTakeFirstOrThrow();
        assert.equal(eur.n, users.length * 2, 'available and frozen for each user');
        assert.equal(await second.modules.wallet.openMissingUserAccounts(second.platform.database.db), 0, 'running it again opens nothing');
        const fresh = await api2.register('new_one');
        const wallet = await api2.get<WalletBody>('/api/v1/wallet', { token: fresh.accessToken });
        assert.equal(wallet.body.accounts.length, 4, 'new users get every currency at registration');
      } finally {
        await second.close();
      }
    });
  });
}
