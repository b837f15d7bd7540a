import { randomBytes, scryptSync } from 'node:crypto';
import { login, pruneExpired } from '../../api/auth/auth';
import { seedDemoData } from '../../db/seed';
import { hashPassword, needsRehash, verifyPassword } from '../../lib/passwords';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { DEMO_PASSWORD } from '../support/desk';

/** A password hash as echodesk stored them before argon2id. */
function legacyScryptHash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, 32, { N: 16384, r: 8, p: 1 });
  return ['scrypt', 16384, 8, 1, salt.toString('base64url'), key.toString('base64url')].join('$');
}

describe('passwords and sign-in tokens', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await seedDemoData(db.pool, { password: DEMO_PASSWORD, nodeEnv: 'test' });
  });
  afterAll(async () => {
    await db?.drop();
  });

  const storedHash = async (username: string) =>
    (
      await db.pool.query<{ password_hash: string }>('SELECT password_hash FROM staff WHERE username = $1', [
        username,
      ])
    ).rows[0].password_hash;

  test('when a password is hashed, then it is argon2id with its parameters in the PHC string', async () => {
    const hash = await hashPassword('correct horse');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await verifyPassword('correct horse', hash)).toBe(true);
    expect(await verifyPassword('correct horsE', hash)).toBe(false);
    expect(needsRehash(hash)).toBe(false);
    expect(await verifyPassword('x', '$argon2id$garbage')).toBe(false);
    expect(await verifyPassword('x', 'plaintext')).toBe(false);
  });

  test('when the demo accounts are seeded, then every one is stored as argon2id', async () => {
    const { rows } = await db.pool.query<{ password_hash: string }>('SELECT password_hash FROM staff');
    expect(rows.length).toBeGreaterThan(5);
    for (const row of rows) expect(row.password_hash).toMatch(/^\$argon2id\$/);
  });

  test('when an account with an old scrypt hash signs in, then it gets in and its hash becomes argon2id', async () => {
    const old = legacyScryptHash(DEMO_PASSWORD);
    expect(needsRehash(old)).toBe(true);
    await db.pool.query('UPDATE staff SET password_hash = $2 WHERE username = $1', ['tech6', old]);

    await expect(login(db.pool, 'tech6', 'wrong-password', '192.0.2.1')).rejects.toMatchObject({
      status: 401,
    });
    expect(await storedHash('tech6')).toBe(old);

    const result = await login(db.pool, 'tech6', DEMO_PASSWORD, '192.0.2.1');
    expect(result.user.username).toBe('tech6');
    const upgraded = await storedHash('tech6');
    expect(upgraded).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(DEMO_PASSWORD, upgraded)).toBe(true);
    await expect(login(db.pool, 'tech6', DEMO_PASSWORD, '192.0.2.1')).resolves.toMatchObject({
      user: { username: 'tech6' },
    });
    expect(await storedHash('tech6')).toBe(upgraded);
  });

  test('when argon2id parameters are weaker than today’s, then the next sign-in rehashes too', () => {
    expect(needsRehash('$argon2id$v=19$m=4096,t=3,p=1$c29tZXNhbHRzb21lc2FsdA$' + 'A'.repeat(43))).toBe(true);
    expect(needsRehash('$argon2i$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$' + 'A'.repeat(43))).toBe(true);
  });

  test('when someone signs in, then expired tokens and expired rate-limit counters are pruned, and live ones stay', async () => {
    await db.pool.query(
      `INSERT INTO auth_tokens (token_hash, username, expires_at)
       SELECT 'expired-' || i, 'tech1', now() - interval '1 hour' FROM generate_series(1, 3) i
       UNION ALL SELECT 'live', 'tech1', now() + interval '1 hour'`,
    );
    await db.pool.query(
      `INSERT INTO rate_limits (key, points, expire) VALUES ('old', 1, $1), ('current', 1, $2)`,
      [Date.now() - 1000, Date.now() + 60_000],
    );
    await login(db.pool, 'tech1', DEMO_PASSWORD, '192.0.2.2');
    const tokens = await db.pool.query<{ token_hash: string }>(
      `SELECT token_hash FROM auth_tokens WHERE username = 'tech1' AND token_hash IN ('live', 'expired-1', 'expired-2', 'expired-3')`,
    );
    expect(tokens.rows.map((r) => r.token_hash)).toEqual(['live']);
    const limits = await db.pool.query<{ key: string }>(
      `SELECT key FROM rate_limits WHERE key IN ('old', 'current')`,
    );
    expect(limits.rows.map((r) => r.key)).toEqual(['current']);
  });

  test('when many tokens have expired, then one prune deletes at most its batch', async () => {
    await db.pool.query(
      `INSERT INTO auth_tokens (token_hash, username, expires_at)
       SELECT 'batch-' || i, 'tech2', now() - interval '1 day' FROM generate_series(1, 5) i`,
    );
    expect(await pruneExpired(db.pool, 2)).toEqual({ tokens: 2, limits: 0 });
    const left = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM auth_tokens WHERE expires_at < now()`,
    );
    expect(left.rows[0].n).toBe(3);
  });
});
