import { rm } from 'node:fs/promises';
import { escapeIdentifier } from 'pg';
import { dropDatabase, TEMPLATE_DATABASE, TEST_DATABASE_PREFIX, withAdminClient } from './db';
import { takeTestInfra } from './global-setup';

/** Stops what global setup started; on an external server, drops this run's leftover databases. */
export default async function globalTeardown(): Promise<void> {
  const infra = takeTestInfra();
  if (!infra) return;
  if (infra.external) await dropRunDatabases(infra.adminUrl, infra.runId);
  await infra.stop();
  if (infra.dataDir) await rm(infra.dataDir, { recursive: true, force: true });
}

async function dropRunDatabases(adminUrl: string, runId: string): Promise<void> {
  const leftovers = await withAdminClient(adminUrl, async (client) => {
    const result = await client.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
      [`${TEST_DATABASE_PREFIX}${runId}_`],
    );
    await client.query(`ALTER DATABASE ${escapeIdentifier(TEMPLATE_DATABASE)} WITH IS_TEMPLATE false`);
    return result.rows.map((row) => row.datname);
  });
  for (const name of [...leftovers, TEMPLATE_DATABASE]) await dropDatabase(adminUrl, name);
}
