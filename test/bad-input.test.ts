import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SignJWT, UnsecuredJWT } from 'jose';
import { client, type Client, type Response } from './support/client.js';
import { MODES, startTestApp, type TestApp } from './support/harness.js';

const SECRET = 'test-secret-0123456789-abcdefghijklmnopqrstuvwxyz';
const key = new TextEncoder().encode(SECRET);

function assertProblem(res: Response, status: number, code: string): void {
  assert.equal(res.status, status, `expected ${status} ${code}, got ${res.status} ${res.text}`);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  assert.equal(res.body.code, code);
  assert.equal(res.body.status, status);
  assert.equal(typeof res.body.title, 'string');
}

for (const mode of MODES) {
  describe(`bad input gets a clear 4xx and changes nothing (${mode})`, () => {
    let t: TestApp;
    let api: Client;
    let user: Awaited<ReturnType<Client['register']>>;

    async function counts(): Promise<string> {
      const db = t.app.platform.database.db;
      const users = await db.selectFrom('identity_users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const sessions = await db
        .selectFrom('identity_sessions')
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.count<number>('revoked_at').as('revoked')])
        .executeTakeFirstOrThrow();
      const idempotency = await db.selectFrom('platform_idempotency').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return JSON.stringify({ users: users.n, sessions, idempotency: idempotency.n });
    }

    before(async () => {
      t = await startTestApp(mode, { FLASHMART_JWT_SECRET: SECRET });
      api = client(t.app.http);
      user = await api.register('victim');
    });
    after(async () => t.close());

    const badRegistrations: [string, unknown][] = [
      ['missing password', { username: 'newbie' }],
      ['missing username', { password: 'password-123' }],
      ['unknown field', { username: 'newbie', password: 'password-123', admin: true }],
      ['numeric username', { username: 12345, password: 'password-123' }],
      ['numeric string is not coerced', { username: 'newbie', password: 12345678 }],
      ['short password', { username: 'newbie', password: 'short' }],
      ['long password', { username: 'newbie', password: 'x'.repeat(129) }],
      ['bad characters', { username: 'new bie!', password: 'password-123' }],
      ['short username', { username: 'ab', password: 'password-123' }],
      ['array body', [{ username: 'newbie', password: 'password-123' }]],
      ['null body', null],
      ['string body', 'newbie'],
    ];
    for (const [name, body] of badRegistrations) {
      it(`register: ${name} → 400 validation_failed`, async () => {
        const before = await counts();
        const res = await api.post('/api/v1/auth/register', { raw: JSON.stringify(body) });
        assertProblem(res, 400, 'validation_failed');
        assert.ok(Array.isArray(res.body.errors) && res.body.errors.length > 0, 'names the offending field');
        assert.equal(await counts(), before);
      });
    }

    it('register: an empty body → 400', async () => {
      const before = await counts();
      assertProblem(await api.post('/api/v1/auth/register', { raw: '' }), 400, 'validation_failed');
      assertProblem(await api.post('/api/v1/auth/register'), 400, 'validation_failed');
      assert.equal(await counts(), before);
    });

    it('malformed JSON → 400 on every POST', async () => {
      const before = await counts();
      for (const url of ['/api/v1/auth/register', '/api/v1/auth/login', '/api/v1/auth/refresh']) {
        assertProblem(await api.post(url, { raw: '{"username": "x",' }), 400, 'validation_failed');
      }
      assertProblem(await api.post('/api/v1/auth/logout', { raw: '{nope', token: user.accessToken }), 400, 'validation_failed');
      assert.equal(await counts(), before);
      assert.equal((await api.get('/api/v1/me', { token: user.accessToken })).status, 200);
    });

    it('NUL characters (which PostgreSQL text cannot hold) → 400, in a body, a key or the URL', async () => {
      const before = await counts();
      assertProblem(await api.post('/api/v1/auth/register', { raw: '{"username":"nul\\u0000one","password":"correct horse battery"}' }), 400, 'validation_failed');
      assertProblem(await api.post('/api/v1/auth/register', { raw: '{"username":"nulkey","password":"correct horse battery","a\\u0000":1}' }), 400, 'validation_failed');
      assertProblem(await api.get('/api/v1/products?q=%00'), 400, 'validation_failed');
      assertProblem(await api.get('/api/v1/products/%00'), 400, 'validation_failed');
      assert.equal(await counts(), before);
      // The text "\u0000" written out (an escaped backslash) is ordinary text.
      assert.equal((await api.get('/api/v1/products?q=%5Cu0000')).status, 200);
    });

    it('a 3 MB body → 413 payload_too_large', async () => {
      const before = await counts();
      const huge = JSON.stringify({ username: 'huge_one', password: 'x'.repeat(3 * 1024 * 1024) });
      assertProblem(await api.post('/api/v1/auth/register', { raw: huge }), 413, 'payload_too_large');
      assert.equal(await counts(), before);
    });

    it('a body that is not JSON → 415', async () => {
      const before = await counts();
      const res = await api.post('/api/v1/auth/register', { raw: 'username=a&password=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      assertProblem(res, 415, 'unsupported_media_type');
      assert.equal(await counts(), before);
    });

    it('login and refresh: missing, unknown and wrong-typed fields → 400', async () => {
      const before = await counts();
      assertProblem(await api.post('/api/v1/auth/login', { body: { username: 'victim' } }), 400, 'validation_failed');
      assertProblem(await api.post('/api/v1/auth/login', { body: { username: 'victim', password: 'correct horse battery', otp: 1 } }), 400, 'validation_failed');
      assertProblem(await api.post('/api/v1/auth/refresh', { body: {} }), 400, 'validation_failed');
      assertProblem(await api.post('/api/v1/auth/refresh', { body: { refreshToken: 42 } }), 400, 'validation_failed');
      assertProblem(await api.post('/api/v1/auth/refresh', { body: { refreshToken: user.refreshToken, extra: 'x' } }), 400, 'validation_failed');
      assert.equal(await counts(), before, 'the refused refresh did not rotate anything');
      const stillValid = await api.post('/api/v1/auth/refresh', { body: { refreshToken: user.refreshToken } });
      assert.equal(stillValid.status, 200);
      user = { ...user, ...(stillValid.body as { accessToken: string; refreshToken: string }) };
    });

    describe('forged access tokens → 401, nothing changed', () => {
      const claims = () => ({ sid: '00000000-0000-4000-8000-000000000000', name: 'victim', roles: ['user', 'admin'], cat: new Date().toISOString() });
      const now = () => Math.floor(Date.now() / 1000);
      interface Forgery {
        secret?: Uint8Array;
        alg?: string;
        audience?: string;
        issuedAt?: number;
        expiresAt?: number;
        roles?: string[];
      }
      /** A token signed like the server's, except for the one flaw a test puts in. */
      const signed = (flaw: Forgery) =>
        new SignJWT({ ...claims(), ...(flaw.roles ? { roles: flaw.roles } : {}) })
          .setProtectedHeader({ alg: flaw.alg ?? 'HS256' })
          .setIssuer('flashmart')
          .setAudience(flaw.audience ?? 'flashmart-api')
          .setSubject(user.user.id)
          .setIssuedAt(flaw.issuedAt ?? now())
          .setExpirationTime(flaw.expiresAt ?? now() + 300)
          .sign(flaw.secret ?? key);
      const forgeries: [string, () => Promise<string>][] = [
        ['alg none', async () => new UnsecuredJWT(claims()).setIssuer('flashmart').setAudience('flashmart-api').setSubject(user.user.id).setIssuedAt().setExpirationTime('5m').encode()],
        [
          'tampered payload',
          async () => {
            const [header, payload, signature] = user.accessToken.split('.');
            const decoded = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
            decoded.roles = ['user', 'admin'];
            return `${header}.${Buffer.from(JSON.stringify(decoded)).toString('base64url')}.${signature}`;
          },
        ],
        ['wrong key', async () => signed({ secret: new TextEncoder().encode('some-other-secret-0123456789-0123456789') })],
        ['expired', async () => signed({ issuedAt: now() - 3600, expiresAt: now() - 1800 })],
        ['wrong audience', async () => signed({ audience: 'elsewhere' })],
        ['wrong algorithm (HS512 with the right key)', async () => signed({ alg: 'HS512' })],
        ['garbage', async () => 'not.a.jwt'],
      ];
      for (const [name, forge] of forgeries) {
        it(name, async () => {
          const before = await counts();
          const token = await forge();
          assertProblem(await api.get('/api/v1/me', { token }), 401, 'unauthorized');
          assertProblem(await api.post('/api/v1/auth/logout', { token }), 401, 'unauthorized');
          assert.equal(await counts(), before);
          assert.equal((await api.get('/api/v1/me', { token: user.accessToken })).status, 200, 'the real token still works');
        });
      }

      it('a correctly signed token is accepted (the forgeries failed for their flaw alone)', async () => {
        const token = await signed({ roles: ['user'] });
        assert.equal((await api.get('/api/v1/me', { token })).status, 200);
      });
    });

    it('a malformed Authorization header → 401', async () => {
      for (const authorization of ['Basic dXNlcjpwYXNz', 'Bearer', `Token ${user.accessToken}`]) {
        assertProblem(await api.get('/api/v1/me', { headers: { authorization } }), 401, 'unauthorized');
      }
    });

    it('unknown routes and methods → 404 problem', async () => {
      assertProblem(await api.post('/api/v1/auth/nothing', { body: {} }), 404, 'not_found');
      assertProblem(await api.del('/api/v1/me', { token: user.accessToken }), 404, 'not_found');
    });
  });
}
