import { readFile } from 'node:fs/promises';
import { setPriority } from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { pickPort } from '../../devstack/ports';
import { spawnTs, waitForHttp, waitForMessage } from '../lib/proc';
import { bundleWorkflowsToFile, type BenchStack } from '../lib/stack';

export interface DeskOptions {
  /** Worker options passed through `worker/create-worker.ts` (slots, cache). */
  tuning?: Record<string, number>;
  poolMax?: number;
  /** Nice value of the ticket worker (0: none). */
  workerNice?: number;
  workerNodeArgs?: readonly string[];
  apiNodeArgs?: readonly string[];
}

export interface Desk {
  port: number;
  worker: ChildProcess;
  /** Runs the bench's no-op workflows (`bench/intake/workflows.ts`). */
  ceilingWorker: ChildProcess;
  api: ChildProcess;
}

/**
 * The desk's processes on a bench stack, each a process of its own (so each is metered): ticket worker,
 * ceiling worker, API; resolves once all are ready. Each is added to `children` as it starts, so the
 * caller stops them even if this fails.
 */
export async function startDesk(
  stack: BenchStack,
  children: ChildProcess[],
  opts: DeskOptions = {},
): Promise<Desk> {
  const bundle = await bundleWorkflowsToFile(stack.dataDir);
  const port = await pickPort(0);
  const env = {
    DATABASE_URL: stack.databaseUrl,
    TEMPORAL_ADDRESS: stack.temporalAddress,
    LOG_LEVEL: 'error',
    PORT: String(port),
    METRICS_PORT: '0',
  };
  const worker = spawnTs(
    path.join(__dirname, '..', 'lib', 'worker-main.ts'),
    {
      ...env,
      BENCH_WORKFLOW_BUNDLE: bundle,
      BENCH_WORKER_TUNING: JSON.stringify(opts.tuning ?? {}),
      BENCH_POOL_MAX: String(opts.poolMax ?? 10),
    },
    { nodeArgs: opts.workerNodeArgs },
  );
  // Acknowledge first: on a shared box the worker yields the CPU to intake (docker-compose.yml gives it a
  // smaller cpu_shares for the same reason); its backlog is worked off as soon as intake leaves room.
  if (worker.pid && opts.workerNice) setPriority(worker.pid, opts.workerNice);
  const ceilingWorker = spawnTs(path.join(__dirname, 'worker.ts'), env);
  const api = spawnTs(path.join(__dirname, '..', '..', 'api', 'main.ts'), env, {
    quiet: true,
    nodeArgs: opts.apiNodeArgs,
  });
  children.push(worker, ceilingWorker, api);
  await Promise.all([
    waitForMessage(worker, 'ready'),
    waitForMessage(ceilingWorker, 'ready'),
    waitForHttp(`http://127.0.0.1:${port}/readyz`),
  ]);
  return { port, worker, ceilingWorker, api };
}

/** The dev server's Prometheus endpoint, from the address its log prints at start. */
export async function temporalMetricsUrl(dataDir: string): Promise<string | undefined> {
  if (process.env.BENCH_TEMPORAL_METRICS_URL) return process.env.BENCH_TEMPORAL_METRICS_URL;
  const log = await readFile(path.join(dataDir, 'temporal', 'dev-server.log'), 'utf8').catch(() => '');
  return /Temporal Metrics:\s+(http:\/\/\S+\/metrics)/.exec(log)?.[1];
}
