import { openDatabase, startApiProcess } from '../app/processes';
import { loadConfig } from '../config/env';
import { loadSlaPolicy } from '../config/load-sla-policy';
import { logger } from '../lib/logger';

/** The API process as deployed: external PostgreSQL and Temporal, migrations at start, graceful stop on SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfig();
  const policy = loadSlaPolicy(config.slaPolicyPath);
  if (!config.DATABASE_URL || !config.TEMPORAL_ADDRESS) {
    throw new Error(
      'api/main.ts needs DATABASE_URL and TEMPORAL_ADDRESS; use `npm start` for the all-in-one desk.',
    );
  }
  const { pool } = await openDatabase(config.DATABASE_URL);
  const api = await startApiProcess({ config, policy, pool, temporalAddress: config.TEMPORAL_ADDRESS });
  logger.info({ port: api.port, metricsPort: api.metricsPort }, 'echodesk api listening');
  const stop = async () => {
    await api.stop();
    await pool.end();
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

main().catch((err: unknown) => {
  logger.fatal({ err }, 'api failed to start');
  process.exitCode = 1;
});
