import { log } from '@temporalio/activity';
import type { Pool } from 'pg';
import { withTransaction } from '../db/pool';
import type { AssignmentResult } from '../domain/ticket-machine';
import type { NotificationRenderer } from '../lib/notification-renderer';
import { assignTicket, type AssignTicketInput } from './assign-ticket';
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
  /** Writes a batch of events, the ticket row, survey answers and the messages the events send, in one transaction. */
  async function recordTicket(input: RecordTicketInput): Promise<void> {
    const messages = await withTransaction(pool, async (client) => {
      await upsertTicketRow(client, input);
      await insertEvents(client, input.state.number, input.events);
      await insertSurveyAnswers(client, input.state.number, input.events);
      return enqueueNotifications(client, input, render, links);
    });
    log.debug('ticket recorded', { number: input.state.number, seq: input.state.seq, messages });
  }

  async function assign(input: AssignTicketInput): Promise<AssignmentResult> {
    return withTransaction(pool, (client) => assignTicket(client, input));
  }

  return {
    recordTicket,
    assignTicket: assign,
    /** The opening (dispatch plus the first write), run as a local activity inside the ticket's first workflow task. */
    openTicket(input: OpenTicketInput): Promise<OpenTicketResult> {
      return openTicketWith(assign, recordTicket, input);
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { AssignTicketInput, OpenTicketInput, OpenTicketResult, RecordTicketInput };
