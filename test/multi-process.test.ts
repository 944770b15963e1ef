import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTestEnvironment, type TestEnvironment } from './support/harness.js';
import { http, startFlashmartProcess, type FlashmartProcess } from './support/processes.js';
import { servicesEnabled } from './support/services.js';

interface Tokens {
  accessToken: string;
  refreshToken: string;
}

describe('two api processes and one worker behave as one system (PostgreSQL + Redis + RabbitMQ)', { skip: servicesEnabled ? false : 'needs the real services' }, () => {
  let environment: TestEnvironment;
  let processes: FlashmartProcess[] = [];
  let api1: FlashmartProcess;
  let api2: FlashmartProcess;
  let worker: FlashmartProcess;

  before(async () => {
    environment = await createTestEnvironment('services', {
      FLASHMART_ADMIN_USERNAME: 'boss',
      FLASHMART_ADMIN_PASSWORD: 'boss-password-1',
      LOG_LEVEL: 'warn',
    });
    // All three start at once on an empty database: migrations and the admin bootstrap must not collide.
    processes = await Promise.all([
      startFlashmartProcess(environment.env, 'api'),
      startFlashmartProcess(environment.env, 'api'),
      startFlashmartProcess(environment.env, 'worker'),
    ]);
    [api1, api2, worker] = processes as [FlashmartProcess, FlashmartProcess, FlashmartProcess];
  });

  after(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await environment.dispose();
  });

  it('every process is ready; the worker serves only health and metrics', async () => {
    for (const p of processes) assert.equal((await http('GET', `${p.url}/readyz`)).status, 200, p.output());
    assert.equal((await fetch(`${worker.url}/metrics`)).status, 200);
    const me = await http('GET', `${worker.url}/api/v1/me`);
    assert.equal(me.status, 404);
  });

  it('concurrent start-up created exactly one administrator', async () => {
    const login = await http('POST', `${api2.url}/api/v1/auth/login`, { body: { username: 'boss', password: 'boss-password-1' } });
    assert.equal(login.status, 200);
    assert.deepEqual((login.body.user as { roles: string[] }).roles, ['user', 'admin']);
  });

  it('a user registered on one api process logs in on the other', async () => {
    const reg = await http('POST', `${api1.url}/api/v1/auth/register`, { body: { username: 'roamer', password: 'roamer-password' } });
    assert.equal(reg.status, 201);
    const login = await http('POST', `${api2.url}/api/v1/auth/login`, { body: { username: 'roamer', password: 'roamer-password' } });
    assert.equal(login.status, 200);
    assert.equal((await http('GET', `${api1.url}/api/v1/me`, { token: (login.body as unknown as Tokens).accessToken })).status, 200);
  });

  it('a logout through one api process is honoured by the other at once', async () => {
    const reg = await http('POST', `${api1.url}/api/v1/auth/register`, { body: { username: 'leaver', password: 'leaver-password' } });
    const { accessToken } = reg.body as unknown as Tokens;
    assert.equal((await http('GET', `${api2.url}/api/v1/me`, { token: accessToken })).status, 200);
    assert.equal((await http('POST', `${api1.url}/api/v1/auth/logout`, { token: accessToken })).status, 204);
    assert.equal((await http('GET', `${api2.url}/api/v1/me`, { token: accessToken })).status, 401);
    assert.equal((await http('GET', `${api1.url}/api/v1/me`, { token: accessToken })).status, 401);
  });

  it('a refresh token rotated on one process is refused, and ends the session, on the other', async () => {
    const reg = await http('POST', `${api1.url}/api/v1/auth/register`, { body: { username: 'rotator', password: 'rotator-password' } });
    const first = reg.body as unknown as Tokens;
    const rotated = await http('POST', `${api2.url}/api/v1/auth/refresh`, { body: { refreshToken: first.refreshToken } });
    assert.equal(rotated.status, 200);
    const replay = await http('POST', `${api1.url}/api/v1/auth/refresh`, { body: { refreshToken: first.refreshToken } });
    assert.equal(replay.status, 401);
    const newest = rotated.body as unknown as Tokens;
    assert.equal((await http('GET', `${api2.url}/api/v1/me`, { token: newest.accessToken })).status, 401);
  });
});

describe('embedded mode as a real process', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flashmart-embedded-'));
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('starts on an empty data folder, serves the web page, and keeps its data across a restart', async () => {
    const env = { FLASHMART_DATA_DIR: dataDir, FLASHMART_REGISTER_RATE_PER_IP: '0' };
    const first = await startFlashmartProcess(env, 'all');
    try {
      const page = await fetch(`${first.url}/`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /Flashmart/);
      assert.equal((await http('POST', `${first.url}/api/v1/auth/register`, { body: { username: 'keeper', password: 'keeper-password' } })).status, 201);
    } finally {
      await first.stop();
    }
    const second = await startFlashmartProcess(env, 'all');
    try {
      const login = await http('POST', `${second.url}/api/v1/auth/login`, { body: { username: 'keeper', password: 'keeper-password' } });
      assert.equal(login.status, 200, 'the user survived the restart');
    } finally {
      await second.stop();
    }
  });
});
