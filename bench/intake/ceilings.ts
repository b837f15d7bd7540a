import type { Client } from '@temporalio/client';
import { throughput } from '../lib/closed-loop';
import type { ProcessMeter } from '../lib/proc';
import { sleep } from '../lib/stats';
import { ticketInput, type TicketReference } from '../lib/tickets';
import { drain, openLoopNoopCeiling, type CeilingStep } from './ceiling-ladder';
import { benchPolicy, echodeskLifecycle } from './lifecycle';
import { UPDATES_PER_LIFECYCLE } from './limits';
import { cpuNow, cpuPerItem } from './measure';
import { BENCH_TASK_QUEUE, stepUpdate } from './workflows';

/** The Temporal server's ceilings and echodesk's lifecycles, per second (NaN / empty when not measured). */
export interface CeilingFigures {
  /** The open-loop ladder: the ceiling by the intake's own test. */
  ceilingSteps: CeilingStep[];
  /** No-op starts accepted, 32 in flight, and the CPU each costs once run. */
  noopStarts: number;
  noopCpuMs: number;
  noopSplit: string;
  /** No-op workflows started and run to completion, 32 in flight. */
  noopRuns: number;
  /** No-op lifecycles of a ticket's shape, and echodesk's own, 16 in flight. */
  shaped: number;
  lifecycles: number;
  /** No-ops of a ticket opening's shape, left open. */
  openingStarts: number;
  openingSplit: string;
}

/** What --intake-only prints from: no ceilings measured. */
export const NO_CEILINGS: CeilingFigures = {
  ceilingSteps: [],
  noopStarts: NaN,
  noopCpuMs: NaN,
  noopSplit: '',
  noopRuns: NaN,
  shaped: NaN,
  lifecycles: NaN,
  openingStarts: NaN,
  openingSplit: '',
};

export interface CeilingContext {
  client: Client;
  ref: TicketReference;
  meters: readonly ProcessMeter[];
  log: (line: string) => void;
  metricsUrl: string | undefined;
  ceilingRates: readonly number[];
  stepSeconds: number;
  stopAtMiss: boolean;
}

/**
 * Every ceiling in turn. The ladder by the intake's own test (open loop, the same p99 limits) comes first,
 * so the ratio compares like with like on a store as fresh as the intake phase's.
 */
export async function runCeilings(ctx: CeilingContext): Promise<CeilingFigures> {
  const ceilingSteps = await openLoopNoopCeiling(ctx.client, {
    rates: ctx.ceilingRates,
    seconds: ctx.stepSeconds,
    meters: ctx.meters.filter((m) => m.label !== 'api' && m.label !== 'ticket worker'),
    log: ctx.log,
    metricsUrl: ctx.metricsUrl,
    stopAtMiss: ctx.stopAtMiss,
  });
  await sleep(2000);
  const starts = await noopStartCeiling(ctx);
  const noopRuns = await noopRunCeiling(ctx);
  await sleep(2000);
  const shaped = await shapedLifecycles(ctx);
  await sleep(3000);
  const lifecycles = await echodeskLifecycles(ctx);
  await sleep(3000);
  const opening = await openingCeiling(ctx);
  return { ceilingSteps, ...starts, noopRuns, shaped, lifecycles, ...opening };
}

/** No-op starts accepted, 32 in flight; each start's whole cost (server, ceiling worker, client) counts. */
async function noopStartCeiling(
  ctx: CeilingContext,
): Promise<Pick<CeilingFigures, 'noopStarts' | 'noopCpuMs' | 'noopSplit'>> {
  const cpuBefore = cpuNow(ctx.meters);
  let count = 0;
  const noopStarts = await throughput(ctx.stepSeconds, 32, async (i) => {
    count += 1;
    await ctx.client.workflow.start('noopWorkflow', {
      workflowId: `noop-${i}`,
      taskQueue: BENCH_TASK_QUEUE,
      args: [],
    });
  });
  // Wait until every no-op has completed, so its cost once run is all counted.
  await drain(ctx.client, "WorkflowType = 'noopWorkflow' AND ExecutionStatus = 'Completed'", count);
  const { totalMs, split } = cpuPerItem(ctx.meters, cpuBefore, count);
  ctx.log(`no-op workflow starts: ${noopStarts.toFixed(1)}/s, ${totalMs.toFixed(1)} CPU ms each (${split})`);
  return { noopStarts, noopCpuMs: totalMs, noopSplit: split };
}

/** The engine's processing ceiling: no-op workflows started and run to completion, 32 at a time. */
async function noopRunCeiling(ctx: CeilingContext): Promise<number> {
  const runs = await throughput(ctx.stepSeconds, 32, async (i) => {
    await ctx.client.workflow.execute('noopWorkflow', {
      workflowId: `noop-run-${i}`,
      taskQueue: BENCH_TASK_QUEUE,
      args: [],
    });
  });
  ctx.log(`no-op workflows run end to end: ${runs.toFixed(1)}/s`);
  return runs;
}

async function shapedLifecycles(ctx: CeilingContext): Promise<number> {
  const shaped = await throughput(ctx.stepSeconds * 2, 16, async (i) => {
    const handle = await ctx.client.workflow.start('shapedWorkflow', {
      workflowId: `shaped-${i}`,
      taskQueue: BENCH_TASK_QUEUE,
      args: [UPDATES_PER_LIFECYCLE],
    });
    for (let u = 0; u < UPDATES_PER_LIFECYCLE; u++) await handle.executeUpdate(stepUpdate, { args: ['x'] });
    await handle.result();
  });
  ctx.log(`no-op lifecycles of a ticket's shape: ${shaped.toFixed(1)}/s`);
  return shaped;
}

async function echodeskLifecycles(ctx: CeilingContext): Promise<number> {
  const lifecycles = await throughput(ctx.stepSeconds * 2, 16, (i) =>
    echodeskLifecycle(ctx.client, ctx.ref, `L${String(i).padStart(6, '0')}`),
  );
  ctx.log(`echodesk ticket lifecycles: ${lifecycles.toFixed(1)}/s`);
  return lifecycles;
}

/** A no-op with a ticket opening's shape and input size, left open as tickets are (last: they stay in the cache). */
async function openingCeiling(
  ctx: CeilingContext,
): Promise<Pick<CeilingFigures, 'openingStarts' | 'openingSplit'>> {
  const input = ticketInput(ctx.ref, 'O000000', benchPolicy(), 'P3', new Date());
  const cpuBefore = cpuNow(ctx.meters);
  let count = 0;
  const openingStarts = await throughput(ctx.stepSeconds, 32, async (i) => {
    count += 1;
    await ctx.client.workflow.start('openingShapedWorkflow', {
      workflowId: `opening-${i}`,
      taskQueue: BENCH_TASK_QUEUE,
      args: [input],
    });
  });
  // Until every one has finished its first task (the upsert says so).
  await drain(ctx.client, "WorkflowType = 'openingShapedWorkflow' AND EchodeskStatus = 'assigned'", count);
  const { split } = cpuPerItem(ctx.meters, cpuBefore, count);
  ctx.log(
    `no-op workflows of a ticket opening's shape: ${openingStarts.toFixed(1)}/s (CPU ms each: ${split})`,
  );
  return { openingStarts, openingSplit: split };
}
