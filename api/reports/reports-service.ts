import type { Pool } from 'pg';
import { z } from 'zod';
import { query, queryOne } from '../../db/pool';
import { AppError } from '../http/errors';
import { boundSql, DateOrInstant } from '../http/query-params';
import { NOT_ENDED, sqlList } from '../../domain/ticket-status';

export const REPORT_GROUPS = ['category', 'unit', 'owner', 'week'] as const;
export type ReportGroup = (typeof REPORT_GROUPS)[number];

/** Query string of GET /api/reports/sla. */
export const SlaReportQuery = z.strictObject({
  from: DateOrInstant.optional().meta({ description: 'Tickets submitted at or after; default 30 days ago' }),
  to: DateOrInstant.optional().meta({
    description: 'Tickets submitted before (a bare date includes that day); default now',
  }),
  groupBy: z.enum(REPORT_GROUPS).optional().meta({ description: 'Default category' }),
});
export type SlaReportParams = z.infer<typeof SlaReportQuery>;

/** Seconds; null when no ticket in the group reached that point. */
export interface Percentiles {
  p50: number | null;
  p90: number | null;
}

export interface OnTime {
  /** Tickets whose clock has an outcome: answered in time, or missed its deadline. */
  measured: number;
  onTime: number;
  onTimeRate: number | null;
}

export interface SlaFigures {
  tickets: number;
  open: number;
  closed: number;
  cancelled: number;
  respond: OnTime;
  resolve: OnTime;
  timeToAccept: Percentiles;
  timeToResolve: Percentiles;
  /** Escalation events by clock and level ("1", "2", …). */
  escalations: { respond: Record<string, number>; resolve: Record<string, number> };
  reopen: { resolved: number; reopened: number; rate: number | null };
  satisfaction: {
    /** Survey rounds that ended: answered (confirmed or rejected) or expired. */
    surveys: number;
    responses: number;
    responseRate: number | null;
    ratings: number;
    average: number | null;
    distribution: Record<'1' | '2' | '3' | '4' | '5', number>;
  };
}

export interface SlaReport {
  from: string;
  to: string;
  timezone: string;
  groupBy: ReportGroup;
  groups: (SlaFigures & { key: string | null })[];
  total: SlaFigures;
}

const KEY_SQL: Record<ReportGroup, string> = {
  category: 'category',
  unit: 'owner_unit_code',
  owner: 'owner_username',
  week: `to_char(submitted_at AT TIME ZONE $3, 'IYYY-"W"IW')`,
};

/** Not yet ended: unresolved, or resolved and waiting for the requester. */
const NOT_ENDED_SQL = sqlList(NOT_ENDED);

interface MainRow {
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

interface EscalationRow {
  key: string | null;
  total: boolean;
  clock: string;
  level: number;
  n: number;
}

interface SurveyRow {
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

const rate = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);
const groupId = (row: { key: string | null; total: boolean }): string =>
  row.total ? 'total' : `k:${row.key ?? ''}`;

async function resolveRange(pool: Pool, params: SlaReportParams, timezone: string) {
  const values: unknown[] = [timezone];
  const p = (value: unknown): string => {
    values.push(value);
    return `$${values.length}`;
  };
  const from = params.from
    ? boundSql(p(params.from), params.from, 'from', () => '$1')
    : "now() - interval '30 days'";
  const to = params.to ? boundSql(p(params.to), params.to, 'to', () => '$1') : 'now()';
  const row = await queryOne<{ from: Date; to: Date }>(
    pool,
    `SELECT ${from} AS "from", ${to} AS "to", $1::text AS timezone`,
    values,
  );
  if (!row) throw new Error('range query returned no row');
  if (row.from > row.to)
    throw AppError.badRequest('The report range ends before it starts.', [
      { field: 'to', message: 'must not be before from' },
    ]);
  return row;
}

/**
 * The SLA report of DESIGN.md over tickets submitted in [from, to), grouped by category, the owner's
 * service unit, owner or ISO week (in the desk calendar's time zone), with a total over all groups.
 * Read only from the read model (`tickets`, `ticket_events`, `survey_answers`).
 */
export async function slaReport(pool: Pool, params: SlaReportParams, timezone: string): Promise<SlaReport> {
  const groupBy = params.groupBy ?? 'category';
  const range = await resolveRange(pool, params, timezone);
  const args = groupBy === 'week' ? [range.from, range.to, timezone] : [range.from, range.to];
  const scope = `WITH t AS (
      SELECT *, ${KEY_SQL[groupBy]} AS key FROM tickets
       WHERE submitted_at >= $1 AND submitted_at < $2)`;
  const [main, escalations, surveys] = await Promise.all([
    query<MainRow>(
      pool,
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
      pool,
      `${scope}, e AS (
         SELECT t.key, ev.data ->> 'clock' AS clock, (ev.data ->> 'level')::int AS level
           FROM t JOIN ticket_events ev ON ev.ticket_number = t.number AND ev.type = 'escalated')
       SELECT key, GROUPING(key) = 1 AS total, clock, level, count(*)::int AS n
         FROM e GROUP BY GROUPING SETS ((key, clock, level), (clock, level))`,
      args,
    ),
    query<SurveyRow>(
      pool,
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
  const figures = (row: MainRow): SlaFigures => {
    const id = groupId(row);
    const esc = { respond: {} as Record<string, number>, resolve: {} as Record<string, number> };
    for (const e of escalations.filter((x) => groupId(x) === id)) {
      if (e.clock === 'respond' || e.clock === 'resolve') esc[e.clock][String(e.level)] = e.n;
    }
    const s = surveys.find((x) => groupId(x) === id);
    return {
      tickets: row.tickets,
      open: row.open,
      closed: row.closed,
      cancelled: row.cancelled,
      respond: {
        measured: row.respond_measured,
        onTime: row.respond_on_time,
        onTimeRate: rate(row.respond_on_time, row.respond_measured),
      },
      resolve: {
        measured: row.resolve_measured,
        onTime: row.resolve_on_time,
        onTimeRate: rate(row.resolve_on_time, row.resolve_measured),
      },
      timeToAccept: { p50: row.accept_p50, p90: row.accept_p90 },
      timeToResolve: { p50: row.resolve_p50, p90: row.resolve_p90 },
      escalations: esc,
      reopen: {
        resolved: row.ever_resolved,
        reopened: row.reopened,
        rate: rate(row.reopened, row.ever_resolved),
      },
      satisfaction: {
        surveys: s?.surveys ?? 0,
        responses: s?.responses ?? 0,
        responseRate: rate(s?.responses ?? 0, s?.surveys ?? 0),
        ratings: s?.ratings ?? 0,
        average: s?.average ?? null,
        distribution: { '1': s?.r1 ?? 0, '2': s?.r2 ?? 0, '3': s?.r3 ?? 0, '4': s?.r4 ?? 0, '5': s?.r5 ?? 0 },
      },
    };
  };
  const totalRow = main.find((row) => row.total);
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    timezone,
    groupBy,
    groups: main.filter((row) => !row.total).map((row) => ({ key: row.key, ...figures(row) })),
    total: totalRow ? figures(totalRow) : figures(emptyRow()),
  };
}

function emptyRow(): MainRow {
  return {
    key: null,
    total: true,
    tickets: 0,
    open: 0,
    closed: 0,
    cancelled: 0,
    respond_measured: 0,
    respond_on_time: 0,
    resolve_measured: 0,
    resolve_on_time: 0,
    accept_p50: null,
    accept_p90: null,
    resolve_p50: null,
    resolve_p90: null,
    ever_resolved: 0,
    reopened: 0,
  };
}
