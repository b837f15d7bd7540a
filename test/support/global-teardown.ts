import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { escapeIdentifier } from 'pg';
import { dropDatabase, TEMPLATE_DATABASE, TEST_DATABASE_PREFIX, withAdminClient } from './db';
import { takeTestInfra } from './global-setup';

const TEMPORAL_EXECUTABLES = new Set(['temporal', 'temporal-test-server']);

/** Stops what global setup started, kills Temporal test servers the run leaked, drops leftover databases. */
export default async function globalTeardown(): Promise<void> {
  const infra = takeTestInfra();
  if (!infra) return;
  await killLeakedTemporalServers(infra.runId);
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

/**
 * A test file that crashes before `env.teardown()` leaves its dev or time-skipping server running
 * with no parent. Such servers inherited ECHODESK_TEST_RUN_ID from the Jest worker, which tells
 * this run's leaks apart from every other process (Linux /proc only; elsewhere nothing is swept).
 */
async function killLeakedTemporalServers(runId: string): Promise<void> {
  const marker = `\0ECHODESK_TEST_RUN_ID=${runId}\0`;
  const pids = (await readdir('/proc').catch(() => [] as string[])).filter((entry) => /^\d+$/.test(entry));
  for (const pid of pids.map(Number)) {
    if (pid === process.pid) continue;
    const argv0 = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0')[0] ?? '';
    if (!TEMPORAL_EXECUTABLES.has(path.basename(argv0))) continue;
    const environ = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
    if (`\0${environ}`.includes(marker)) killQuietly(pid);
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
