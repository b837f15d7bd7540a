import { isIPv4 } from 'node:net';
import type { Request, RequestHandler } from 'express';
import type { Pool } from 'pg';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from './errors';

/**
 * Rate limits in PostgreSQL (`rate_limits`, db/migrations/007), so every API replica counts in the same
 * buckets and a restart forgets nothing. The client address is `req.ip`, which believes X-Forwarded-For
 * only from the proxies ECHODESK_TRUST_PROXY names.
 */
const TABLE = 'rate_limits';

/**
 * Failed sign-ins, counted three ways:
 * - one username from one address: 10 failures in an hour block that pair for 15 minutes; a success
 *   clears its count (someone's own typos never add up across days);
 * - one address, any usernames: 100 failures in an hour block the address for an hour (password spraying;
 *   a campus NAT sees at most its own people's typos);
 * - one username, any addresses: 50 failures in an hour block the username for 15 minutes, but not from
 *   an address that username signed in from in the last 30 days, so a distributed attack on an account
 *   cannot lock its owner out of their usual places.
 * A blocked attempt is answered 429 with Retry-After before the password is checked.
 */
export const LOGIN_LIMITS = {
  pair: { failures: 10, windowSeconds: 3600, blockSeconds: 15 * 60 },
  address: { failures: 100, windowSeconds: 3600, blockSeconds: 3600 },
  username: { failures: 50, windowSeconds: 3600, blockSeconds: 15 * 60 },
  knownAddressSeconds: 30 * 24 * 3600,
} as const;

function limiter(pool: Pool, keyPrefix: string, points: number, duration: number): RateLimiterPostgres {
  return new RateLimiterPostgres({
    storeClient: pool,
    storeType: 'pool',
    tableName: TABLE,
    tableCreated: true,
    // Expired rows are pruned by pruneExpiredRateLimits, in bounded batches, not by a timer per limiter.
    clearExpiredByTimeout: false,
    keyPrefix,
    points,
    duration,
  });
}

/**
 * The bucket of an address: IPv4 as is; IPv6 by its /64, the block one subscriber gets, so rotating
 * addresses inside it gains nothing.
 */
export function addressKey(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1];
  if (isIPv4(ip) || !ip.includes(':')) return ip;
  const [head, tail] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

const retryAfterSeconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));

function tooMany(what: string, ms: number): AppError {
  const seconds = retryAfterSeconds(ms);
  const minutes = Math.ceil(seconds / 60);
  return AppError.tooManyRequests(
    `${what}; try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
    seconds,
  );
}

/** Time left on a bucket that has reached `failures`, or 0. */
const blockedFor = (res: RateLimiterRes | null, failures: number): number =>
  res && res.consumedPoints >= failures ? Math.max(res.msBeforeNext, 1) : 0;

/** The sign-in limits of one database (see LOGIN_LIMITS). */
export class LoginLimits {
  private readonly pair: RateLimiterPostgres;
  private readonly address: RateLimiterPostgres;
  private readonly username: RateLimiterPostgres;
  private readonly known: RateLimiterPostgres;

  constructor(pool: Pool) {
    const { pair, address, username, knownAddressSeconds } = LOGIN_LIMITS;
    this.pair = limiter(pool, 'login-pair', pair.failures, pair.windowSeconds);
    this.address = limiter(pool, 'login-address', address.failures, address.windowSeconds);
    this.username = limiter(pool, 'login-username', username.failures, username.windowSeconds);
    this.known = limiter(pool, 'login-known', 1, knownAddressSeconds);
  }

  private static keys(username: string, ip: string | undefined) {
    const user = username.toLowerCase();
    const address = addressKey(ip);
    return { user, address, pair: JSON.stringify([user, address]) };
  }

  /** Throws 429 when this username or address is blocked; call before checking the password. */
  async assertAllowed(username: string, ip: string | undefined): Promise<void> {
    const k = LoginLimits.keys(username, ip);
    const [pair, address, user, known] = await Promise.all([
      this.pair.get(k.pair),
      this.address.get(k.address),
      this.username.get(k.user),
      this.known.get(k.pair),
    ]);
    const wait = Math.max(
      blockedFor(pair, LOGIN_LIMITS.pair.failures),
      blockedFor(address, LOGIN_LIMITS.address.failures),
      known ? 0 : blockedFor(user, LOGIN_LIMITS.username.failures),
    );
    if (wait > 0) throw tooMany('Too many failed sign-ins', wait);
  }

  /** Counts a failed attempt in all three buckets; a bucket that reaches its limit is blocked. */
  async failed(username: string, ip: string | undefined): Promise<void> {
    const k = LoginLimits.keys(username, ip);
    const count = async (
      bucket: RateLimiterPostgres,
      key: string,
      limit: { failures: number; blockSeconds: number },
    ) => {
      const res = await bucket.penalty(key);
      if (res.consumedPoints >= limit.failures) await bucket.block(key, limit.blockSeconds);
    };
    await Promise.all([
      count(this.pair, k.pair, LOGIN_LIMITS.pair),
      count(this.address, k.address, LOGIN_LIMITS.address),
      count(this.username, k.user, LOGIN_LIMITS.username),
    ]);
  }

  /** A success clears the pair's failures and remembers the address for this username. */
  async succeeded(username: string, ip: string | undefined): Promise<void> {
    const k = LoginLimits.keys(username, ip);
    await Promise.all([
      this.pair.delete(k.pair),
      this.known.set(k.pair, 1, LOGIN_LIMITS.knownAddressSeconds),
    ]);
  }
}

const loginLimitsByPool = new WeakMap<Pool, LoginLimits>();

/** The sign-in limits over this pool; the API and the staff sign-in page share them. */
export function loginLimits(pool: Pool): LoginLimits {
  let limits = loginLimitsByPool.get(pool);
  if (!limits) loginLimitsByPool.set(pool, (limits = new LoginLimits(pool)));
  return limits;
}

/**
 * A limit on requests per address and minute (the public submit and forms). Over the limit it passes a
 * 429 AppError with Retry-After on: the API answers it as problem+json, the pages as a page.
 */
export function requestLimit(pool: Pool, name: string, perMinute: number): RequestHandler {
  const bucket = limiter(pool, name, perMinute, 60);
  return (req: Request, _res, next) => {
    bucket.consume(addressKey(req.ip)).then(
      () => next(),
      (rejection: unknown) =>
        next(
          rejection instanceof RateLimiterRes
            ? tooMany('Too many requests from this address', rejection.msBeforeNext)
            : rejection,
        ),
    );
  };
}

/** Deletes up to `batch` expired rows; returns how many went. */
export async function pruneExpiredRateLimits(pool: Pool, batch = 500): Promise<number> {
  const { rowCount } = await pool.query(
    `DELETE FROM ${TABLE} WHERE key IN (SELECT key FROM ${TABLE} WHERE expire < $1 LIMIT $2)`,
    [Date.now(), batch],
  );
  return rowCount ?? 0;
}
