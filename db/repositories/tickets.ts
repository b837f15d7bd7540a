import { query, queryOne, type Queryable } from '../pool';
import type { TicketEvent, TicketState, TicketView } from '../../domain/ticket-types';

/**
 * The read model's tickets (`tickets`, `ticket_events`, `survey_answers`): written by the activities, read by
 * the API and the pages.
 */

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

/** A ticket as its workflow last recorded it. */
export interface TicketSnapshot {
  state: TicketState;
  view: TicketView;
  /** Deadlines of the clocks still running (null once a clock has stopped), for queues sorted by what is due. */
  live: { respond: number | null; resolve: number | null };
}

const iso = (ms: number | null): string | null => (ms == null ? null : new Date(ms).toISOString());

/** Upserts the ticket row; an older snapshot (a retry that lost a race) never overwrites a newer one. */
export async function upsertTicketRow(db: Queryable, snapshot: TicketSnapshot): Promise<void> {
  const { state, view, live } = snapshot;
  await db.query(
    `INSERT INTO tickets (number, status, priority, category, location_code, building, description, requester,
       assignee_username, owner_username, team_code, owner_unit_code, respond_deadline, resolve_deadline,
       respond_level, resolve_level, breached, submitted_at, accepted_at, resolved_at, closed_at, cancelled_at,
       rating, reopen_count, last_seq, state, view, updated_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26,$27, now())
     ON CONFLICT (number) DO UPDATE SET
       status = EXCLUDED.status, priority = EXCLUDED.priority, assignee_username = EXCLUDED.assignee_username,
       owner_username = EXCLUDED.owner_username, team_code = EXCLUDED.team_code, owner_unit_code = EXCLUDED.owner_unit_code,
       respond_deadline = EXCLUDED.respond_deadline, resolve_deadline = EXCLUDED.resolve_deadline,
       respond_level = EXCLUDED.respond_level, resolve_level = EXCLUDED.resolve_level, breached = EXCLUDED.breached,
       accepted_at = EXCLUDED.accepted_at, resolved_at = EXCLUDED.resolved_at, closed_at = EXCLUDED.closed_at,
       cancelled_at = EXCLUDED.cancelled_at, rating = EXCLUDED.rating, reopen_count = EXCLUDED.reopen_count,
       last_seq = EXCLUDED.last_seq, state = EXCLUDED.state, view = EXCLUDED.view, updated_at = now()
     WHERE tickets.last_seq <= EXCLUDED.last_seq`,
    [
      state.number,
      state.status,
      state.priority,
      state.category.code,
      state.location.code,
      state.location.building,
      state.description,
      JSON.stringify(state.requester),
      state.assignee?.username ?? null,
      state.owner?.username ?? null,
      state.assignee?.teamCode ?? state.owner?.teamCode ?? state.team,
      state.owner?.unitCode ?? null,
      iso(live.respond),
      iso(live.resolve),
      state.escalation.respond,
      state.escalation.resolve,
      view.breached,
      iso(state.submittedAtMs),
      iso(state.acceptedAtMs),
      iso(state.resolvedAtMs),
      iso(state.closedAtMs),
      iso(state.cancelledAtMs),
      state.survey.rating,
      state.reopenCount,
      state.seq,
      JSON.stringify(state),
      JSON.stringify(view),
    ],
  );
}

/** Inserts events by (ticket, seq); a retried activity inserts nothing twice. */
export async function insertEvents(db: Queryable, number: string, events: TicketEvent[]): Promise<void> {
  await db.query(
    `INSERT INTO ticket_events (ticket_number, seq, type, at, actor, data)
     SELECT $1, e.seq, e.type, e.at, e.actor, e.data
       FROM unnest($2::int[], $3::text[], $4::timestamptz[], $5::jsonb[], $6::jsonb[]) AS e(seq, type, at, actor, data)
     ON CONFLICT (ticket_number, seq) DO NOTHING`,
    [
      number,
      events.map((e) => e.seq),
      events.map((e) => e.type),
      events.map((e) => e.at),
      events.map((e) => (e.actor ? JSON.stringify(e.actor) : null)),
      events.map((e) => JSON.stringify(e.data)),
    ],
  );
}

/** One survey outcome per resolution round; a retry inserts nothing twice. */
export async function insertSurveyAnswer(
  db: Queryable,
  number: string,
  answer: {
    round: number;
    outcome: 'confirmed' | 'rejected' | 'expired';
    rating: number | null;
    comment: string | null;
    answeredAt: string;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO survey_answers (ticket_number, round, outcome, rating, comment, answered_at)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (ticket_number, round) DO NOTHING`,
    [number, answer.round, answer.outcome, answer.rating, answer.comment, answer.answeredAt],
  );
}
