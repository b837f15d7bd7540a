import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../config/env';
import { loadSlaPolicy } from '../config/load-sla-policy';
import { migrate } from '../db/migrate';
import { createPool } from '../db/pool';
import { logger } from '../lib/logger';
import { installTemporalLogging } from '../lib/temporal-logging';
import { createMailer } from '../lib/mailer';
import { createTicketWorker } from './create-worker';
import { startOutboxDispatcher } from './outbox-dispatcher';

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
  const pool = createPool(config.DATABASE_URL);
  await migrate(pool);
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await createTicketWorker({ connection, pool, config, policy });
  const mailer = createMailer(config.SMTP_URL, config.SMTP_FROM);
  const outbox = startOutboxDispatcher({ pool, mailer, log: logger });
  logger.info({ taskQueue: config.ECHODESK_TASK_QUEUE }, 'echodesk worker running');
  await worker.run();
  await outbox.stop();
  mailer?.close();
  await connection.close();
  await pool.end();
}

main().catch((err: unknown) => {
  logger.fatal({ err }, 'worker failed');
  process.exitCode = 1;
});
