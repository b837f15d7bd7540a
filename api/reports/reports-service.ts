import type { Pool } from 'pg';
import { z } from 'zod';
import { slaReportRows, type MainRow, type ReportGroup } from '../../db/repositories/reports';
import { resolveRange } from '../../db/repositories/time-range';
import { AppError } from '../http/errors';
import { DateOrInstant } from '../http/query-params';

export const REPORT_GROUPS = ['category', 'unit', 'owner', 'week'] as const satisfies readonly ReportGroup[];
export type { ReportGroup };

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

const rate = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);
const groupId = (row: { key: string | null; total: boolean }): string =>
  row.total ? 'total' : `k:${row.key ?? ''}`;

/**
 * The SLA report of DESIGN.md over tickets submitted in [from, to), grouped by category, the owner's
 * service unit, owner or ISO week (in the desk calendar's time zone), with a total over all groups.
 * Read only from the read model (`tickets`, `ticket_events`, `survey_answers`).
 */
export async function slaReport(pool: Pool, params: SlaReportParams, timezone: string): Promise<SlaReport> {
  const groupBy = params.groupBy ?? 'category';
  const range = await resolveRange(pool, params, timezone);
  if (range.from > range.to)
    throw AppError.badRequest('The report range ends before it starts.', [
      { field: 'to', message: 'must not be before from' },
    ]);
  const { main, escalations, surveys } = await slaReportRows(pool, groupBy, range, timezone);
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
