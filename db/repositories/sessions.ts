import { queryOne, type Queryable } from '../pool';
import { STAFF_ACTOR_COLUMNS, STAFF_WITH_UNIT, type StaffActorRow } from './staff';

/**
 * Sign-in: an account with its password hash, and `auth_tokens`, the sessions a sign-in opens (kept only as
 * the token's hash).
 */

export interface SignInRow extends StaffActorRow {
  password_hash: string;
}

const SIGN_IN_SQL = `SELECT ${STAFF_ACTOR_COLUMNS}, s.password_hash FROM ${STAFF_WITH_UNIT}`;

/** An active account by username, with its password hash. */
export const findSignInAccount = (db: Queryable, username: string): Promise<SignInRow | undefined> =>
  queryOne<SignInRow>(db, `${SIGN_IN_SQL} WHERE s.username = $1 AND s.active`, [username]);

/** Replaces a password hash unless it changed since `oldHash` was read. */
export async function replacePasswordHash(
  db: Queryable,
  username: string,
  oldHash: string,
  newHash: string,
): Promise<void> {
  await db.query('UPDATE staff SET password_hash = $3 WHERE username = $1 AND password_hash = $2', [
    username,
    oldHash,
    newHash,
  ]);
}

export async function insertSession(
  db: Queryable,
  tokenHash: string,
  username: string,
  expiresAt: Date,
): Promise<void> {
  await db.query('INSERT INTO auth_tokens (token_hash, username, expires_at) VALUES ($1, $2, $3)', [
    tokenHash,
    username,
    expiresAt,
  ]);
}

/** The active account of a live session (not expired, not revoked). */
export const findSessionAccount = (db: Queryable, tokenHash: string): Promise<SignInRow | undefined> =>
  queryOne<SignInRow>(
    db,
    `${SIGN_IN_SQL} JOIN auth_tokens t ON t.username = s.username
      WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > now() AND s.active`,
    [tokenHash],
  );

export async function revokeSession(db: Queryable, tokenHash: string): Promise<void> {
  await db.query('UPDATE auth_tokens SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL', [
    tokenHash,
  ]);
}

/** Ends every sign-in session of an account. */
export async function revokeSessionsOf(db: Queryable, username: string): Promise<void> {
  await db.query('UPDATE auth_tokens SET revoked_at = now() WHERE username = $1 AND revoked_at IS NULL', [
    username,
  ]);
}

/** Deletes up to `batch` expired sessions; returns how many went. */
export async function pruneExpiredSessions(db: Queryable, batch: number): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM auth_tokens WHERE token_hash IN
       (SELECT token_hash FROM auth_tokens WHERE expires_at < now() LIMIT $1)`,
    [batch],
  );
  return rowCount ?? 0;
}
