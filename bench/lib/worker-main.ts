import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import { loadConfig } from '../../config/env';
import { loadSlaPolicy } from '../../config/load-sla-policy';
import { createPool } from '../../db/pool';
import { createTicketWorker, type TicketWorkerOptions } from '../../worker/create-worker';

/**
 * The ticket worker as a bench child process: like worker/main.ts, but it takes a prebuilt bundle
 * (BENCH_WORKFLOW_BUNDLE), tuning (BENCH_WORKER_TUNING, JSON) and a pool size (BENCH_POOL_MAX),
 * and says `{ type: 'ready' }` over IPC once it polls.
 */
async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const config = loadConfig();
  if (!config.DATABASE_URL || !config.TEMPORAL_ADDRESS)
    throw new Error('DATABASE_URL and TEMPORAL_ADDRESS are required');
  const policy = loadSlaPolicy(config.slaPolicyPath);
  const pool = createPool(config.DATABASE_URL, {
    max: Number(process.env.BENCH_POOL_MAX ?? 10),
    applicationName: 'echodesk-bench-worker',
  });
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const tuning = JSON.parse(process.env.BENCH_WORKER_TUNING ?? '{}') as TicketWorkerOptions['tuning'];
  const bundle = process.env.BENCH_WORKFLOW_BUNDLE;
  const worker = await createTicketWorker({
    connection,
    pool,
    config,
    policy,
    tuning,
    ...(bundle ? { workflowBundle: { codePath: bundle } } : {}),
  });
  const stop = () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  const running = worker.run();
  process.send?.({ type: 'ready' });
  await running;
  await connection.close();
  await pool.end();
  process.disconnect?.();
}

main().catch((err: unknown) => {
  process.stderr.write(`bench worker failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
