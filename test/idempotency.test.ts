import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { client, type Client } from './support/client.js';
import { MODES, startTestApp, type TestApp } from './support/harness.js';

interface Registered {
  user: { id: string };
}

for (const mode of MODES) {
  describe(`Idempotency-Key (${mode})`, () => {
    let t: TestApp;
    let api: Client;
    before(async () => {
      t = await startTestApp(mode);
      api = client(t.app.http);
    });
    after(async () => t.close());

    async function userCount(username: string): Promise<number> {
      const row = await t.app.platform.database.db
        .selectFrom('identity_users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('username', '=', username)
        .executeTakeFirstOrThrow();
      return row.n;
    }

    it('the same key and body replays the first response without doing it again', async () => {
      const body = { username: 'idem_one', password: 'password-one' };
      const headers = { 'idempotency-key': 'key-1' };
      const first = await api.post<Registered>('/api/v1/auth/register', { body, headers });
      assert.equal(first.status, 201);
      assert.equal(first.headers['idempotent-replayed'], undefined);
      const second = await api.post<Registered>('/api/v1/auth/register', { body, headers });
      assert.equal(second.status, 201);
      assert.equal(second.headers['idempotent-replayed'], 'true');
      assert.equal(second.text, first.text, 'same status and body');
      assert.equal(await userCount('idem_one'), 1);
    });

    it('the same key with another body → 422 idempotency_key_reused', async () => {
      const headers = { 'idempotency-key': 'key-2' };
      assert.equal((await api.post('/api/v1/auth/register', { body: { username: 'idem_two', password: 'password-two' }, headers })).status, 201);
      const reused = await api.post('/api/v1/auth/register', { body: { username: 'idem_three', password: 'password-two' }, headers });
      assert.equal(reused.status, 422);
      assert.equal(reused.body.code, 'idempotency_key_reused');
      assert.equal(await userCount('idem_three'), 0);
    });

    it('refusals are replayed too, and a key is 1-255 characters', async () => {
      await api.register('idem_taken');
      const headers = { 'idempotency-key': 'key-3' };
      const body = { username: 'idem_taken', password: 'password-x1' };
      const first = await api.post('/api/v1/auth/register', { body, headers });
      assert.equal(first.status, 409);
      const again = await api.post('/api/v1/auth/register', { body, headers });
      assert.equal(again.status, 409);
      assert.equal(again.headers['idempotent-replayed'], 'true');
      const tooLong = await api.post('/api/v1/auth/register', { body: { username: 'idem_long', password: 'password-x1' }, headers: { 'idempotency-key': 'k'.repeat(256) } });
      assert.equal(tooLong.status, 400);
      assert.equal(await userCount('idem_long'), 0);
    });

    it('50 concurrent identical requests with one key execute once', async () => {
      const body = { username: 'idem_race', password: 'password-race' };
      const headers = { 'idempotency-key': 'race-key' };
      const results = await Promise.all(Array.from({ length: 50 }, () => api.post<Registered>('/api/v1/auth/register', { body, headers })));
      const created = results.filter((r) => r.status === 201);
      assert.ok(created.length >= 1);
      assert.ok(
        results.every((r) => r.status === 201 || (r.status === 409 && (r.body as unknown as { code: string }).code === 'idempotency_key_in_use')),
        `only 201 or 409 in use: ${[...new Set(results.map((r) => r.status))].join(',')}`,
      );
      assert.equal(new Set(created.map((r) => r.body.user.id)).size, 1, 'every success is the same user');
      assert.equal(await userCount('idem_race'), 1);
    });

    it('keys are scoped per user: two users may use the same key', async () => {
      const a = await api.register('idem_user_a');
      const b = await api.register('idem_user_b');
      const headers = { 'idempotency-key': 'shared-key' };
      const outA = await api.post('/api/v1/auth/logout', { token: a.accessToken, headers });
      const outB = await api.post('/api/v1/auth/logout', { token: b.accessToken, headers });
      assert.equal(outA.status, 204);
      assert.equal(outB.status, 204);
      assert.equal(outB.headers['idempotent-replayed'], undefined, 'not a replay of the other user');
      assert.equal((await api.get('/api/v1/me', { token: b.accessToken })).status, 401, "b's logout really ran");
    });
  });
}
