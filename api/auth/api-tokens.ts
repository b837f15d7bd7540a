import { createHash, randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { insertApiToken, useApiToken, type ApiTokenInfo } from '../../db/repositories/api-tokens';
import { toStaffActor } from '../../db/repositories/staff';
import type { Scope } from '../../domain/authz';
import type { StaffActor } from '../../domain/ticket-types';

/** Integration tokens start with this prefix, so a leaked one is recognisable and sign-in tokens skip this lookup. */
export const API_TOKEN_PREFIX = 'edk_';

const hash = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Issues a token for `username` with `scopes`; the secret is returned once and only its hash is kept. */
export async function issueApiToken(
  pool: Pool,
  input: { name: string; username: string; scopes: Scope[]; expiresAt: string | null; createdBy: string },
): Promise<{ token: string; info: ApiTokenInfo }> {
  const token = `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const info = await insertApiToken(pool, { ...input, tokenHash: hash(token) });
  return { token, info };
}

/** The account and scopes of a live integration token, or null (unknown, expired, revoked, account inactive). */
export async function principalForApiToken(
  pool: Pool,
  token: string,
): Promise<{ staff: StaffActor; scopes: Scope[] } | null> {
  if (!token.startsWith(API_TOKEN_PREFIX)) return null;
  const row = await useApiToken(pool, hash(token));
  if (!row) return null;
  return { scopes: row.scopes, staff: toStaffActor(row) };
}
