import {
  condition,
  defineUpdate,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { TicketSearchAttributes } from '../../workflows/ticket-search-attributes';
import type { BenchActivities } from './activities';

/** Bench-only workflows that measure the Temporal server's own ceiling; never registered by the desk. */
export const BENCH_TASK_QUEUE = 'echodesk-bench-ceiling';

export const stepUpdate = defineUpdate<number, [string]>('step');

const { touch } = proxyActivities<BenchActivities>({ startToCloseTimeout: '30 seconds' });
const { touch: touchLocally } = proxyLocalActivities<BenchActivities>({ startToCloseTimeout: '30 seconds' });

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

/**
 * A ticket's opening without its logic: started with a payload the size of a ticket's input, one
 * workflow task holding a patch marker, a local activity, a search attribute upsert and a timer;
 * then it waits, as an open ticket does. The engine's share of what an echodesk intake costs.
 */
export async function openingShapedWorkflow(payload: unknown): Promise<void> {
  patched('bench-opening');
  await touchLocally(typeof payload);
  upsertSearchAttributes([
    { key: TicketSearchAttributes.status, value: 'assigned' },
    { key: TicketSearchAttributes.assignee, value: 'tech1' },
  ]);
  await condition(() => false, '1 hour');
}
