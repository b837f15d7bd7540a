import type { Client } from '@temporalio/client';
import { openLoop } from '../lib/open-loop';
import type { ProcessMeter } from '../lib/proc';
import { sleep, summarize, type Summary } from '../lib/stats';
import { ACK_P99_LIMIT_MS } from './limits';
import { cpuNow, cpuPerItem, persistenceLine, persistenceTotals } from './measure';
import { BENCH_TASK_QUEUE } from './workflows';

/** One step of no-op starts sent open loop, measured as the intake steps are. */
export interface CeilingStep {
  rate: number;
  achieved: number;
  errors: number;
  /** Start call → server accepted. */
  latency: Summary;
  /** Start call sent → workflow completed (its first and only task done): the no-op's "dispatch". */
  completedMs: Summary;
  /** CPU ms per workflow of each metered process, including working off the step's backlog. */
  cpuSplit: string;
  /** Temporal persistence operations per start while the step's starts were sent, and their mean time. */
  store: string;
}

export interface LadderOptions {
  rates: readonly number[];
  seconds: number;
  meters: readonly ProcessMeter[];
  log: (line: string) => void;
  metricsUrl: string | undefined;
  stopAtMiss: boolean;
}

/**
 * The bare ceiling measured by the intake's own test: no-op starts at fixed open-loop rates through the
 * same client, each step for `seconds`, p99 of the start call, then (once every one has completed) how
 * long each took from the start call to completion. The ceiling worker runs them meanwhile, as the ticket
 * worker runs tickets, and every step starts from a drained server. Stops after a step whose p99 passes
 * four times the limit.
 */
export async function openLoopNoopCeiling(client: Client, opts: LadderOptions): Promise<CeilingStep[]> {
  const steps: CeilingStep[] = [];
  for (const rate of opts.rates) {
    const step = await ceilingStep(client, rate, opts);
    steps.push(step);
    opts.log(
      `no-op starts open loop ${rate}/s: achieved ${step.achieved.toFixed(1)}/s, start p50 ${step.latency.p50.toFixed(0)} ms, p99 ${step.latency.p99.toFixed(0)} ms, errors ${step.errors}; completed p99 ${step.completedMs.p99.toFixed(0)} ms; ${step.store}`,
    );
    const limit = opts.stopAtMiss ? 1 : 4;
    if (step.latency.p99 > ACK_P99_LIMIT_MS * limit || step.errors > (opts.stopAtMiss ? 0 : rate)) break;
    await sleep(2000);
  }
  return steps;
}

async function ceilingStep(client: Client, rate: number, opts: LadderOptions): Promise<CeilingStep> {
  const cpuBefore = cpuNow(opts.meters);
  const storeBefore = await persistenceTotals(opts.metricsUrl);
  const sentAt = new Map<string, number>();
  const windowFrom = new Date(Date.now() - 1000);
  const { latencies, errors, achieved } = await openLoop(rate, opts.seconds * 1000, async (i) => {
    const workflowId = `noop-open-${rate}-${i}`;
    sentAt.set(workflowId, Date.now());
    await client.workflow.start('noopWorkflow', { workflowId, taskQueue: BENCH_TASK_QUEUE, args: [] });
    return undefined;
  });
  const store = persistenceLine(storeBefore, await persistenceTotals(opts.metricsUrl), latencies.length);
  const query = `WorkflowType = 'noopWorkflow' AND ExecutionStatus = 'Completed' AND StartTime >= '${windowFrom.toISOString()}'`;
  await drain(client, query, latencies.length);
  const { split } = cpuPerItem(opts.meters, cpuBefore, latencies.length);
  const completed: number[] = [];
  for await (const execution of client.workflow.list({ query })) {
    const sentMs = sentAt.get(execution.workflowId);
    if (sentMs !== undefined && execution.closeTime) completed.push(execution.closeTime.getTime() - sentMs);
  }
  return {
    rate,
    achieved,
    errors,
    latency: summarize(latencies),
    completedMs: summarize(completed),
    cpuSplit: split,
    store,
  };
}

/** Waits until `count` workflows match `query` in visibility (their work is done), or 120 s pass. */
export async function drain(client: Client, query: string, count: number): Promise<void> {
  const until = Date.now() + 120_000;
  while (Date.now() < until) {
    const { count: done } = await client.workflow.count(query);
    if (done >= count) return;
    await sleep(250);
  }
  throw new Error(`only some of ${count} workflows reached: ${query}`);
}
