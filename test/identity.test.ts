import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { client, type Client } from './support/client.js';
import { MODES, startTestApp, type TestApp } from './support/harness.js';

for (const mode of MODES) {
  describe(`identity and health (${mode})`, () => {
    let t: TestApp;
    let api: Client;
    before(async () => {
      t = await startTestApp(mode, { FLASHMART_ADMIN_USERNAME: 'root_admin', FLASHMART_ADMIN_PASSWORD: 'admin-password-1' });
      api = client(t.app.http);
    });
    after(async () => t.close());

    it('GET /healthz answers ok', async () => {
      const res = await api.get('/healthz');
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { status: 'ok' });
    });

    it('GET /readyz checks database, hot store and broker', async () => {
      const res = await api.get<{ status: string; checks: Record<string, string> }>('/readyz');
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.checks, { database: 'ok', hotStore: 'ok', broker: 'ok' });
    });

    it('GET /metrics exposes the latency histogram by route and platform counters', async () => {
      await api.get('/healthz');
      const res = await api.get('/metrics');
      assert.equal(res.status, 200);
      assert.match(res.text, /flashmart_http_request_duration_seconds_bucket\{[^}]*route="\/healthz"/);
      assert.match(res.text, /flashmart_outbox_published_total/);
    });

    it('serves the OpenAPI document, the docs UI and the web page', async () => {
      const spec = await api.get<{ openapi: string; paths: Record<string, unknown> }>('/openapi.json');
      assert.equal(spec.status, 200);
      assert.ok(spec.body.paths['/api/v1/auth/register'], 'register is documented');
      assert.ok(spec.body.paths['/api/v1/me'], 'me is documented');
      assert.equal((await api.get('/docs/')).status, 200);
      const page = await api.get('/');
      assert.equal(page.status, 200);
      assert.match(page.text, /Flashmart/);
      const deepLink = await api.get('/flash-sales/some-id');
      assert.equal(deepLink.status, 200, 'client-side routes get the app page');
      assert.match(String(deepLink.headers['content-type']), /text\/html/);
      assert.ok(page.headers['x-content-type-options'], 'security headers are set');
      assert.ok(page.headers['content-security-policy']);
    });

    it('unknown API paths answer a 404 problem, never the web page', async () => {
      const res = await api.get('/api/v1/does-not-exist');
      assert.equal(res.status, 404);
      assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
      assert.equal(res.body.code, 'not_found');
    });

    it('registers, then GET /me returns the user object itself', async () => {
      const reg = await api.post<{ user: Record<string, unknown>; accessToken: string; refreshToken: string }>('/api/v1/auth/register', {
        body: { username: 'Alice_1', password: 'password-alice' },
      });
      assert.equal(reg.status, 201);
      assert.equal(reg.body.user.username, 'Alice_1');
      assert.deepEqual(reg.body.user.roles, ['user']);
      assert.equal(typeof reg.body.accessToken, 'string');
      assert.equal(typeof reg.body.refreshToken, 'string');
      const me = await api.get('/api/v1/me', { token: reg.body.accessToken });
      assert.equal(me.status, 200);
      assert.deepEqual(Object.keys(me.body).sort(), ['createdAt', 'id', 'roles', 'username']);
      assert.equal(me.body.id, reg.body.user.id);
      assert.ok(!Number.isNaN(Date.parse(String(me.body.createdAt))));
    });

    it('usernames are unique case-insensitively', async () => {
      await api.register('bob_case');
      const res = await api.post('/api/v1/auth/register', { body: { username: 'BOB_CASE', password: 'another-password' } });
      assert.equal(res.status, 409);
      assert.equal(res.body.code, 'username_taken');
    });

    it('logs in with the right pair and refuses a wrong one', async () => {
      await api.register('carol', 'carol-password');
      const ok = await api.post<{ user: { username: string }; accessToken: string }>('/api/v1/auth/login', {
        body: { username: 'carol', password: 'carol-password' },
      });
      assert.equal(ok.status, 200);
      assert.equal(ok.body.user.username, 'carol');
      assert.equal((await api.get('/api/v1/me', { token: ok.body.accessToken })).status, 200);
      const wrong = await api.post('/api/v1/auth/login', { body: { username: 'carol', password: 'not-the-password' } });
      assert.equal(wrong.status, 401);
      assert.equal(wrong.body.code, 'invalid_credentials');
      const unknown = await api.post('/api/v1/auth/login', { body: { username: 'nobody_here', password: 'whatever-pw' } });
      assert.equal(unknown.status, 401);
      assert.equal(unknown.body.code, 'invalid_credentials');
    });

    it('rate limits failed logins per username with 429 and Retry-After', async () => {
      await api.register('dave', 'dave-password');
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        statuses.push((await api.post('/api/v1/auth/login', { body: { username: 'dave', password: `wrong-${i}-pass` } })).status);
      }
      assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429]);
      const locked = await api.post('/api/v1/auth/login', { body: { username: 'DAVE', password: 'dave-password' } });
      assert.equal(locked.status, 429, 'even the right password waits once locked');
      assert.equal(locked.body.code, 'rate_limited');
      assert.ok(Number(locked.headers['retry-after']) >= 1);
      const other = await api.register('erin');
      assert.ok(other.accessToken, 'other usernames are not affected');
    });

    it('refresh rotates tokens; presenting a rotated one ends the session', async () => {
      const first = await api.register('frank');
      const rotated = await api.post<{ accessToken: string; refreshToken: string }>('/api/v1/auth/refresh', { body: { refreshToken: first.refreshToken } });
      assert.equal(rotated.status, 200);
      assert.notEqual(rotated.body.refreshToken, first.refreshToken);
      assert.equal((await api.get('/api/v1/me', { token: rotated.body.accessToken })).status, 200);
      const second = await api.post<{ accessToken: string; refreshToken: string }>('/api/v1/auth/refresh', { body: { refreshToken: rotated.body.refreshToken } });
      assert.equal(second.status, 200);

      const replay = await api.post('/api/v1/auth/refresh', { body: { refreshToken: first.refreshToken } });
      assert.equal(replay.status, 401);
      assert.equal(replay.body.code, 'unauthorized');
      assert.equal((await api.get('/api/v1/me', { token: second.body.accessToken })).status, 401, 'access token of the session stops working');
      const afterReuse = await api.post('/api/v1/auth/refresh', { body: { refreshToken: second.body.refreshToken } });
      assert.equal(afterReuse.status, 401, 'the newest refresh token stops working too');
    });

    it('concurrent refreshes with one token: at most one wins and the session ends', async () => {
      const user = await api.register('gina');
      const results = await Promise.all(
        Array.from({ length: 8 }, () => api.post<{ accessToken: string }>('/api/v1/auth/refresh', { body: { refreshToken: user.refreshToken } })),
      );
      const ok = results.filter((r) => r.status === 200);
      assert.ok(ok.length <= 1, `at most one rotation succeeds, got ${ok.length}`);
      assert.equal(results.filter((r) => r.status === 401).length, results.length - ok.length);
    });

    it('unknown or malformed refresh tokens are refused', async () => {
      for (const refreshToken of ['nope', '00000000-0000-0000-0000-000000000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA']) {
        const res = await api.post('/api/v1/auth/refresh', { body: { refreshToken } });
        assert.equal(res.status, 401);
        assert.equal(res.body.code, 'unauthorized');
      }
    });

    it('logout answers 204 and the access token is refused from then on', async () => {
      const user = await api.register('hank');
      const out = await api.post('/api/v1/auth/logout', { token: user.accessToken });
      assert.equal(out.status, 204);
      const me = await api.get('/api/v1/me', { token: user.accessToken });
      assert.equal(me.status, 401);
      assert.equal(me.body.code, 'unauthorized');
      assert.equal((await api.post('/api/v1/auth/refresh', { body: { refreshToken: user.refreshToken } })).status, 401);
      assert.equal((await api.post('/api/v1/auth/logout', { token: user.accessToken })).status, 401);
    });

    it('logout accepts an empty body or {} and rejects unknown fields', async () => {
      const a = await api.register('ivy_a');
      assert.equal((await api.post('/api/v1/auth/logout', { token: a.accessToken, body: {} })).status, 204);
      const b = await api.register('ivy_b');
      assert.equal((await api.post('/api/v1/auth/logout', { token: b.accessToken, raw: '' })).status, 204);
      const c = await api.register('ivy_c');
      assert.equal((await api.post('/api/v1/auth/logout', { token: c.accessToken, body: { all: true } })).status, 400);
      assert.equal((await api.get('/api/v1/me', { token: c.accessToken })).status, 200, 'the refused logout changed nothing');
    });

    it('routes that need a user answer 401 without a token', async () => {
      for (const res of [await api.get('/api/v1/me'), await api.post('/api/v1/auth/logout')]) {
        assert.equal(res.status, 401);
        assert.equal(res.body.code, 'unauthorized');
      }
    });

    it('the first admin comes from FLASHMART_ADMIN_* and has the admin role', async () => {
      const login = await api.post<{ user: { roles: string[] } }>('/api/v1/auth/login', {
        body: { username: 'root_admin', password: 'admin-password-1' },
      });
      assert.equal(login.status, 200);
      assert.deepEqual(login.body.user.roles, ['user', 'admin']);
      const again = await t.app.modules.identity.ensureAdmin('root_admin', 'admin-password-1');
      assert.equal(again.created, false, 'bootstrap is idempotent');
    });
  });
}
