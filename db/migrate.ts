import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { projectRoot } from '../lib/project-root';
import type { Pool, PoolClient } from './pool';

/** Arbitrary constant key of the session advisory lock that serializes migrations across processes. */
const MIGRATION_LOCK_KEY = '4120773650721';

/** Folder of the `NNN_name.sql` migrations, found from the project root so it works from sources and dist/. */
export const MIGRATIONS_DIR = path.join(projectRoot(), 'db', 'migrations');

/**
 * Applies every not-yet-applied `*.sql` file of `dir` in name order, each in its own transaction,
 * under an advisory lock so concurrent starts are safe. Returns the names applied by this call.
 */
export async function migrate(pool: Pool, dir: string = MIGRATIONS_DIR): Promise<string[]> {
  const files = await listMigrations(dir);
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('SET statement_timeout = 0');
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = await appliedMigrations(client);
    const pending = files.filter((name) => !done.has(name));
    for (const name of pending) await applyMigration(client, dir, name);
    return pending;
  } catch (err) {
    broken = err instanceof Error ? err : new Error(String(err));
    throw err;
  } finally {
    // Dropping the connection ends the session: the lock and the session settings go with it.
    client.release(broken ?? true);
  }
}

async function listMigrations(dir: string): Promise<string[]> {
  const entries = await readdir(dir);
  return entries.filter((name) => name.endsWith('.sql')).sort();
}

async function appliedMigrations(client: PoolClient): Promise<Set<string>> {
  const result = await client.query<{ name: string }>('SELECT name FROM schema_migrations');
  return new Set(result.rows.map((row) => row.name));
}

async function applyMigration(client: PoolClient, dir: string, name: string): Promise<void> {
  const sql = await readFile(path.join(dir, name), 'utf8');
  try {
    await client.query('BEGIN');
    await client.query(sql);
    await client.query('INSERT INTO schema_migrations (name) VALUES ($1)', [name]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`Migration ${name} failed: ${reason}`, { cause: err });
  }
}
