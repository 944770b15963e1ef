import { hash, verify, type Options } from '@node-rs/argon2';

/** argon2id at OWASP's recommended minimum: 19 MiB memory, 2 iterations, 1 lane. */
const ARGON2ID: Options = { algorithm: 2 /* Algorithm.Argon2id */, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export async function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2ID);
}

// Verified when the username is unknown, so that answer takes as long as a wrong password.
const dummyHash = hash('flashmart-timing-equaliser', ARGON2ID);

/** Constant-time check (argon2's own comparison); a missing user still costs one verification. */
export async function verifyPassword(storedHash: string | undefined, password: string): Promise<boolean> {
  if (storedHash === undefined) {
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}
