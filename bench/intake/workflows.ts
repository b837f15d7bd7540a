import { condition, defineUpdate, proxyActivities, setHandler } from '@temporalio/workflow';
import type { BenchActivities } from './activities';

/** Bench-only workflows that measure the Temporal server's own ceiling; never registered by the desk. */
export const BENCH_TASK_QUEUE = 'echodesk-bench-ceiling';

export const stepUpdate = defineUpdate<number, [string]>('step');

const { touch } = proxyActivities<BenchActivities>({ startToCloseTimeout: '30 seconds' });

/** Starts and completes: the cheapest workflow there is. */
export async function noopWorkflow(): Promise<void> {
  // Nothing to do: the cost measured is the server's start and completion.
}

/** A ticket's shape without its logic: 2 activities at start (assign, record), then `updates` updates each followed by one activity. */
export async function shapedWorkflow(updates: number): Promise<number> {
  let received = 0;
  let recorded = 0;
  setHandler(stepUpdate, async () => {
    received += 1;
    const target = received;
    await condition(() => recorded >= target);
    return target;
  });
  await touch('assign');
  await touch('record');
  while (recorded < updates) {
    await condition(() => received > recorded);
    await touch('record');
    recorded += 1;
  }
  return recorded;
}
