import { createHash, createHmac, createSecretKey, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';

export const ACCESS_TOKEN_SECONDS = 15 * 60;
export const REFRESH_TOKEN_DAYS = 30;
const ISSUER = 'flashmart';
const AUDIENCE = 'flashmart-api';
const ALGORITHM = 'HS256';

export interface AccessClaims {
  userId: string;
  sessionId: string;
  username: string;
  roles: string[];
  createdAt: string;
}

/** Verified tokens kept so a busy client's repeated requests skip the HMAC and JSON work. */
const VERIFIED_CACHE_SIZE = 10_000;

/**
 * Signs (jose) and verifies access tokens: HS256 pinned, issuer and audience checked,
 * 15 min. Verification is synchronous node:crypto (jose's WebCrypto path costs a thread-pool
 * round trip per request), and verified tokens are remembered until they expire.
 * Revocation is not decided here: the caller checks the session on every request.
 */
export function createTokenSigner(secret: string) {
  const key = createSecretKey(Buffer.from(secret, 'utf8'));
  const verified = new Map<string, { claims: AccessClaims; exp: number }>();
  return {
    async sign(claims: AccessClaims): Promise<string> {
      return new SignJWT({ sid: claims.sessionId, name: claims.username, roles: claims.roles, cat: claims.createdAt })
        .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject(claims.userId)
        .setIssuedAt()
        .setExpirationTime(`${ACCESS_TOKEN_SECONDS}s`)
        .sign(key);
    },
    /** The claims of a valid token, or null for anything forged, expired or malformed. */
    async verify(token: string): Promise<AccessClaims | null> {
      const nowSeconds = Date.now() / 1000;
      const hit = verified.get(token);
      if (hit) {
        if (hit.exp > nowSeconds) return hit.claims;
        verified.delete(token);
      }
      const result = verifyHs256(token, key, nowSeconds);
      if (!result) return null;
      if (verified.size >= VERIFIED_CACHE_SIZE) {
        const oldest = verified.keys().next();
        if (!oldest.done) verified.delete(oldest.value);
      }
      verified.set(token, result);
      return result.claims;
    },
  };
}

function decodeJson(segment: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** RFC 7519 checks for our tokens: header alg HS256 and no critical extensions, signature, iss, aud, exp, nbf, iat. */
function verifyHs256(token: string, key: KeyObject, nowSeconds: number): { claims: AccessClaims; exp: number } | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [headerPart = '', payloadPart = '', signaturePart = ''] = parts;
  const header = decodeJson(headerPart);
  if (!header || header.alg !== ALGORITHM || header.crit !== undefined) return null;
  const expected = createHmac('sha256', key).update(`${headerPart}.${payloadPart}`).digest();
  const given = Buffer.from(signaturePart, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const payload = decodeJson(payloadPart);
  if (!payload) return null;
  const { sub, sid, name, roles, cat, iss, aud, exp, iat, nbf } = payload;
  const audienceOk = aud === AUDIENCE || (Array.isArray(aud) && aud.includes(AUDIENCE));
  if (iss !== ISSUER || !audienceOk || typeof exp !== 'number' || exp <= nowSeconds || typeof iat !== 'number') return null;
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > nowSeconds)) return null;
  if (typeof sub !== 'string' || typeof sid !== 'string' || typeof name !== 'string' || typeof cat !== 'string') return null;
  if (!Array.isArray(roles) || !roles.every((r): r is string => typeof r === 'string')) return null;
  return { claims: { userId: sub, sessionId: sid, username: name, roles, createdAt: cat }, exp };
}

export type TokenSigner = ReturnType<typeof createTokenSigner>;

/** A refresh token is `<sessionId>.<secret>`; only the secret's hash is stored. */
export function newRefreshToken(sessionId: string): { token: string; hash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { token: `${sessionId}.${secret}`, hash: hashSecret(secret) };
}

export function parseRefreshToken(token: string): { sessionId: string; secret: string } | null {
  const match = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/.exec(token);
  return match?.[1] && match[2] ? { sessionId: match[1], secret: match[2] } : null;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

export function newSecret(): string {
  return randomBytes(48).toString('base64url');
}
