import { log } from '@temporalio/activity';
import type { Pool, PoolClient } from 'pg';
import { withTransaction } from '../db/pool';
import { sanitizeDeep } from '../domain/text';
import type { AssignmentResult } from '../domain/ticket-machine';
import type { NotificationRenderer } from '../lib/notification-renderer';
import { chooseAndRecordAssignee, dispatchOnce, type AssignTicketInput } from './assign-ticket';
import { clearWriteMarks, flagTicket, guarded, type FlagTicketInput } from './attention';
import { openTicketWith, type OpenTicketInput, type OpenTicketResult } from './open-ticket';
import { writeTicketRecord, type Links, type RecordTicketInput } from './record-ticket';

export interface ActivityDeps {
  pool: Pool;
  render: NotificationRenderer;
  links: Links;
  /** How long a step may keep failing before its ticket is marked as lagging; default 3 minutes. */
  stuckAfterMs?: number;
}

export const DEFAULT_STUCK_AFTER_MS = 3 * 60_000;

/** Every side effect of a ticket workflow; idempotent, because Temporal retries activities. */
export function createActivities({
  pool,
  render,
  links,
  stuckAfterMs = DEFAULT_STUCK_AFTER_MS,
}: ActivityDeps) {
  /**
   * The ticket row, a batch of events, survey answers and the messages the events send, on `client`.
   * Text is sanitized here too (the edge refuses it), so a ticket started with text PostgreSQL refuses heals.
   */
  async function writeRecord(client: PoolClient, raw: RecordTicketInput): Promise<void> {
    const input = sanitizeDeep(raw);
    const messages = await writeTicketRecord(client, input, render, links);
    await clearWriteMarks(client, input.state.number);
    log.debug('ticket recorded', { number: input.state.number, seq: input.state.seq, messages });
  }

  const guard = <T>(number: string, attempt: () => Promise<T>) =>
    guarded(pool, stuckAfterMs, number, attempt);

  return {
    /** Writes a batch of events, the ticket row, survey answers and the messages the events send, in one transaction. */
    recordTicket(input: RecordTicketInput): Promise<void> {
      return guard(input.state.number, () => withTransaction(pool, (client) => writeRecord(client, input)));
    },

    assignTicket(input: AssignTicketInput): Promise<AssignmentResult> {
      return guard(input.number, () =>
        withTransaction(pool, (client) => chooseAndRecordAssignee(client, input)),
      );
    },

    /**
     * The opening (dispatch plus the first write), run as a local activity inside the ticket's first
     * workflow task, in one transaction: a failed write also undoes the dispatch decision, so a retry decides afresh.
     */
    openTicket(input: OpenTicketInput): Promise<OpenTicketResult> {
      return guard(input.dispatch.number, () =>
        withTransaction(pool, (client) =>
          openTicketWith(
            (dispatch) => dispatchOnce(client, dispatch),
            (record) => writeRecord(client, record),
            input,
          ),
        ),
      );
    },

    /** Marks the ticket as needing attention: one of its steps failed for good (the workflow retries it later). */
    flagTicket(input: FlagTicketInput): Promise<void> {
      return flagTicket(pool, input);
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { AssignTicketInput, FlagTicketInput, OpenTicketInput, OpenTicketResult, RecordTicketInput };
