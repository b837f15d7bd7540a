import { scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { hash, parseOptions, verify, type Algorithm } from '@node-rs/argon2';

/** `Algorithm.Argon2id`; the package's enum is a `const enum` with no runtime object, so its value is spelled here. */
const ARGON2ID: Algorithm = 2;

/**
 * argon2id with OWASP's first recommended setting (19 MiB, 2 passes, 1 lane; about 15 ms here). The
 * parameters travel in the stored PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`), so raising
 * them later rehashes each account at its next sign-in (`needsRehash`).
 */
const ARGON2 = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

function scryptAsync(
  password: string,
  salt: Buffer,
  keylen: number,
  options: ScryptOptions,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** The hashes echodesk wrote before argon2id: `scrypt$N$r$p$salt$key`, verified until their owners sign in again. */
async function verifyScrypt(password: string, stored: string): Promise<boolean> {
  const [, n, r, p, salt, key] = stored.split('$');
  if (!salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return timingSafeEqual(actual, expected);
}

/** Checks a password against an argon2id hash, or a legacy scrypt one; a malformed hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (stored.startsWith('$argon2')) return verify(stored, password).catch(() => false);
  if (stored.startsWith('scrypt$')) return verifyScrypt(password, stored).catch(() => false);
  return false;
}

/** Whether a stored hash is older than today's setting: scrypt, another argon2 variant or other parameters. */
export function needsRehash(stored: string): boolean {
  if (!stored.startsWith('$argon2id$')) return true;
  try {
    const current = parseOptions(stored);
    return (
      current.memoryCost !== ARGON2.memoryCost ||
      current.timeCost !== ARGON2.timeCost ||
      current.parallelism !== ARGON2.parallelism ||
      current.outputLen !== ARGON2.outputLen
    );
  } catch {
    return true;
  }
}

/** A hash of a random password, checked when the user does not exist so both paths take the same time. */
export const DUMMY_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$IDzqApGQuOt/GwEQ4WuNGA$kMz4eC9knpvYcVx1i6MdFANWbtzRC5K3Z8ETDS8E6/w';
