import { createHash, randomBytes } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Pool } from 'pg';
import {
  findSessionAccount,
  findSignInAccount,
  insertSession,
  pruneExpiredSessions,
  replacePasswordHash,
  revokeSession,
  type SignInRow,
} from '../../db/repositories/sessions';
import { toStaffActor } from '../../db/repositories/staff';
import type { StaffActor } from '../../domain/ticket-types';
import { DUMMY_HASH, hashPassword, needsRehash, verifyPassword } from '../../lib/passwords';
import { principalForApiToken } from './api-tokens';
import { setCaller } from '../http/caller';
import { AppError } from '../http/errors';
import { loginLimits, pruneExpiredRateLimits } from '../http/rate-limits';

const TOKEN_TTL_MS = 12 * 60 * 60 * 1000;

const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export interface LoginResult {
  token: string;
  expiresAt: string;
  user: Omit<StaffActor, 'kind'>;
}

/**
 * Checks a password and issues an opaque bearer token, stored only as its hash. The answer never tells
 * whether the user exists. Failed attempts are limited per username and per address `ip` (api/http/rate-limits.ts);
 * a success upgrades an older password hash and prunes expired tokens.
 */
export async function login(
  pool: Pool,
  username: string,
  password: string,
  ip: string | undefined,
): Promise<LoginResult> {
  const limits = loginLimits(pool);
  await limits.assertAllowed(username, ip);
  const row = await findSignInAccount(pool, username);
  const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
  if (!row || !ok) {
    await limits.failed(username, ip);
    throw AppError.unauthorized('Invalid username or password.');
  }
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + TOKEN_TTL_MS);
  await Promise.all([
    insertSession(pool, hashToken(token), row.username, expiresAt),
    limits.succeeded(username, ip),
    upgradeHash(pool, row, password),
    pruneExpired(pool),
  ]);
  const { kind: _kind, ...user } = toStaffActor(row);
  return { token, expiresAt: expiresAt.toISOString(), user };
}

/** Rehashes a password stored with older settings (scrypt, or weaker argon2id), unless it changed meanwhile. */
async function upgradeHash(pool: Pool, row: SignInRow, password: string): Promise<void> {
  if (!needsRehash(row.password_hash)) return;
  await replacePasswordHash(pool, row.username, row.password_hash, await hashPassword(password));
}

/** Deletes up to `batch` expired sign-in tokens and expired rate-limit counters; bounded, so a sign-in stays quick. */
export async function pruneExpired(pool: Pool, batch = 500): Promise<{ tokens: number; limits: number }> {
  const [tokens, limits] = await Promise.all([
    pruneExpiredSessions(pool, batch),
    pruneExpiredRateLimits(pool, batch),
  ]);
  return { tokens, limits };
}

export async function logout(pool: Pool, token: string): Promise<void> {
  await revokeSession(pool, hashToken(token));
}

/** The staff member a bearer token belongs to, or null for a missing, expired or revoked token. */
export async function staffForToken(pool: Pool, token: string): Promise<StaffActor | null> {
  const row = await findSessionAccount(pool, hashToken(token));
  return row ? toStaffActor(row) : null;
}

export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+([A-Za-z0-9_-]{20,200})$/.exec(header ?? '');
  return match ? match[1] : null;
}

/**
 * The one middleware that tells every API handler who is calling (`callerOf`, api/http/caller.ts): the
 * account of a valid bearer token (a sign-in or an integration token with its scopes) and the tracking
 * token; a present but invalid bearer token is a 401.
 */
export function authenticate(pool: Pool): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('authorization');
    if (!header) {
      setCaller(req, res, {});
      return next();
    }
    const token = bearerToken(header);
    const staff = token ? await staffForToken(pool, token) : null;
    const integration = token && !staff ? await principalForApiToken(pool, token) : null;
    if (staff) setCaller(req, res, { staff });
    else if (integration) setCaller(req, res, { staff: integration.staff, scopes: integration.scopes });
    else
      return next(AppError.unauthorized('The bearer token is invalid, expired or revoked; sign in again.'));
    next();
  };
}
