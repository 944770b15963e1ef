import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { createTestDatabase } from './support/harness.js';
import { servicesEnabled } from './support/services.js';
import { runFlashmart } from './support/processes.js';



describe('the flashmart command line', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flashmart-cli-'));
  const embedded = { FLASHMART_DATA_DIR: dataDir };
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('a bad configuration value stops with one clear line naming the variable', () => {
    for (const [name, value] of [
      ['PORT', 'abc'],
      ['FLASHMART_PAYMENT_TIMEOUT_SECONDS', '0'],
      ['DATABASE_URL', 'mysql://x'],
      ['FLASHMART_ROLE', 'boss'],
      ['FLASHMART_JWT_SECRET', 'short'],
    ] as const) {
      const result = runFlashmart(['start'], { ...embedded, [name]: value });
      assert.equal(result.code, 1, `${name}=${value} must stop the process`);
      const lines = result.stderr.trim().split('\n');
      assert.equal(lines.length, 1, `one line, got: ${result.stderr}`);
      assert.match(lines[0] ?? '', new RegExp(`^flashmart: invalid configuration: ${name} `));
    }
    const role = runFlashmart(['start', '--role', 'nope'], embedded);
    assert.equal(role.code, 1);
    assert.match(role.stderr, /--role must be one of/);
  });

  it('migrate applies the migrations once', () => {
    const first = runFlashmart(['migrate'], embedded);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /applied \d+ migration/);
    const second = runFlashmart(['migrate'], embedded);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /up to date/);
  });

  it('admin create reads the password from stdin and is idempotent', () => {
    const created = runFlashmart(['admin', 'create', '--username', 'chief', '--password-stdin'], embedded, 'chief-password-1\n');
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /administrator chief created/);
    const again = runFlashmart(['admin', 'create', '--username', 'chief', '--password-stdin'], embedded, 'chief-password-1\n');
    assert.equal(again.code, 0);
    assert.match(again.stdout, /already existed/);
    const short = runFlashmart(['admin', 'create', '--username', 'tiny', '--password-stdin'], embedded, 'short\n');
    assert.equal(short.code, 1);
    assert.match(short.stderr, /8-128 characters/);
  });

  it('audit is clean on a healthy database', () => {
    const audit = runFlashmart(['audit'], embedded);
    assert.equal(audit.code, 0, audit.stdout + audit.stderr);
    assert.match(audit.stdout, /audit clean/);
  });

  it('dead-letters lists a group (none here) and insists on a group', () => {
    const listed = runFlashmart(['dead-letters', 'list', '--group', 'wallet-points'], embedded);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /0 dead letter\(s\) in wallet-points/);
    const replayed = runFlashmart(['dead-letters', 'replay', '--group', 'wallet-points'], embedded);
    assert.equal(replayed.code, 0, replayed.stderr);
    assert.match(replayed.stdout, /replayed 0 dead letter/);
    const usage = runFlashmart(['dead-letters', 'list'], embedded);
    assert.equal(usage.code, 1);
    assert.match(usage.stderr, /usage: flashmart dead-letters/);
  });

  it('an unknown command prints the usage and fails', () => {
    const result = runFlashmart(['dance'], embedded);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /unknown command "dance"/);
  });
});

describe('flashmart audit on PostgreSQL reports violations', { skip: servicesEnabled ? false : 'needs PostgreSQL' }, () => {
  it('exits 1 with a precise report, 0 once repaired', async () => {
    const database = await createTestDatabase();
    try {
      const env = { DATABASE_URL: database.url };
      assert.equal(runFlashmart(['admin', 'create', '--username', 'chief', '--password-stdin'], env, 'chief-password-1').code, 0);
      assert.equal(runFlashmart(['audit'], env).code, 0);
      const pg = await import('pg');
      const client = new pg.default.Client({ connectionString: database.url });
      await client.connect();
      await client.query(`update identity_users set roles = array['admin'] where username = 'chief'`);
      const broken = runFlashmart(['audit'], env);
      assert.equal(broken.code, 1);
      assert.match(broken.stdout, /FAIL {2}identity: every user has the role "user"/);
      assert.match(broken.stdout, /1 user\(s\) lack the base role/);
      await client.query(`update identity_users set roles = array['user', 'admin'] where username = 'chief'`);
      await client.end();
      assert.equal(runFlashmart(['audit'], env).code, 0);
    } finally {
      await database.drop();
    }
  });
});
