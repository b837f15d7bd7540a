import { Pool, type PoolClient, type QueryResultRow } from 'pg';

export type { Pool, PoolClient } from 'pg';

/** Anything that runs a query: the pool itself or a checked-out client (e.g. inside a transaction). */
export type Queryable = Pick<Pool | PoolClient, 'query'>;

export interface PoolOptions {
  /** Most connections this process opens; default 10. */
  max?: number;
  /** Server-side cap on one statement, in ms; default 30 s. */
  statementTimeoutMs?: number;
  /** Shown in pg_stat_activity; default "echodesk". */
  applicationName?: string;
  /** Receives errors of idle clients (e.g. the server restarted); default one line on stderr. */
  onIdleError?: (err: Error) => void;
}

/** A pg Pool with bounded size, timeouts and an application name; idle-client errors never crash the process. */
export function createPool(url: string, opts: PoolOptions = {}): Pool {
  const pool = new Pool({
    connectionString: url,
    max: opts.max ?? 10,
    statement_timeout: opts.statementTimeoutMs ?? 30_000,
    idle_in_transaction_session_timeout: 60_000,
    application_name: opts.applicationName ?? 'echodesk',
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
  });
  pool.on(
    'error',
    opts.onIdleError ?? ((err) => process.stderr.write(`postgres idle client error: ${err.message}\n`)),
  );
  return pool;
}

/** Runs `fn` with one checked-out client and always returns it to the pool. */
export async function withClient<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    return await fn(client);
  } finally {
    client.release();
  }
}

/** Runs `fn` inside BEGIN/COMMIT, rolling back when it throws; a client whose ROLLBACK fails is discarded. */
export async function withTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch((rollbackErr: Error) => {
      broken = rollbackErr;
    });
    throw err;
  } finally {
    client.release(broken);
  }
}

/** Parameterized query returning plain typed rows. */
export async function query<T extends QueryResultRow>(
  db: Queryable,
  text: string,
  params: readonly unknown[] = [],
): Promise<T[]> {
  const result = await db.query<T>(text, [...params]);
  return result.rows;
}

/** Parameterized query returning the first row, or undefined when there is none. */
export async function queryOne<T extends QueryResultRow>(
  db: Queryable,
  text: string,
  params: readonly unknown[] = [],
): Promise<T | undefined> {
  const rows = await query<T>(db, text, params);
  return rows[0];
}
