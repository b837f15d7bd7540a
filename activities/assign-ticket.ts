import type { PoolClient } from 'pg';
import { findStaffRef } from '../db/repositories/staff';
import { chooseAssignee, type Candidate } from '../domain/dispatch';
import type { AssignmentResult } from '../domain/ticket-machine';
import { HELD, sqlList } from '../domain/ticket-status';

export interface AssignTicketInput {
  number: string;
  /** Identifies this dispatch request, so a retried activity returns the decision already made. */
  requestKey: string;
  skill: string;
  zone: string;
  team: string | null;
  exclude: string[];
  atMs: number;
  timezone: string;
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

// Serialises dispatch decisions so two tickets arriving together don't both pick the least-loaded technician.
const DISPATCH_LOCK = 0x0ec0de5c;

/** A dispatch decision, the instant it was applied at, and whether this call made it (false: an earlier call with the same key did). */
export interface Dispatched {
  result: AssignmentResult;
  atMs: number;
  fresh: boolean;
}

/** Picks the holder by the dispatch rules (skill, zone, on duty, fewest open, round-robin), or none for the dispatcher queue. */
export async function chooseAndRecordAssignee(
  client: PoolClient,
  input: AssignTicketInput,
): Promise<AssignmentResult> {
  return (await dispatchOnce(client, input)).result;
}

/** `chooseAndRecordAssignee`, also telling the instant the decision was made for and whether it is new; a repeated request key returns the first answer. */
export async function dispatchOnce(client: PoolClient, input: AssignTicketInput): Promise<Dispatched> {
  const earlier = await client.query<{ username: string | null; reason: string; at_ms: string | null }>(
    'SELECT username, reason, at_ms FROM dispatch_decisions WHERE request_key = $1',
    [input.requestKey],
  );
  const found = earlier.rows[0];
  if (found) {
    const result = await withStaff(client, found.username, found.reason);
    return { result, atMs: found.at_ms == null ? input.atMs : Number(found.at_ms), fresh: false };
  }

  await client.query('SELECT pg_advisory_xact_lock($1)', [DISPATCH_LOCK]);
  const candidates = await loadCandidates(client, input.team);
  const { chosen, reason } = chooseAssignee({
    candidates,
    skill: input.skill,
    zone: input.zone,
    atMs: input.atMs,
    timezone: input.timezone,
    exclude: input.exclude,
  });
  const username = chosen?.username ?? null;
  await client.query(
    'INSERT INTO dispatch_decisions (request_key, ticket_number, username, reason, at_ms) VALUES ($1, $2, $3, $4, $5)',
    [input.requestKey, input.number, username, reason, input.atMs],
  );
  if (username)
    await client.query('UPDATE staff SET last_assigned_at = now() WHERE username = $1', [username]);
  return { result: await withStaff(client, username, reason), atMs: input.atMs, fresh: true };
}

async function withStaff(
  client: PoolClient,
  username: string | null,
  reason: string,
): Promise<AssignmentResult> {
  if (!username) return { assignee: null, reason };
  return { assignee: await findStaffRef(client, username), reason };
}

async function loadCandidates(client: PoolClient, team: string | null): Promise<Candidate[]> {
  const { rows } = await client.query<CandidateRow>(
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
