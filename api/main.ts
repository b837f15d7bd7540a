import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../config/env';
import { loadSlaPolicy } from '../config/load-sla-policy';
import { migrate } from '../db/migrate';
import { createPool } from '../db/pool';
import { logger } from '../lib/logger';
import { startStuckTicketWatch } from '../lib/stuck-tickets';
import { startApiServer } from './server';

/** The API process as deployed: external PostgreSQL and Temporal, migrations at start, graceful stop on SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfig();
  const policy = loadSlaPolicy(config.slaPolicyPath);
  if (!config.DATABASE_URL || !config.TEMPORAL_ADDRESS) {
    throw new Error(
      'api/main.ts needs DATABASE_URL and TEMPORAL_ADDRESS; use `npm start` for the all-in-one desk.',
    );
  }
  const pool = createPool(config.DATABASE_URL);
  await migrate(pool);
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const api = await startApiServer({ pool, temporal, config, policy }, config.HOST, config.PORT, {
    host: config.metricsHost,
    port: config.METRICS_PORT,
  });
  logger.info({ port: api.port, metricsPort: api.metricsPort }, 'echodesk api listening');
  const watch = startStuckTicketWatch({ pool, temporal, stuckAfterMs: config.stuckAfterMs, log: logger });
  const stop = async () => {
    await watch.stop();
    await api.close();
    await connection.close();
    await pool.end();
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

main().catch((err: unknown) => {
  logger.fatal({ err }, 'api failed to start');
  process.exitCode = 1;
});
