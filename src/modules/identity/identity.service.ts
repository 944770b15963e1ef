import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { publishEvent } from '../../platform/bus/index.js';
import { getOrCreateSetting, inTransaction, type Db, type Tx } from '../../platform/db/index.js';
import type { HotStore, TokenBucketLimit } from '../../platform/hot-store/index.js';
import { AppError, type Principal } from '../../platform/http/index.js';
import { newId } from '../../platform/ids.js';
import * as store from './identity.store.js';
import { hashPassword, verifyPassword } from './passwords.js';
import {
  ACCESS_TOKEN_SECONDS,
  REFRESH_TOKEN_DAYS,
  createTokenSigner,
  hashSecret,
  newRefreshToken,
  newSecret,
  parseRefreshToken,
  sameHash,
  type TokenSigner,
} from './tokens.js';
import './identity.events.js';

/** The public view of a user (API.md `user`). */
export interface User {
  id: string;
  username: string;
  roles: string[];
  createdAt: string;
}

export interface AuthResult {
  user: User;
  accessToken: string;
  refreshToken: string;
}

export interface IdentityOptions {
  db: Db;
  hotStore: HotStore;
  logger: Logger;
  jwtSecret: string | undefined;
  registerRatePerIp: number;
}

/** Failed logins allowed per username: 5 at once, then one a minute. */
const LOGIN_FAILURES_PER_USER: TokenBucketLimit = { burst: 5, ratePerSecond: 1 / 60 };
/** Failed logins allowed per IP: 100 at once, then one every two seconds. */
const LOGIN_FAILURES_PER_IP: TokenBucketLimit = { burst: 100, ratePerSecond: 0.5 };
/** Revocation markers outlive every access token issued before them. */
const REVOCATION_TTL_MS = (ACCESS_TOKEN_SECONDS + 60) * 1000;

const revokedKey = (sessionId: string) => `session:revoked:${sessionId}`;

function publicUser(user: store.UserRecord): User {
  return { id: user.id, username: user.username, roles: user.roles, createdAt: user.createdAt.toISOString() };
}

/** Work another module does in the transaction that creates a user (e.g. opening wallet accounts). */
export type UserCreatedHook = (tx: Tx, user: User) => Promise<void>;

