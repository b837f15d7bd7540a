import { query, queryOne, type Queryable } from '../pool';
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

/** The read model's version of a ticket: its last event's sequence number and its status. */
export const ticketVersion = async (
  db: Queryable,
  number: string,
): Promise<{ seq: number; status: string } | null> =>
  (await queryOne<{ seq: number; status: string }>(
    db,
    'SELECT last_seq AS seq, status FROM tickets WHERE number = $1',
    [number],
  )) ?? null;

/** How to reach the ticket's requester. */
export const requesterContact = async (
  db: Queryable,
  number: string,
): Promise<{ name: string; phone?: string; email?: string } | null> =>
  (
    await queryOne<{ requester: { name: string; phone?: string; email?: string } }>(
      db,
      'SELECT requester FROM tickets WHERE number = $1',
      [number],
    )
  )?.requester ?? null;
