import { query, type Queryable } from '../pool';
import type { Visibility } from '../../domain/authz';
import type { TicketView } from '../../domain/ticket-types';
import { boundSql } from './time-range';

/** The ticket list (GET /api/tickets): one page of the read model, filtered, newest first. */

/**
 * A row of the list: a summary of the ticket's view (`TicketView`, made by `toView` in domain/ticket-view.ts,
 * the one shape of a ticket), plus the team and unit that hold it. It is read from the read model's
 * columns, which the activities write from the same state, so that a page of 200 tickets is one query.
 */
export type TicketListItem = Pick<
  TicketView,
  | 'id'
  | 'number'
  | 'status'
  | 'priority'
  | 'category'
  | 'location'
  | 'owner'
  | 'assignee'
  | 'breached'
  | 'escalation'
  | 'deadlines'
  | 'submittedAt'
  | 'acceptedAt'
  | 'resolvedAt'
  | 'closedAt'
  | 'cancelledAt'
  | 'rating'
  | 'reopenCount'
> & { team: string | null; unit: string | null };

/** The list's filters, checked and decoded by the API; they combine with AND. */
export interface TicketListFilter {
  statuses?: string[];
  category?: string;
  building?: string;
  owner?: string;
  unit?: string;
  priority?: string;
  breached?: boolean;
  from?: string;
  to?: string;
  /** After this row of the previous page: its submitted_at (microseconds, UTC) and number. */
  after?: [at: string, number: string];
}

const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const ITEM_COLUMNS = `number AS id, number, status, priority, category, view -> 'location' AS location,
  view -> 'owner' AS owner, view -> 'assignee' AS assignee, team_code AS team, owner_unit_code AS unit, breached,
  json_build_object('respond', respond_level, 'resolve', resolve_level) AS escalation,
  coalesce(view -> 'deadlines', '{"respond":null,"resolve":null}') AS deadlines,
  ${iso('submitted_at')} AS "submittedAt", ${iso('accepted_at')} AS "acceptedAt",
  ${iso('resolved_at')} AS "resolvedAt", ${iso('closed_at')} AS "closedAt", ${iso('cancelled_at')} AS "cancelledAt",
  rating::int AS rating, reopen_count AS "reopenCount",
  to_char(submitted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at`;

/** Builds the WHERE clause for the filters and what the viewer may see; values go in as parameters only. */
function whereClause(filter: TicketListFilter, seen: Visibility, timezone: string) {
  const params: unknown[] = [];
  const where: string[] = [];
  const p = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  if (seen.kind === 'team') {
    const user = p(seen.username);
    // The same rule as canSeeTicket (domain/authz.ts): their team's, held or owned, and queued (submitted) ones.
    const queued = seen.queued ? ` OR status = 'submitted'` : '';
    where.push(
      `(team_code = ${p(seen.teamCode)} OR assignee_username = ${user} OR owner_username = ${user}${queued})`,
    );
  } else if (seen.kind === 'requester') {
    where.push(
      `lower(requester ->> 'email') = (SELECT lower(email) FROM staff WHERE username = ${p(seen.username)})`,
    );
  }
  if (filter.statuses) where.push(`status = ANY(${p(filter.statuses)}::text[])`);
  if (filter.category) where.push(`category = ${p(filter.category)}`);
  if (filter.building) where.push(`building = ${p(filter.building)}`);
  if (filter.owner) where.push(`owner_username = ${p(filter.owner)}`);
  if (filter.unit) where.push(`owner_unit_code = ${p(filter.unit)}`);
  if (filter.priority) where.push(`priority = ${p(filter.priority)}`);
  if (filter.breached !== undefined) where.push(filter.breached ? 'breached' : 'NOT breached');
  let tz: string | undefined;
  const zone = () => (tz ??= p(timezone));
  if (filter.from) where.push(`submitted_at >= ${boundSql(p(filter.from), filter.from, 'from', zone)}`);
  if (filter.to) where.push(`submitted_at < ${boundSql(p(filter.to), filter.to, 'to', zone)}`);
  if (filter.after) {
    const [at, number] = filter.after;
    where.push(`(submitted_at, number) < (${p(at)}::timestamptz, ${p(number)})`);
  }
  return { params, sql: where.length > 0 ? `WHERE ${where.join(' AND ')}` : '' };
}

/** Up to `limit` rows, newest first (submitted_at DESC, number DESC), each with its cursor instant. */
export function listTicketRows(
  db: Queryable,
  seen: Visibility,
  filter: TicketListFilter,
  timezone: string,
  limit: number,
): Promise<(TicketListItem & { cursor_at: string })[]> {
  const { params, sql } = whereClause(filter, seen, timezone);
  return query<TicketListItem & { cursor_at: string }>(
    db,
    `SELECT ${ITEM_COLUMNS} FROM tickets ${sql} ORDER BY submitted_at DESC, number DESC LIMIT ${limit}`,
    params,
  );
}
