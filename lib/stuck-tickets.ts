import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { attentionSummary, markAttention } from '../activities/attention';
import { withClient } from '../db/pool';
import { clearScanMarksExcept } from '../db/repositories/attention';
import { unopenedIntakes } from '../db/repositories/intake';
import { openingStep } from '../domain/ticket-machine';
import type { TicketInput } from '../domain/ticket-types';
import { ticketWorkflowId } from '../workflows/ticket-contract';
import { ticketStartInput } from './workflow-history';

export interface StuckScanDeps {
  pool: Pool;
  temporal: Client;
  /** How long a report may go without a read-model row before it is marked `not_opened`. */
  stuckAfterMs: number;
}

export interface StuckScan {
  notOpened: number;
  taskFailing: number;
  cleared: number;
}

/** Most reports looked at per kind and scan: a flood is still shown, a page at a time. */
const SCAN_LIMIT = 200;
/** Session advisory lock: with several API replicas, one scans at a time. */
const WATCH_LOCK = 0x0ec0de57;
/** Visibility query for ticket workflows whose tasks Temporal reports failing again and again. */
export const TASK_PROBLEMS_QUERY =
  "WorkflowType = 'ticketWorkflow' AND ExecutionStatus = 'Running' AND TemporalReportedProblems IS NOT NULL";

/**
 * Finds tickets that cannot make progress and nobody would otherwise notice, and marks them as needing
 * attention (`ticket_attention`); marks whose cause is gone are cleared. Two sources:
 * - reports accepted (`ticket_intake`) longer than `stuckAfterMs` ago that still have no read-model row
 *   (the worker is down, the opening keeps failing, or the workflow never started);
 * - ticket workflows that Temporal flags with `TemporalReportedProblems` (workflow tasks failing repeatedly).
 * Writes that keep failing are marked by the activities themselves (`lagging`), failed steps by the workflow.
 */
export async function scanStuckTickets(deps: StuckScanDeps): Promise<StuckScan> {
  const notOpened = await markNotOpened(deps);
  const taskFailing = await markTaskFailing(deps);
  const cleared = await clearScanMarksExcept(deps.pool, { notOpened, taskFailing });
  return { notOpened: notOpened.length, taskFailing: taskFailing.length, cleared };
}

async function markNotOpened(deps: StuckScanDeps): Promise<string[]> {
  const rows = await unopenedIntakes(deps.pool, deps.stuckAfterMs, SCAN_LIMIT);
  for (const row of rows) {
    const { reason, input } = await openingStatus(deps.temporal, row.number);
    const summary = input ? attentionSummary(openingStep(input).state) : {};
    const minutes = Math.max(1, Math.round(row.waited_s / 60));
    await markAttention(
      deps.pool,
      row.number,
      'not_opened',
      `No record after ${minutes} min: ${reason}`,
      summary,
    );
  }
  return rows.map((row) => row.number);
}

/** Why a report has no record yet, and its submission as the workflow received it (when it started). */
async function openingStatus(
  temporal: Client,
  number: string,
): Promise<{ reason: string; input?: TicketInput }> {
  const handle = temporal.workflow.getHandle(ticketWorkflowId(number));
  try {
    const description = await handle.describe();
    const input = await ticketStartInput(temporal, number);
    const status = description.status.name;
    const reason =
      status === 'RUNNING'
        ? 'its workflow runs but has not recorded the opening (worker down, or the opening keeps failing)'
        : `its workflow ended as ${status} without a record`;
    return { reason, ...(input ? { input } : {}) };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return { reason: 'its workflow was never started' };
    return { reason: `Temporal could not be asked (${err instanceof Error ? err.message : String(err)})` };
  }
}

async function markTaskFailing(deps: StuckScanDeps): Promise<string[]> {
  const found: string[] = [];
  for await (const execution of deps.temporal.workflow.list({ query: TASK_PROBLEMS_QUERY })) {
    const number = execution.workflowId.replace(/^ticket-/, '');
    const problems = execution.searchAttributes.TemporalReportedProblems ?? [];
    const reason = `Temporal reports its workflow tasks failing (${problems.map(String).join(', ')})`;
    await markAttention(deps.pool, number, 'task_failing', reason, {});
    found.push(number);
    if (found.length >= SCAN_LIMIT) break;
  }
  return found;
}

export interface StuckWatch {
  stop(): Promise<void>;
}

/** Scans every `intervalMs` (one replica at a time, by advisory lock); errors are logged and the next scan runs. */
export function startStuckTicketWatch(
  deps: StuckScanDeps & {
    intervalMs?: number;
    log: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
  },
): StuckWatch {
  const intervalMs = deps.intervalMs ?? Math.min(30_000, Math.max(1_000, deps.stuckAfterMs / 4));
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const tick = async () => {
    try {
      await withClient(deps.pool, async (client) => {
        const lock = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [
          WATCH_LOCK,
        ]);
        if (!lock.rows[0]?.ok) return;
        try {
          const scan = await scanStuckTickets(deps);
          if (scan.notOpened + scan.taskFailing + scan.cleared > 0) deps.log.info(scan, 'stuck ticket scan');
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [WATCH_LOCK]);
        }
      });
    } catch (err) {
      deps.log.warn({ err }, 'stuck ticket scan failed');
    }
  };
  const timer = setInterval(() => {
    if (!stopped) running = running.then(tick);
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
