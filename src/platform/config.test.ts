import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './config.js';

describe('config', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    assert.equal(config.port, 3000);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.dataDir, path.resolve('./.flashmart'));
    assert.equal(config.role, 'all');
    assert.deepEqual(config.currencies, ['CNY', 'USD', 'JPY']);
    assert.equal(config.paymentTimeoutSeconds, 1800);
    assert.equal(config.flashPaymentTimeoutSeconds, 600);
    assert.equal(config.flashRatePerUser, 5);
    assert.equal(config.flashRateGlobal, 0);
    assert.equal(config.registerRatePerIp, 100);
    assert.equal(config.autoConfirmDays, 10);
    assert.equal(config.publicUrl, 'http://127.0.0.1:3000');
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.dbPreparedStatements, true);
  });

  it('reads every documented variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      DATABASE_URL: 'postgres://u@db/flashmart',
      REDIS_URL: 'redis://cache:6379',
      AMQP_URL: 'amqp://mq',
      FLASHMART_ROLE: 'worker',
      FLASHMART_CURRENCIES: 'usd, eur',
      FLASHMART_PAYMENT_TIMEOUT_SECONDS: '1',
      FLASHMART_FLASH_RATE_GLOBAL: '0',
      FLASHMART_PUBLIC_URL: 'https://shop.example',
      FLASHMART_DATA_DIR: 'memory://',
      FLASHMART_DB_PREPARED_STATEMENTS: 'off',
    });
    assert.equal(config.port, 8080);
    assert.equal(config.role, 'worker');
    assert.deepEqual(config.currencies, ['USD', 'EUR']);
    assert.equal(config.paymentTimeoutSeconds, 1);
    assert.equal(config.publicUrl, 'https://shop.example');
    assert.equal(config.dataDir, 'memory://');
    assert.equal(config.dbPreparedStatements, false);
  });

  const bad: [string, string][] = [
    ['PORT', '70000'],
    ['PORT', '3000x'],
    ['FLASHMART_PAYMENT_TIMEOUT_SECONDS', '0'],
    ['FLASHMART_FLASH_PAYMENT_TIMEOUT_SECONDS', '1.5'],
    ['FLASHMART_FLASH_RATE_PER_USER', '-1'],
    ['FLASHMART_ROLE', 'everything'],
    ['DATABASE_URL', 'not a url'],
    ['REDIS_URL', 'http://cache'],
    ['FLASHMART_CURRENCIES', 'CNY,DOLLARS'],
    ['FLASHMART_JWT_SECRET', 'too-short'],
    ['FLASHMART_SANDBOX', 'maybe'],
    ['FLASHMART_DB_PREPARED_STATEMENTS', 'yes'],
    ['FLASHMART_ADMIN_USERNAME', 'lonely'],
  ];
  for (const [name, value] of bad) {
    it(`rejects ${name}=${value} naming the variable`, () => {
      assert.throws(
        () => loadConfig({ [name]: value }),
        (error: unknown) => error instanceof ConfigError && error.message.includes(name === 'FLASHMART_ADMIN_USERNAME' ? 'FLASHMART_ADMIN_PASSWORD' : name),
      );
    });
  }
});
