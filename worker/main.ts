import { openDatabase, startWorkerProcess } from '../app/processes';
import { loadConfig } from '../config/env';
import { loadSlaPolicy } from '../config/load-sla-policy';
import { logger } from '../lib/logger';
import { installTemporalLogging } from '../lib/temporal-logging';

/** The worker process as deployed: runs ticket workflows and activities until SIGTERM, then drains. */
async function main(): Promise<void> {
  const config = loadConfig();
  installTemporalLogging(logger);
  const policy = loadSlaPolicy(config.slaPolicyPath);
  if (!config.DATABASE_URL || !config.TEMPORAL_ADDRESS) {
    throw new Error(
      'worker/main.ts needs DATABASE_URL and TEMPORAL_ADDRESS; use `npm start` for the all-in-one desk.',
    );
  }
  const { pool } = await openDatabase(config.DATABASE_URL);
  const worker = await startWorkerProcess({ config, policy, pool, temporalAddress: config.TEMPORAL_ADDRESS });
  logger.info({ taskQueue: config.ECHODESK_TASK_QUEUE }, 'echodesk worker running');
  // The SDK shuts the worker down on SIGINT/SIGTERM; it drains, then the rest closes.
  await worker.done;
  await worker.stop();
  await pool.end();
}

main().catch((err: unknown) => {
  logger.fatal({ err }, 'worker failed');
  process.exitCode = 1;
});
