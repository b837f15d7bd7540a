import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { loadConfig, type Config } from '../config/env';
import { resolveDatabase, type ResolvedDatabase } from '../devstack/postgres';
import { createPool } from '../db/pool';
import { TEMPORAL_DEFAULT_PORT } from '../devstack/temporal-dev-server';
import { verifyReadModel, type Difference } from './lib/verify-read-model';

/**
 * `npm run verify [-- --repair]`: checks that the read model agrees with every ticket workflow and
 * lists each difference; `--repair` rewrites disagreeing tickets from their workflow history.
 * Exits 1 while differences remain.
 */
async function main(): Promise<void> {
  const repair = process.argv.includes('--repair');
  const config = loadConfig();
  const database = await connectDatabase(config);
  const pool = createPool(database.url, { max: 8, applicationName: 'echodesk-verify' });
  const connection = await Connection.connect({ address: temporalAddress(config) });
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  try {
    const report = await verifyReadModel({ pool, client, repair });
    for (const d of report.differences) process.stdout.write(`${describe(d)}\n`);
    process.stdout.write(
      `checked ${report.checked} tickets (${report.workflows} workflows): ${report.differences.length} differences` +
        `${report.inFlight.length ? `, ${report.inFlight.length} with a write in flight` : ''}` +
        `${repair ? `, ${report.repaired.length} tickets rewritten` : ''}\n`,
    );
    if (report.differences.length === 0) return;
    if (!repair) {
      process.exitCode = 1;
      return;
    }
    const after = await verifyReadModel({ pool, client });
    for (const d of after.differences) process.stdout.write(`still: ${describe(d)}\n`);
    process.stdout.write(`after repair: ${after.differences.length} differences\n`);
    if (after.differences.length > 0) process.exitCode = 1;
  } finally {
    await connection.close();
    await pool.end();
    await database.stop();
  }
}

function describe(d: Difference): string {
  return `${d.number} ${d.what}: workflow has ${JSON.stringify(d.expected)}, read model has ${JSON.stringify(d.actual)}`;
}

/** DATABASE_URL, or the embedded cluster under the data directory: the running one when `npm start` runs it, else started for the check. */
async function connectDatabase(config: Readonly<Config>): Promise<ResolvedDatabase> {
  if (config.DATABASE_URL)
    return resolveDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.dataDir });
  const running = runningEmbeddedUrl(config.dataDir);
  if (running) return { url: running, embedded: false, stop: () => Promise.resolve() };
  return resolveDatabase({ dataDir: config.dataDir });
}

function runningEmbeddedUrl(dataDir: string): string | undefined {
  try {
    const pid = readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n');
    process.kill(Number(pid[0]), 0);
    const password = readFileSync(path.join(dataDir, 'postgres-password'), 'utf8').trim();
    return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${pid[3]}/echodesk`;
  } catch {
    return undefined;
  }
}

/** TEMPORAL_ADDRESS, or the dev server `npm start` runs on the data directory (its --port), or the default port. */
function temporalAddress(config: Readonly<Config>): string {
  if (config.TEMPORAL_ADDRESS) return config.TEMPORAL_ADDRESS;
  try {
    const pid = readFileSync(path.join(config.dataDir, 'temporal', 'dev-server.pid'), 'utf8').trim();
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const port = args[args.indexOf('--port') + 1];
    if (args.includes('--port') && port) return `127.0.0.1:${port}`;
  } catch {
    // No dev server of ours running: try the default address.
  }
  return `127.0.0.1:${TEMPORAL_DEFAULT_PORT}`;
}

main().catch((err: unknown) => {
  process.stderr.write(`verify failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
