import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { startApiServer } from '../api/server';
import { loadConfig } from '../config/env';
import { loadSlaPolicy } from '../config/load-sla-policy';
import { resolveDatabase } from '../db/embedded';
import { migrate } from '../db/migrate';
import { createPool } from '../db/pool';
import { seedDemoData } from '../db/seed';
import { SEARCH_ATTRIBUTES } from '../domain/search-attributes';
import { logger } from '../lib/logger';
import { startStuckTicketWatch } from '../lib/stuck-tickets';
import { installTemporalLogging } from '../lib/temporal-logging';
import { createMailer } from '../lib/mailer';
import { createTicketWorker } from '../worker/create-worker';
import { startOutboxDispatcher } from '../worker/outbox-dispatcher';
import { resolveTemporalCli } from './lib/temporal-binaries';
import { startTemporalDevServer } from './lib/temporal-dev-server';

type Stopper = () => Promise<unknown>;

/** `npm start`: PostgreSQL, Temporal, migrations, demo data, worker and API in one process; Ctrl-C stops it all in reverse. */
async function main(): Promise<void> {
  const config = loadConfig();
  installTemporalLogging(logger);
  const policy = loadSlaPolicy(config.slaPolicyPath);
  const stoppers: Stopper[] = [];
  const note = (line: string) => logger.info(line);

  const database = await resolveDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.dataDir,
    log: note,
  });
  stoppers.push(() => database.stop());

  let temporalAddress = config.TEMPORAL_ADDRESS;
  let temporalUi = config.TEMPORAL_UI_URL;
  if (!temporalAddress) {
    const cliPath = await resolveTemporalCli();
    const dev = await startTemporalDevServer({
      cliPath,
      dataDir: config.dataDir,
      namespace: config.TEMPORAL_NAMESPACE,
      searchAttributes: SEARCH_ATTRIBUTES,
      log: note,
    });
    stoppers.push(() => dev.stop());
    temporalAddress = dev.address;
    temporalUi ??= dev.uiUrl;
  }

  const pool = createPool(database.url);
  stoppers.push(() => pool.end());
  const applied = await migrate(pool);
  if (applied.length > 0) note(`applied migrations: ${applied.join(', ')}`);
  if (
    config.NODE_ENV !== 'production' &&
    (await seedDemoData(pool, { password: config.ECHODESK_DEMO_PASSWORD, nodeEnv: config.NODE_ENV }))
  ) {
    note('seeded the demo campus and accounts (manager, disp1, lead1, tech1…tech6)');
  }

  const nativeConnection = await NativeConnection.connect({ address: temporalAddress });
  stoppers.push(() => nativeConnection.close());
  const worker = await createTicketWorker({ connection: nativeConnection, pool, config, policy });
  const workerDone = worker.run();
  stoppers.push(() => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    return workerDone;
  });

  const mailer = createMailer(config.SMTP_URL, config.SMTP_FROM);
  const outbox = startOutboxDispatcher({ pool, mailer, log: logger });
  stoppers.push(async () => {
    await outbox.stop();
    mailer?.close();
  });

  const connection = await Connection.connect({ address: temporalAddress });
  stoppers.push(() => connection.close());
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const api = await startApiServer(
    { pool, temporal, config: { ...config, TEMPORAL_UI_URL: temporalUi }, policy },
    config.HOST,
    config.PORT,
    { host: config.metricsHost, port: config.METRICS_PORT },
  );
  stoppers.push(() => api.close());
  const watch = startStuckTicketWatch({ pool, temporal, stuckAfterMs: config.stuckAfterMs, log: logger });
  stoppers.push(() => watch.stop());

  const base = `http://${config.HOST}:${api.port}`;
  process.stdout.write(
    [
      '',
      'echodesk is running',
      `  desk (report a problem)  ${base}/r/IH-2-301`,
      `  staff console            ${base}/staff`,
      `  manager views            ${base}/manage`,
      `  API                      ${base}/api  (health: ${base}/readyz)`,
      `  metrics (Prometheus)     http://${config.metricsHost}:${api.metricsPort}/metrics`,
      `  Temporal UI              ${temporalUi ?? '(external Temporal: see your cluster UI)'}`,
      `  demo accounts            manager, disp1, lead1, tech1…tech6 / password from ECHODESK_DEMO_PASSWORD`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stopAll = async () => {
    if (stopping) return;
    stopping = true;
    note('stopping…');
    for (const stop of stoppers.reverse()) {
      await stop().catch((err: unknown) => logger.warn({ err }, 'error while stopping'));
    }
    note('stopped');
  };
  process.once('SIGINT', () => void stopAll());
  process.once('SIGTERM', () => void stopAll());
  await workerDone.catch((err: unknown) => logger.error({ err }, 'worker stopped with an error'));
  await stopAll();
}

main().catch((err: unknown) => {
  logger.fatal({ err }, 'echodesk failed to start');
  process.exitCode = 1;
});