export function createIdentityService(options: IdentityOptions) {
  const { db, hotStore } = options;
  let signer: TokenSigner | undefined;
  const userCreatedHooks: UserCreatedHook[] = [];

  function tokenSigner(): TokenSigner {
    if (!signer) throw new Error('identity service used before init()');
    return signer;
  }

  async function openSession(user: store.UserRecord): Promise<AuthResult> {
    const sessionId = randomUUID();
    const refresh = newRefreshToken(sessionId);
    await store.insertSession(db, {
      id: sessionId,
      userId: user.id,
      refreshHash: refresh.hash,
      expiresAt: new Date(Date.now() + REFRESH_TOKEN_DAYS * 86_400_000),
    });
    const view = publicUser(user);
    const accessToken = await tokenSigner().sign({ ...view, userId: user.id, sessionId });
    return { user: view, accessToken, refreshToken: refresh.token };
  }

  async function endSession(sessionId: string, reason: string): Promise<void> {
    await store.revokeSession(db, sessionId, reason);
    await hotStore.set(revokedKey(sessionId), reason, REVOCATION_TTL_MS);
  }

  async function createUser(username: string, password: string, roles: string[]): Promise<store.UserRecord | undefined> {
    const passwordHash = await hashPassword(password);
    return inTransaction(db, async (tx) => {
      const user = await store.insertUser(tx, { id: newId(), username, passwordHash, roles });
      if (user) {
        for (const hook of userCreatedHooks) await hook(tx, publicUser(user));
        await publishEvent(tx, 'user.registered', { userId: user.id, username: user.username, registeredAt: user.createdAt.toISOString() });
      }
      return user;
    });
  }

  async function refuseIfLimited(keys: [string, TokenBucketLimit][], cost: number): Promise<void> {
    for (const [key, limit] of keys) {
      const result = await hotStore.takeToken(key, limit, cost);
      if (!result.allowed) {
        throw new AppError('rate_limited', 'too many attempts; try again later', { retryAfterSeconds: result.retryAfterMs / 1000 });
      }
    }
  }

  return {
    /** Runs `hook` inside every user-creating transaction, so what it creates exists from registration on. */
    onUserCreated(hook: UserCreatedHook): void {
      userCreatedHooks.push(hook);
    },

    /** Loads (or creates, first writer wins) the JWT secret shared by every process. */
    async init(): Promise<void> {
      const secret = options.jwtSecret ?? (await getOrCreateSetting(db, 'identity.jwt_secret', newSecret));
      signer = createTokenSigner(secret);
    },

    async register(username: string, password: string, ip: string): Promise<AuthResult> {
      if (options.registerRatePerIp > 0) {
        const limit = { burst: options.registerRatePerIp, ratePerSecond: options.registerRatePerIp / 3600 };
        await refuseIfLimited([[`rl:register:ip:${ip}`, limit]], 1);
      }
      const user = await createUser(username, password, ['user']);
      if (!user) throw new AppError('username_taken', `the username "${username}" is taken`);
      return openSession(user);
    },

    async login(username: string, password: string, ip: string): Promise<AuthResult> {
      const limits: [string, TokenBucketLimit][] = [
        [`rl:login-fail:user:${username.toLowerCase()}`, LOGIN_FAILURES_PER_USER],
        [`rl:login-fail:ip:${ip}`, LOGIN_FAILURES_PER_IP],
      ];
      await refuseIfLimited(limits, 0);
      const user = await store.findUserByUsername(db, username);
      if (!(await verifyPassword(user?.passwordHash, password)) || !user) {
        await Promise.all(limits.map(([key, limit]) => hotStore.takeToken(key, limit, 1)));
        throw new AppError('invalid_credentials', 'wrong username or password');
      }
      return openSession(user);
    },

    /**
     * Rotates a refresh token. Presenting one that was already rotated means it leaked or
     * was replayed: the whole session ends.
     */
    async refresh(refreshToken: string): Promise<{ accessToken: string; refreshToken: string }> {
      const parsed = parseRefreshToken(refreshToken);
      const session = parsed && (await store.findSession(db, parsed.sessionId));
      if (!parsed || !session || session.revokedAt || session.expiresAt <= new Date()) {
        throw new AppError('unauthorized', 'the refresh token is unknown, expired or revoked');
      }
      const presented = hashSecret(parsed.secret);
      const next = newRefreshToken(session.id);
      if (!sameHash(presented, session.refreshHash) || !(await store.rotateSession(db, session.id, presented, next.hash))) {
        await endSession(session.id, 'refresh_token_reused');
        options.logger.warn({ sessionId: session.id, userId: session.userId }, 'rotated refresh token presented again; session revoked');
        throw new AppError('unauthorized', 'the refresh token was already used; the session has been ended');
      }
      const user = await store.findUserById(db, session.userId);
      if (!user) throw new AppError('unauthorized', 'the user no longer exists');
      const accessToken = await tokenSigner().sign({ ...publicUser(user), userId: user.id, sessionId: session.id });
      return { accessToken, refreshToken: next.token };
    },

    async logout(principal: Principal): Promise<void> {
      await endSession(principal.sessionId, 'logout');
    },

    /** Verifies an access token and checks that its session was not ended (on any process). */
    async authenticate(token: string): Promise<Principal | null> {
      const claims = await tokenSigner().verify(token);
      if (!claims) return null;
      if (await hotStore.exists(revokedKey(claims.sessionId))) return null;
      return claims;
    },

    /**
     * Creates an administrator, or grants the role if the username exists (idempotent, so
     * every process may run it at start-up). Returns whether the user was created.
     */
    async ensureAdmin(username: string, password: string): Promise<{ created: boolean; user: User }> {
      const existing = await store.findUserByUsername(db, username);
      if (!existing) {
        const created = await createUser(username, password, ['user', 'admin']);
        if (created) return { created: true, user: publicUser(created) };
      }
      const user = existing ?? (await store.findUserByUsername(db, username));
      if (!user) throw new Error(`could not create or find user ${username}`);
      await store.grantRole(db, user.id, 'admin');
      const updated = await store.findUserById(db, user.id);
      return { created: false, user: publicUser(updated ?? user) };
    },

    async getUser(id: string): Promise<User | undefined> {
      const user = await store.findUserById(db, id);
      return user && publicUser(user);
    },

    /** The usernames of these users (unknown ids are left out). */
    async usernamesOf(ids: string[]): Promise<Map<string, string>> {
      return new Map((await store.usernamesOf(db, [...new Set(ids)])).map((row) => [row.id, row.username]));
    },

    /** Back office: users in case-insensitive username order, optionally only names starting with `prefix` (any case); the cursor is the last name of the page. */
    async pageUsers(filter: { prefix?: string }, limit: number, after?: string): Promise<{ items: User[]; nextCursor: string | null }> {
      const rows = await store.searchUsers(db, filter, limit + 1, after);
      const page = rows.slice(0, limit);
      return { items: page.map(publicUser), nextCursor: rows.length > limit ? (page.at(-1)?.username.toLowerCase() ?? null) : null };
    },

    /** Back office: how many users exist. */
    countUsers: () => store.countUsers(db),
  };
}

export type IdentityService = ReturnType<typeof createIdentityService>;
