import { createHash, randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { query, queryOne } from '../../db/pool';
import type { Scope } from '../../domain/authz';
import type { StaffActor } from '../../domain/ticket-types';
import { STAFF_ACTOR_COLUMNS, toStaffActor, type StaffActorRow } from '../../db/repositories/staff';

/** Integration tokens start with this prefix, so a leaked one is recognisable and sign-in tokens skip this lookup. */
export const API_TOKEN_PREFIX = 'edk_';

const hash = (token: string): string => createHash('sha256').update(token).digest('hex');

export interface ApiTokenInfo {
  id: string;
  name: string;
  username: string;
  scopes: Scope[];
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

const INFO_COLUMNS = `id::text, name, username, scopes, created_by AS "createdBy",
  to_json(created_at)#>>'{}' AS "createdAt", to_json(expires_at)#>>'{}' AS "expiresAt",
  to_json(revoked_at)#>>'{}' AS "revokedAt", to_json(last_used_at)#>>'{}' AS "lastUsedAt"`;

/** Issues a token for `username` with `scopes`; the secret is returned once and only its hash is kept. */
export async function issueApiToken(
  pool: Pool,
  input: { name: string; username: string; scopes: Scope[]; expiresAt: string | null; createdBy: string },
): Promise<{ token: string; info: ApiTokenInfo }> {
  const token = `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const info = await queryOne<ApiTokenInfo>(
    pool,
    `INSERT INTO api_tokens (name, token_hash, username, scopes, created_by, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${INFO_COLUMNS}`,
    [input.name, hash(token), input.username, input.scopes, input.createdBy, input.expiresAt],
  );
  if (!info) throw new Error('INSERT ... RETURNING returned no row');
  return { token, info };
}

export function listApiTokens(pool: Pool): Promise<ApiTokenInfo[]> {
  return query<ApiTokenInfo>(pool, `SELECT ${INFO_COLUMNS} FROM api_tokens ORDER BY id`);
}

/** Revokes a token; false when there is no such token. Revoking twice keeps the first time. */
export async function revokeApiToken(pool: Pool, id: string): Promise<ApiTokenInfo | null> {
  const row = await queryOne<ApiTokenInfo>(
    pool,
    `UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING ${INFO_COLUMNS}`,
    [id],
  );
  return row ?? null;
}

interface TokenRow extends StaffActorRow {
  scopes: Scope[];
}

/** The account and scopes of a live integration token, or null (unknown, expired, revoked, account inactive). */
export async function principalForApiToken(
  pool: Pool,
  token: string,
): Promise<{ staff: StaffActor; scopes: Scope[] } | null> {
  if (!token.startsWith(API_TOKEN_PREFIX)) return null;
  const row = await queryOne<TokenRow>(
    pool,
    `UPDATE api_tokens t SET last_used_at = now()
       FROM staff s JOIN service_units u ON u.code = s.unit_code
      WHERE t.token_hash = $1 AND t.username = s.username AND s.active AND t.revoked_at IS NULL
        AND (t.expires_at IS NULL OR t.expires_at > now())
     RETURNING ${STAFF_ACTOR_COLUMNS}, t.scopes`,
    [hash(token)],
  );
  if (!row) return null;
  return { scopes: row.scopes, staff: toStaffActor(row) };
}
