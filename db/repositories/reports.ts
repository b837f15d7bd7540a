import { query, type Queryable } from '../pool';
import { NOT_ENDED, sqlList } from '../../domain/ticket-status';

/** The SLA report's figures, counted by PostgreSQL from the read model (`tickets`, `ticket_events`, `survey_answers`). */

export type ReportGroup = 'category' | 'unit' | 'owner' | 'week';

const KEY_SQL: Record<ReportGroup, string> = {
  category: 'category',
  unit: 'owner_unit_code',
  owner: 'owner_username',
  week: `to_char(submitted_at AT TIME ZONE $3, 'IYYY-"W"IW')`,
};

/** Not yet ended: unresolved, or resolved and waiting for the requester. */
const NOT_ENDED_SQL = sqlList(NOT_ENDED);

export interface MainRow {
  key: string | null;
  total: boolean;
  tickets: number;
  open: number;
  closed: number;
  cancelled: number;
  respond_measured: number;
  respond_on_time: number;
  resolve_measured: number;
  resolve_on_time: number;
  accept_p50: number | null;
  accept_p90: number | null;
  resolve_p50: number | null;
  resolve_p90: number | null;
  ever_resolved: number;
  reopened: number;
}

export interface EscalationRow {
  key: string | null;
  total: boolean;
  clock: string;
  level: number;
  n: number;
}

export interface SurveyRow {
  key: string | null;
  total: boolean;
  surveys: number;
  responses: number;
  ratings: number;
  average: number | null;
  r1: number;
  r2: number;
  r3: number;
  r4: number;
  r5: number;
}

/**
 * The figures of tickets submitted in [from, to), by group and (`total`) over all groups, from one
 * statement each: tickets and clocks, escalations by clock and level, survey rounds.
 */
export async function slaReportRows(
  db: Queryable,
  groupBy: ReportGroup,
  range: { from: Date; to: Date },
  timezone: string,
): Promise<{ main: MainRow[]; escalations: EscalationRow[]; surveys: SurveyRow[] }> {
  const args = groupBy === 'week' ? [range.from, range.to, timezone] : [range.from, range.to];
  const scope = `WITH t AS (
      SELECT *, ${KEY_SQL[groupBy]} AS key FROM tickets
       WHERE submitted_at >= $1 AND submitted_at < $2)`;
  const [main, escalations, surveys] = await Promise.all([
    query<MainRow>(
      db,
      `${scope}
       SELECT key, GROUPING(key) = 1 AS total, count(*)::int AS tickets,
         count(*) FILTER (WHERE status IN ${NOT_ENDED_SQL})::int AS open,
         count(*) FILTER (WHERE status = 'closed')::int AS closed,
         count(*) FILTER (WHERE status = 'cancelled')::int AS cancelled,
         count(*) FILTER (WHERE accepted_at IS NOT NULL OR respond_breached)::int AS respond_measured,
         count(*) FILTER (WHERE accepted_at IS NOT NULL AND NOT respond_breached)::int AS respond_on_time,
         count(*) FILTER (WHERE resolved_at IS NOT NULL OR resolve_breached)::int AS resolve_measured,
         count(*) FILTER (WHERE resolved_at IS NOT NULL AND NOT resolve_breached)::int AS resolve_on_time,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM accepted_at - submitted_at))::float8 AS accept_p50,
         percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM accepted_at - submitted_at))::float8 AS accept_p90,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM resolved_at - submitted_at))::float8 AS resolve_p50,
         percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM resolved_at - submitted_at))::float8 AS resolve_p90,
         count(*) FILTER (WHERE resolved_at IS NOT NULL OR reopen_count > 0)::int AS ever_resolved,
         count(*) FILTER (WHERE reopen_count > 0)::int AS reopened
       FROM t GROUP BY GROUPING SETS ((key), ()) ORDER BY GROUPING(key), key NULLS LAST`,
      args,
    ),
    query<EscalationRow>(
      db,
      `${scope}, e AS (
         SELECT t.key, ev.data ->> 'clock' AS clock, (ev.data ->> 'level')::int AS level
           FROM t JOIN ticket_events ev ON ev.ticket_number = t.number AND ev.type = 'escalated')
       SELECT key, GROUPING(key) = 1 AS total, clock, level, count(*)::int AS n
         FROM e GROUP BY GROUPING SETS ((key, clock, level), (clock, level))`,
      args,
    ),
    query<SurveyRow>(
      db,
      `${scope}
       SELECT t.key, GROUPING(t.key) = 1 AS total, count(*)::int AS surveys,
         count(*) FILTER (WHERE s.outcome IN ('confirmed', 'rejected'))::int AS responses,
         count(s.rating)::int AS ratings, avg(s.rating)::float8 AS average,
         ${[1, 2, 3, 4, 5].map((r) => `count(*) FILTER (WHERE s.rating = ${r})::int AS r${r}`).join(', ')}
       FROM t JOIN survey_answers s ON s.ticket_number = t.number
       GROUP BY GROUPING SETS ((t.key), ())`,
      args,
    ),
  ]);
  return { main, escalations, surveys };
}
