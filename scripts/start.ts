import { openDatabase, startApiProcess, startWorkerProcess } from '../app/processes';
import { loadConfig } from '../config/env';
import { loadSlaPolicy } from '../config/load-sla-policy';
import { seedDemoData } from '../db/seed';
import { resolveDatabase } from '../devstack/postgres';
import { resolveTemporalCli } from '../devstack/temporal-binaries';
import { startTemporalDevServer } from '../devstack/temporal-dev-server';
import { SEARCH_ATTRIBUTES } from '../domain/search-attributes';
import { logger } from '../lib/logger';
import { installTemporalLogging } from '../lib/temporal-logging';

type Stopper = () => Promise<unknown>;

/**
 * `npm start`: the dev services (embedded PostgreSQL and a Temporal dev server under the data
 * directory, unless DATABASE_URL / TEMPORAL_ADDRESS name others), demo data, then the worker and the
 * API of app/processes.ts in this one process; Ctrl-C stops it all in reverse.
 */
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
  let temporalUiUrl = config.TEMPORAL_UI_URL;
  if (!temporalAddress) {
    const dev = await startTemporalDevServer({
      cliPath: await resolveTemporalCli(),
      dataDir: config.dataDir,
      namespace: config.TEMPORAL_NAMESPACE,
      searchAttributes: SEARCH_ATTRIBUTES,
      log: note,
    });
    stoppers.push(() => dev.stop());
    temporalAddress = dev.address;
    temporalUiUrl ??= dev.uiUrl;
  }

  const { pool, applied } = await openDatabase(database.url);
  stoppers.push(() => pool.end());
  if (applied.length > 0) note(`applied migrations: ${applied.join(', ')}`);
  if (
    config.NODE_ENV !== 'production' &&
    (await seedDemoData(pool, { password: config.ECHODESK_DEMO_PASSWORD, nodeEnv: config.NODE_ENV }))
  ) {
    note('seeded the demo campus and accounts (manager, disp1, lead1, tech1…tech6)');
  }

  const app = { config, policy, pool, temporalAddress };
  const worker = await startWorkerProcess(app);
  stoppers.push(() => worker.stop());
  const api = await startApiProcess({ ...app, temporalUiUrl });
  stoppers.push(() => api.stop());
  printBanner(config, api, temporalUiUrl);

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
  await worker.done.catch((err: unknown) => logger.error({ err }, 'worker stopped with an error'));
  await stopAll();
}

function printBanner(
  config: ReturnType<typeof loadConfig>,
  api: { port: number; metricsPort: number | null },
  temporalUiUrl: string | undefined,
): void {
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
      `  Temporal UI              ${temporalUiUrl ?? '(external Temporal: see your cluster UI)'}`,
      `  demo accounts            manager, disp1, lead1, tech1…tech6 / password from ECHODESK_DEMO_PASSWORD`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  logger.fatal({ err }, 'echodesk failed to start');
  process.exitCode = 1;
});
