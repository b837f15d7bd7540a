import { log } from '@temporalio/activity';
import type { Pool, PoolClient } from 'pg';
import { withTransaction } from '../db/pool';
import type { AssignmentResult } from '../domain/ticket-machine';
import type { NotificationRenderer } from '../lib/notification-renderer';
import { assignTicket, dispatchOnce, type AssignTicketInput } from './assign-ticket';
import { openTicketWith, type OpenTicketInput, type OpenTicketResult } from './open-ticket';
import {
  enqueueNotifications,
  insertEvents,
  insertSurveyAnswers,
  upsertTicketRow,
  type Links,
  type RecordTicketInput,
} from './record-ticket';

export interface ActivityDeps {
  pool: Pool;
  render: NotificationRenderer;
  links: Links;
}

/** Every side effect of a ticket workflow; idempotent, because Temporal retries activities. */
export function createActivities({ pool, render, links }: ActivityDeps) {
  /** The ticket row, a batch of events, survey answers and the messages the events send, on `client`. */
  async function writeRecord(client: PoolClient, input: RecordTicketInput): Promise<void> {
    await upsertTicketRow(client, input);
    await insertEvents(client, input.state.number, input.events);
    await insertSurveyAnswers(client, input.state.number, input.events);
    const messages = await enqueueNotifications(client, input, render, links);
    log.debug('ticket recorded', { number: input.state.number, seq: input.state.seq, messages });
  }

  return {
    /** Writes a batch of events, the ticket row, survey answers and the messages the events send, in one transaction. */
    recordTicket(input: RecordTicketInput): Promise<void> {
      return withTransaction(pool, (client) => writeRecord(client, input));
    },

    assignTicket(input: AssignTicketInput): Promise<AssignmentResult> {
      return withTransaction(pool, (client) => assignTicket(client, input));
    },

    /**
     * The opening (dispatch plus the first write), run as a local activity inside the ticket's first
     * workflow task, in one transaction: a failed write also undoes the dispatch decision, so a retry decides afresh.
     */
    openTicket(input: OpenTicketInput): Promise<OpenTicketResult> {
      return withTransaction(pool, (client) =>
        openTicketWith(
          (dispatch) => dispatchOnce(client, dispatch),
          (record) => writeRecord(client, record),
          input,
        ),
      );
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { AssignTicketInput, OpenTicketInput, OpenTicketResult, RecordTicketInput };
