import { query, queryOne, type Queryable } from '../../db/pool';
import type { TicketView } from '../../domain/ticket-types';
import { AWAITING_ACCEPT, NOT_ENDED, sqlList, UNRESOLVED } from '../../domain/ticket-status';

export { listCategories, type CategoryRow } from '../../db/repositories/categories';

export interface OpenTicketRow {
  number: string;
  status: string;
  description: string;
  submittedAt: string;
  view: TicketView;
}

const ISO = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;

/** Open tickets at one place, newest first: what the QR form offers to follow instead of filing again. */
export async function openTicketsAt(db: Queryable, locationCode: string): Promise<OpenTicketRow[]> {
  return query<OpenTicketRow>(
    db,
    `SELECT number, status, description, ${ISO('submitted_at')} AS "submittedAt", view FROM tickets
      WHERE location_code = $1 AND status IN ${sqlList(UNRESOLVED)}
      ORDER BY submitted_at DESC LIMIT 10`,
    [locationCode],
  );
}

export async function addFollower(
  db: Queryable,
  number: string,
  follower: { name: string; phone?: string; email?: string; lang: string },
): Promise<void> {
  await db.query(
    `INSERT INTO ticket_followers (ticket_number, name, phone, email, lang)
     SELECT $1, $2, $3, $4, $5
      WHERE NOT EXISTS (SELECT 1 FROM ticket_followers WHERE ticket_number = $1 AND name = $2
                          AND phone IS NOT DISTINCT FROM $3 AND email IS NOT DISTINCT FROM $4)`,
    [number, follower.name, follower.phone ?? null, follower.email ?? null, follower.lang],
  );
}

export interface MessageRow {
  id: string;
  subject: string;
  body: string;
  channel: string;
  status: string;
  createdAt: string;
}

/** Messages the desk sent to the requester about this ticket (the outbox keeps every one). */
export async function requesterMessages(db: Queryable, number: string): Promise<MessageRow[]> {
  return query<MessageRow>(
    db,
    `SELECT id::text, subject, body, channel, status, ${ISO('created_at')} AS "createdAt"
       FROM notification_outbox WHERE ticket_number = $1 AND recipient_kind = 'requester' ORDER BY id DESC`,
    [number],
  );
}

export async function ticketVersion(
  db: Queryable,
  number: string,
): Promise<{ seq: number; status: string } | null> {
  const row = await queryOne<{ seq: number; status: string }>(
    db,
    'SELECT last_seq AS seq, status FROM tickets WHERE number = $1',
    [number],
  );
  return row ?? null;
}

export async function requesterContact(
  db: Queryable,
  number: string,
): Promise<{ name: string; phone?: string; email?: string } | null> {
  const row = await queryOne<{ requester: { name: string; phone?: string; email?: string } }>(
    db,
    'SELECT requester FROM tickets WHERE number = $1',
    [number],
  );
  return row?.requester ?? null;
}

export interface QueueRow {
  number: string;
  status: string;
  priority: string;
  breached: boolean;
  due: string | null;
  view: TicketView;
}

const DUE = `CASE WHEN status IN ${sqlList(AWAITING_ACCEPT)} THEN respond_deadline ELSE resolve_deadline END`;
const QUEUE_COLUMNS = `number, status, priority, breached, ${ISO(DUE)} AS due, view`;

/** Tickets the staff member holds or owns, due soonest first. */
export async function myQueue(db: Queryable, username: string): Promise<QueueRow[]> {
  return query<QueueRow>(
    db,
    `SELECT ${QUEUE_COLUMNS} FROM tickets
      WHERE (assignee_username = $1 OR owner_username = $1)
        AND status IN ${sqlList(NOT_ENDED)}
      ORDER BY (${DUE}) ASC NULLS LAST, submitted_at LIMIT 200`,
    [username],
  );
}

