import { query, type Queryable } from '../pool';
import type { TicketView } from '../../domain/ticket-types';
import { AWAITING_ACCEPT, NOT_ENDED, sqlList, UNRESOLVED } from '../../domain/ticket-status';

/** Lists of tickets people work from: the staff queues and the open tickets at a place. */

const ISO = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;

/** The deadline a ticket is working towards: accepting it, then resolving it. */
export const DUE_SQL = `CASE WHEN status IN ${sqlList(AWAITING_ACCEPT)} THEN respond_deadline ELSE resolve_deadline END`;

export interface OpenTicketRow {
  number: string;
  status: string;
  description: string;
  submittedAt: string;
  view: TicketView;
}

/** Open tickets at one place, newest first: what the QR form offers to follow instead of filing again. */
export const openTicketsAt = (db: Queryable, locationCode: string): Promise<OpenTicketRow[]> =>
  query<OpenTicketRow>(
    db,
    `SELECT number, status, description, ${ISO('submitted_at')} AS "submittedAt", view FROM tickets
      WHERE location_code = $1 AND status IN ${sqlList(UNRESOLVED)}
      ORDER BY submitted_at DESC LIMIT 10`,
    [locationCode],
  );

export interface QueueRow {
  number: string;
  status: string;
  priority: string;
  breached: boolean;
  due: string | null;
  view: TicketView;
}

const QUEUE_COLUMNS = `number, status, priority, breached, ${ISO(DUE_SQL)} AS due, view`;

/** Tickets the staff member holds or owns, due soonest first. */
export const myQueue = (db: Queryable, username: string): Promise<QueueRow[]> =>
  query<QueueRow>(
    db,
    `SELECT ${QUEUE_COLUMNS} FROM tickets
      WHERE (assignee_username = $1 OR owner_username = $1)
        AND status IN ${sqlList(NOT_ENDED)}
      ORDER BY (${DUE_SQL}) ASC NULLS LAST, submitted_at LIMIT 200`,
    [username],
  );

/** The dispatcher's queue: open tickets nobody holds. */
export const unassignedQueue = (db: Queryable): Promise<QueueRow[]> =>
  query<QueueRow>(
    db,
    `SELECT ${QUEUE_COLUMNS} FROM tickets
      WHERE assignee_username IS NULL AND status IN ${sqlList(UNRESOLVED)}
      ORDER BY (${DUE_SQL}) ASC NULLS LAST, submitted_at LIMIT 200`,
  );
