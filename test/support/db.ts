import { randomBytes } from 'node:crypto';
import { Client, escapeIdentifier } from 'pg';
import { createPool, type Pool } from '../../db/pool';

/** Database with every migration applied, built once per run by global setup and cloned per test file. */
export const TEMPLATE_DATABASE = 'echodesk_template';
/** Prefix of per-test-file databases; the run id follows, so teardown can sweep what a run leaked. */
export const TEST_DATABASE_PREFIX = 'echodesk_t_';

export interface TestDatabase {
  name: string;
  url: string;
  pool: Pool;
  /** Closes the pool and drops the database (WITH FORCE); safe to call twice. */
  drop(): Promise<void>;
}

/**
 * A database of its own for one test file: a clone of the migrated template, or with
 * `migrated: false` an empty one (for testing migrations themselves).
 */
export async function createTestDatabase(opts: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const adminUrl = testAdminUrl();
  const name = `${TEST_DATABASE_PREFIX}${process.env.ECHODESK_TEST_RUN_ID ?? 'local'}_${randomBytes(5).toString('hex')}`;
  const template = opts.migrated === false ? 'template0' : TEMPLATE_DATABASE;
  await withAdminClient(adminUrl, (client) =>
    client.query(`CREATE DATABASE ${escapeIdentifier(name)} TEMPLATE ${escapeIdentifier(template)}`),
  );
  const url = databaseUrl(adminUrl, name);
  const pool = createPool(url, { max: 5, applicationName: 'echodesk-test' });
  let dropping: Promise<void> | undefined;
  const drop = () => (dropping ??= pool.end().then(() => dropDatabase(adminUrl, name)));
  return { name, url, pool, drop };
}

/** The same server and credentials as `url`, pointed at database `name`. */
export function databaseUrl(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(name)}`;
  return parsed.toString();
}

/** Runs `fn` on a short-lived connection to the admin (maintenance) database. */
export async function withAdminClient<T>(adminUrl: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl, application_name: 'echodesk-test-admin' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Drops database `name` if it exists, even while connections to it remain. */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withAdminClient(adminUrl, (client) =>
    client.query(`DROP DATABASE IF EXISTS ${escapeIdentifier(name)} WITH (FORCE)`),
  );
}

function testAdminUrl(): string {
  const url = process.env.ECHODESK_TEST_ADMIN_URL;
  if (!url) {
    throw new Error(
      'ECHODESK_TEST_ADMIN_URL is not set: run tests through Jest, whose global setup starts PostgreSQL.',
    );
  }
  return url;
}