/** The dispatcher's queue: open tickets nobody holds. */
export async function unassignedQueue(db: Queryable): Promise<QueueRow[]> {
  return query<QueueRow>(
    db,
    `SELECT ${QUEUE_COLUMNS} FROM tickets
      WHERE assignee_username IS NULL AND status IN ${sqlList(UNRESOLVED)}
      ORDER BY (${DUE}) ASC NULLS LAST, submitted_at LIMIT 200`,
  );
}

export { listTechnicians as technicians, listTeams as teams } from '../../db/repositories/staff';

export interface AttentionRow {
  number: string;
  kind: string;
  reason: string;
  since: string;
  /** From the read model when the ticket has a row, else from the mark's summary. */
  status: string;
  category: string | null;
  place: string | null;
}

/** Tickets marked as needing attention (ticket_attention), longest waiting first. */
export async function needsAttention(db: Queryable, limit = 100): Promise<AttentionRow[]> {
  return query<AttentionRow>(
    db,
    `SELECT a.ticket_number AS number, a.kind, a.reason, ${ISO('a.since')} AS since,
            COALESCE(t.status, a.summary->>'status', 'submitted') AS status,
            COALESCE(t.view->'categoryName'->>'zh-CN', a.summary->>'category') AS category,
            COALESCE(concat_ws(' ', t.view->'location'->>'building', t.view->'location'->>'room'),
                     a.summary->>'place') AS place
       FROM ticket_attention a LEFT JOIN tickets t ON t.number = a.ticket_number
      WHERE a.cleared_at IS NULL
      ORDER BY a.since, a.ticket_number LIMIT $1`,
    [limit],
  );
}

export interface DashboardFigures {
  byStatus: { status: string; count: number }[];
  /** Tickets with an open "needs attention" mark. */
  needsAttention: number;
  dueNextHour: number;
  breached: number;
  escalationsToday: number;
  satisfaction: { answers: number; average: number | null; rejected: number };
}

/** The manager's dashboard figures; "today" and "this week" are in the desk's time zone. */
export async function dashboardFigures(db: Queryable, timezone: string): Promise<DashboardFigures> {
  const byStatus = await query<{ status: string; count: number }>(
    db,
    `SELECT status, count(*)::int AS count FROM tickets
      WHERE status IN ${sqlList(NOT_ENDED)} GROUP BY status`,
  );
  const row = await queryOne<{ due: number; breached: number; escalations: number; attention: number }>(
    db,
    `SELECT
       (SELECT count(DISTINCT ticket_number)::int FROM ticket_attention WHERE cleared_at IS NULL) AS attention,
       (SELECT count(*)::int FROM tickets WHERE status IN ${sqlList(UNRESOLVED)}
           AND (${DUE}) BETWEEN now() AND now() + interval '1 hour') AS due,
       (SELECT count(*)::int FROM tickets WHERE breached
           AND status IN ${sqlList(UNRESOLVED)}) AS breached,
       (SELECT count(*)::int FROM ticket_events WHERE type = 'escalated'
           AND at >= (date_trunc('day', now() AT TIME ZONE $1) AT TIME ZONE $1)) AS escalations`,
    [timezone],
  );
  const survey = await queryOne<{ answers: number; average: string | null; rejected: number }>(
    db,
    `SELECT count(*) FILTER (WHERE outcome = 'confirmed')::int AS answers,
            round(avg(rating) FILTER (WHERE outcome = 'confirmed'), 2)::text AS average,
            count(*) FILTER (WHERE outcome = 'rejected')::int AS rejected
       FROM survey_answers
      WHERE answered_at >= (date_trunc('week', now() AT TIME ZONE $1) AT TIME ZONE $1)`,
    [timezone],
  );
  return {
    byStatus,
    needsAttention: row?.attention ?? 0,
    dueNextHour: row?.due ?? 0,
    breached: row?.breached ?? 0,
    escalationsToday: row?.escalations ?? 0,
    satisfaction: {
      answers: survey?.answers ?? 0,
      average: survey?.average == null ? null : Number(survey.average),
      rejected: survey?.rejected ?? 0,
    },
  };
}
