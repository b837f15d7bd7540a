import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { benchActivities } from './activities';
import { BENCH_TASK_QUEUE } from './workflows';

/** The bench worker: runs bench/intake/workflows.ts on its own task queue; says `{ type: 'ready' }` over IPC. */
async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const address = process.env.TEMPORAL_ADDRESS;
  if (!address) throw new Error('TEMPORAL_ADDRESS is required');
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    taskQueue: BENCH_TASK_QUEUE,
    workflowsPath: require.resolve('./workflows'),
    activities: benchActivities,
  });
  process.once('SIGTERM', () => worker.shutdown());
  const running = worker.run();
  process.send?.({ type: 'ready' });
  await running;
  await connection.close();
  process.disconnect?.();
}

main().catch((err: unknown) => {
  process.stderr.write(`bench ceiling worker failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
