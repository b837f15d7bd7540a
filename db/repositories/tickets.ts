import { query, queryOne, type Queryable } from '../pool';
import type { AttentionKind } from '../../domain/attention';
import type { TicketEvent, TicketState, TicketView } from '../../domain/ticket-types';

/** The read model's tickets, as the API and the pages read them (the activities write them). */

/** An ISO instant in UTC with milliseconds, as JSON carries it. */
const isoUtc = (column: string): string =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** A ticket's state and view as last written by its workflow. */
export const findTicket = async (
  db: Queryable,
  number: string,
): Promise<{ state: TicketState; view: TicketView } | null> =>
  (await queryOne<{ state: TicketState; view: TicketView }>(
    db,
    'SELECT state, view FROM tickets WHERE number = $1',
    [number],
  )) ?? null;

/** A ticket's events in order. */
export const ticketEvents = (db: Queryable, number: string): Promise<TicketEvent[]> =>
  query<TicketEvent>(
    db,
    `SELECT seq, type, ${isoUtc('at')} AS at, actor, data FROM ticket_events WHERE ticket_number = $1 ORDER BY seq`,
    [number],
  );

export interface AttentionMark {
  kind: AttentionKind;
  reason: string;
  since: string;
}

/** The ticket's open "needs attention" marks (ticket_attention), oldest first. */
export const openAttentionMarks = (db: Queryable, number: string): Promise<AttentionMark[]> =>
  query<AttentionMark>(
    db,
    `SELECT kind, reason, ${isoUtc('since')} AS since
       FROM ticket_attention WHERE ticket_number = $1 AND cleared_at IS NULL ORDER BY since`,
    [number],
  );
