import { query, queryOne, type Queryable } from '../pool';
import { NOT_ENDED, sqlList, UNRESOLVED } from '../../domain/ticket-status';
import { DUE_SQL } from './queues';

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
           AND (${DUE_SQL}) BETWEEN now() AND now() + interval '1 hour') AS due,
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
