import { query, queryOne, type Queryable } from '../pool';
import type { Scope } from '../../domain/authz';
import { STAFF_ACTOR_COLUMNS, STAFF_WITH_UNIT, type StaffActorRow } from './staff';

/** `api_tokens`: integration tokens, kept only as the token's hash. */

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

export async function insertApiToken(
  db: Queryable,
  input: {
    name: string;
    tokenHash: string;
    username: string;
    scopes: Scope[];
    expiresAt: string | null;
    createdBy: string;
  },
): Promise<ApiTokenInfo> {
  const info = await queryOne<ApiTokenInfo>(
    db,
    `INSERT INTO api_tokens (name, token_hash, username, scopes, created_by, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${INFO_COLUMNS}`,
    [input.name, input.tokenHash, input.username, input.scopes, input.createdBy, input.expiresAt],
  );
  if (!info) throw new Error('INSERT ... RETURNING returned no row');
  return info;
}

export function listApiTokens(db: Queryable): Promise<ApiTokenInfo[]> {
  return query<ApiTokenInfo>(db, `SELECT ${INFO_COLUMNS} FROM api_tokens ORDER BY id`);
}

/** Revokes a token; null when there is no such token. Revoking twice keeps the first time. */
export async function revokeApiToken(db: Queryable, id: string): Promise<ApiTokenInfo | null> {
  const row = await queryOne<ApiTokenInfo>(
    db,
    `UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING ${INFO_COLUMNS}`,
    [id],
  );
  return row ?? null;
}

/** The account and scopes of a live token (not expired or revoked, account active), noting its use. */
export const useApiToken = (
  db: Queryable,
  tokenHash: string,
): Promise<(StaffActorRow & { scopes: Scope[] }) | undefined> =>
  queryOne<StaffActorRow & { scopes: Scope[] }>(
    db,
    `UPDATE api_tokens t SET last_used_at = now()
       FROM ${STAFF_WITH_UNIT}
      WHERE t.token_hash = $1 AND t.username = s.username AND s.active AND t.revoked_at IS NULL
        AND (t.expires_at IS NULL OR t.expires_at > now())
     RETURNING ${STAFF_ACTOR_COLUMNS}, t.scopes`,
    [tokenHash],
  );
