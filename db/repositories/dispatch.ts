import { query, queryOne, type Queryable } from '../pool';
import type { Candidate } from '../../domain/dispatch';
import { HELD, sqlList } from '../../domain/ticket-status';

/** Dispatch: `dispatch_decisions`, the technicians a ticket can go to, and when each was last handed one. */

// Serialises dispatch decisions so two tickets arriving together don't both pick the least-loaded technician.
const DISPATCH_LOCK = 0x0ec0de5c;

export interface DispatchDecision {
  username: string | null;
  reason: string;
  at_ms: string | null;
}

/** The decision already made for a dispatch request, if any. */
export const findDispatchDecision = (
  db: Queryable,
  requestKey: string,
): Promise<DispatchDecision | undefined> =>
  queryOne<DispatchDecision>(
    db,
    'SELECT username, reason, at_ms FROM dispatch_decisions WHERE request_key = $1',
    [requestKey],
  );

/** Holds the dispatch lock until the transaction ends; run it in a transaction. */
export async function lockDispatch(db: Queryable): Promise<void> {
  await db.query('SELECT pg_advisory_xact_lock($1)', [DISPATCH_LOCK]);
}

export async function insertDispatchDecision(
  db: Queryable,
  decision: { requestKey: string; number: string; username: string | null; reason: string; atMs: number },
): Promise<void> {
  await db.query(
    'INSERT INTO dispatch_decisions (request_key, ticket_number, username, reason, at_ms) VALUES ($1, $2, $3, $4, $5)',
    [decision.requestKey, decision.number, decision.username, decision.reason, decision.atMs],
  );
}

/** Notes that a technician was just handed a ticket, for round-robin among equals. */
export async function markAssigned(db: Queryable, username: string): Promise<void> {
  await db.query('UPDATE staff SET last_assigned_at = now() WHERE username = $1', [username]);
}

interface CandidateRow {
  username: string;
  team_code: string | null;
  skills: string[];
  zones: string[];
  active: boolean;
  shifts: { weekday: number; starts: string; ends: string }[];
  open_tickets: number;
  last_assigned_at: Date | null;
}

/** Active technicians (of `team`, when given) with their shifts and how many tickets they hold. */
export async function listCandidates(db: Queryable, team: string | null): Promise<Candidate[]> {
  const rows = await query<CandidateRow>(
    db,
    `SELECT s.username, s.team_code, s.skills, s.zones, s.active, s.last_assigned_at,
            COALESCE((SELECT json_agg(json_build_object('weekday', sh.weekday, 'starts', to_char(sh.starts, 'HH24:MI'),
                                                        'ends', to_char(sh.ends, 'HH24:MI')))
                        FROM shifts sh WHERE sh.username = s.username), '[]'::json) AS shifts,
            (SELECT count(*)::int FROM tickets t
              WHERE t.assignee_username = s.username AND t.status IN ${sqlList(HELD)}) AS open_tickets
       FROM staff s
      WHERE s.active AND 'technician' = ANY (s.roles) AND ($1::text IS NULL OR s.team_code = $1)`,
    [team],
  );
  return rows.map((row) => ({
    username: row.username,
    teamCode: row.team_code,
    skills: row.skills,
    zones: row.zones,
    shifts: row.shifts,
    openTickets: row.open_tickets,
    lastAssignedAtMs: row.last_assigned_at ? row.last_assigned_at.getTime() : null,
    active: row.active,
  }));
}
