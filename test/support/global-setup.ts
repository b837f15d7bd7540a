import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { escapeIdentifier } from 'pg';
import { startEmbeddedPostgres } from '../../devstack/postgres';
import { isAlive, readProc, signalUntilGone } from '../../devstack/processes';
import { migrate } from '../../db/migrate';
import { createPool } from '../../db/pool';
import { resolveTemporalCli, resolveTemporalTestServer } from '../../devstack/temporal-binaries';
import { projectRoot } from '../../lib/project-root';
import { databaseUrl, dropDatabase, TEMPLATE_DATABASE, withAdminClient } from './db';

/** What global setup started, handed to global teardown (both run in Jest's parent process). */
export interface TestInfra {
  adminUrl: string;
  runId: string;
  /** True when the run uses DATABASE_URL rather than a PostgreSQL of its own. */
  external: boolean;
  /** The embedded cluster's folder, deleted at teardown. */
  dataDir?: string;
  stop(): Promise<void>;
}

const INFRA_KEY = Symbol.for('echodesk.test-infra');
const TEST_DATA_PREFIX = 'test-';

/** Resolves the Temporal binaries and starts one PostgreSQL with a migrated template database for the run. */
export default async function globalSetup(): Promise<void> {
  const root = projectRoot();
  const runId = String(process.pid);
  const [cliPath, testServerPath, infra] = await Promise.all([
    resolveTemporalCli({ projectRoot: root }),
    resolveTemporalTestServer({ projectRoot: root }),
    startPostgres(root, runId),
  ]);
  (globalThis as Record<symbol, unknown>)[INFRA_KEY] = infra;
  process.env.TEMPORAL_CLI_PATH = cliPath;
  process.env.TEMPORAL_TEST_SERVER_PATH = testServerPath;
  process.env.ECHODESK_TEST_ADMIN_URL = infra.adminUrl;
  process.env.ECHODESK_TEST_RUN_ID = runId;
}

/** The infrastructure global setup started, once; undefined when there is none. */
export function takeTestInfra(): TestInfra | undefined {
  const holder = globalThis as Record<symbol, unknown>;
  const infra = holder[INFRA_KEY] as TestInfra | undefined;
  delete holder[INFRA_KEY];
  return infra;
}

async function startPostgres(root: string, runId: string): Promise<TestInfra> {
  const external = process.env.DATABASE_URL;
  if (external) {
    await buildTemplate(external);
    return { adminUrl: external, runId, external: true, stop: () => Promise.resolve() };
  }
  const dataRoot = path.join(root, '.data');
  await sweepStaleTestClusters(dataRoot);
  const dataDir = path.join(dataRoot, `${TEST_DATA_PREFIX}${runId}`);
  await rm(dataDir, { recursive: true, force: true });
  const pg = await startEmbeddedPostgres({ dataDir, port: 0, database: 'postgres', ephemeral: true });
  try {
    await buildTemplate(pg.adminUrl);
  } catch (err) {
    await pg.stop();
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  return { adminUrl: pg.adminUrl, runId, external: false, dataDir, stop: pg.stop };
}

async function buildTemplate(adminUrl: string): Promise<void> {
  await withAdminClient(adminUrl, (client) =>
    client
      .query(`ALTER DATABASE ${escapeIdentifier(TEMPLATE_DATABASE)} WITH IS_TEMPLATE false`)
      .catch(() => undefined),
  );
  await dropDatabase(adminUrl, TEMPLATE_DATABASE);
  await withAdminClient(adminUrl, (client) =>
    client.query(`CREATE DATABASE ${escapeIdentifier(TEMPLATE_DATABASE)}`),
  );
  const pool = createPool(databaseUrl(adminUrl, TEMPLATE_DATABASE), {
    max: 1,
    applicationName: 'echodesk-test-setup',
  });
  try {
    await migrate(pool);
  } finally {
    await pool.end();
  }
  // No connections allowed: a stray one would make every CREATE DATABASE ... TEMPLATE fail.
  await withAdminClient(adminUrl, (client) =>
    client.query(
      `ALTER DATABASE ${escapeIdentifier(TEMPLATE_DATABASE)} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`,
    ),
  );
}

/** Removes `.data/test-<pid>` folders of runs that were killed, stopping a PostgreSQL they left behind. */
async function sweepStaleTestClusters(dataRoot: string): Promise<void> {
  const entries = await readdir(dataRoot).catch(() => [] as string[]);
  for (const entry of entries) {
    const pid = Number(entry.slice(TEST_DATA_PREFIX.length));
    if (!entry.startsWith(TEST_DATA_PREFIX) || !Number.isInteger(pid) || isAlive(pid)) continue;
    const dir = path.join(dataRoot, entry);
    await stopLeftoverPostmaster(dir);
    await rm(dir, { recursive: true, force: true });
  }
}

async function stopLeftoverPostmaster(dir: string): Promise<void> {
  const pidFile = await readFile(path.join(dir, 'postgres', 'postmaster.pid'), 'utf8').catch(() => '');
  const pid = Number.parseInt(pidFile.split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || !readProc(pid, 'cmdline')?.includes(dir)) return;
  await signalUntilGone(pid, [['SIGQUIT', 5_000]]);
}
