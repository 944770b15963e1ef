/**
 * Browser tests: Debian's Chromium driven by playwright-core against a real `flashmart start`
 * process serving the built web app. Each page records console errors and uncaught exceptions,
 * and journeys save screenshots under test-results/<journey>/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { after, before } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createTestEnvironment, type Mode, type TestEnvironment } from './harness.js';
import { http, startFlashmartProcess, stopProcess, type FlashmartProcess } from './processes.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumAvailable = fs.existsSync(CHROMIUM_PATH);
export const ADMIN = { username: 'admin', password: 'admin-password-1' };
export const DESKTOP = { width: 1280, height: 860 };
export const PHONE = { width: 375, height: 740 };

const RESULTS_DIR = path.resolve('test-results');

/** A web server process (role all) for the enclosing describe block, with a first admin. */
export function useWebServer(mode: Mode, overrides: Record<string, string> = {}): { readonly url: string; readonly server: FlashmartProcess } {
  let environment: TestEnvironment | undefined;
  let server: FlashmartProcess | undefined;
  before(async () => {
    environment = await createTestEnvironment(mode, {
      FLASHMART_ADMIN_USERNAME: ADMIN.username,
      FLASHMART_ADMIN_PASSWORD: ADMIN.password,
      ...overrides,
    });
    server = await startFlashmartProcess(environment.env, 'all', 60_000);
  });
  after(async () => {
    if (server) await stopProcess(server);
    await environment?.dispose();
  });
  return {
    get url() {
      if (!server) throw new Error('the web server is not started yet');
      return server.url;
    },
    get server() {
      if (!server) throw new Error('the web server is not started yet');
      return server;
    },
  };
}

/** A page that remembers every console error and uncaught exception it met. */
export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  errors: string[];
  /** Saves a full-page screenshot as test-results/<journey>/<nn>-<step>.png. */
  shot(step: string): Promise<void>;
}

export interface BrowserSession {
  readonly browser: Browser;
  open(journey: string, baseURL: string, options?: { viewport?: { width: number; height: number }; locale?: string; timezoneId?: string }): Promise<WatchedPage>;
}

/** One Chromium for the enclosing describe block; every page opened through it is closed after. */
export function useBrowser(): BrowserSession {
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const counters = new Map<string, number>();
  before(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  });
  after(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
  });
  return {
    get browser() {
      if (!browser) throw new Error('the browser is not started yet');
      return browser;
    },
    async open(journey, baseURL, options = {}) {
      if (!browser) throw new Error('the browser is not started yet');
      const context = await browser.newContext({ baseURL, viewport: options.viewport ?? DESKTOP, locale: options.locale ?? 'en-US', timezoneId: options.timezoneId ?? 'UTC' });
      contexts.push(context);
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(`console: ${message.text()} (${page.url()})`);
      });
      page.on('pageerror', (error) => errors.push(`exception: ${error.message} (${page.url()})`));
      const dir = path.join(RESULTS_DIR, journey);
      fs.mkdirSync(dir, { recursive: true });
      return {
        page,
        context,
        errors,
        async shot(step) {
          const n = (counters.get(journey) ?? 0) + 1;
          counters.set(journey, n);
          await page.screenshot({ path: path.join(dir, `${String(n).padStart(2, '0')}-${step}.png`), fullPage: true });
        },
      };
    },
  };
}

export interface ApiUser {
  id: string;
  username: string;
  accessToken: string;
  refreshToken: string;
}

/** Registers a user through the API (for the parties a journey does not drive by hand). */
export async function registerUser(url: string, prefix: string): Promise<ApiUser> {
  const username = `${prefix}_${Math.random().toString(36).slice(2, 9)}`;
  const res = await http('POST', `${url}/api/v1/auth/register`, { body: { username, password: 'password-123' } });
  if (res.status !== 201) throw new Error(`register ${username}: ${res.status} ${JSON.stringify(res.body)}`);
  const user = res.body.user as { id: string };
  return { id: user.id, username, accessToken: String(res.body.accessToken), refreshToken: String(res.body.refreshToken) };
}

export async function loginUser(url: string, username: string, password: string): Promise<ApiUser> {
  const res = await http('POST', `${url}/api/v1/auth/login`, { body: { username, password } });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(res.body)}`);
  const user = res.body.user as { id: string };
  return { id: user.id, username, accessToken: String(res.body.accessToken), refreshToken: String(res.body.refreshToken) };
}

/** Signs the page's origin in as `user` (the app reads its tokens from localStorage). */
export async function signIn(watched: WatchedPage, user: ApiUser): Promise<void> {
  await watched.page.goto('/');
  const tokens = JSON.stringify({ accessToken: user.accessToken, refreshToken: user.refreshToken });
  await watched.page.evaluate(`localStorage.setItem('flashmart.tokens', ${JSON.stringify(tokens)})`);
}
