import type { Pool } from 'pg';
import { z } from 'zod';
import { query } from '../../db/pool';
import { visibility, type Viewer } from '../../domain/authz';
import { TICKET_STATUSES, type PublicStaff, type TicketStatus } from '../../domain/ticket-types';
import { AppError } from '../http/errors';
import { boundSql, DateOrInstant } from '../http/query-params';
import { text } from '../http/text-schemas';
import { TicketNumber } from './schemas';

const STATUSES = TICKET_STATUSES;
const code = (what: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,40}$/, `is not a ${what}`)
    .optional();

/** Query string of GET /api/tickets; every filter is optional and they combine with AND. */
export const TicketListQuery = z.strictObject({
  status: z
    .string()
    .regex(new RegExp(`^(${STATUSES.join('|')})(,(${STATUSES.join('|')}))*$`), 'is not a status list')
    .optional()
    .meta({ description: 'One status or several, comma-separated', examples: ['in_progress,paused'] }),
  category: code('category code'),
  building: text(100)
    .optional()
    .meta({ examples: ['信息楼'] }),
  owner: code('username').meta({ description: "The owner's username", examples: ['tech2'] }),
  unit: code('service unit code').meta({ description: "The owner's service unit", examples: ['xinlu'] }),
  priority: z
    .string()
    .regex(/^P[1-9]$/, 'is not a priority like P2')
    .optional(),
  breached: z.enum(['true', 'false']).optional().meta({ description: 'Missed a deadline' }),
  from: DateOrInstant.optional().meta({ description: 'Submitted at or after' }),
  to: DateOrInstant.optional().meta({ description: 'Submitted before (a bare date includes that day)' }),
  page: z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9_-]+$/, 'is not a cursor from nextPage')
    .optional()
    .meta({
      description:
        'Opaque cursor: the `nextPage` of the previous page, passed back unchanged with the same filters. At most 200 characters of the base64url alphabet (A–Z, a–z, 0–9, `-`, `_`, no padding); its content is not part of the contract. A cursor this list did not give out answers 400 naming `page`.',
    }),
  limit: z
    .string()
    .regex(/^([1-9]|[1-9]\d|1\d\d|200)$/, 'must be a whole number from 1 to 200')
    .optional()
    .meta({ description: 'Page size, default 50, at most 200' }),
});
export type TicketListFilters = z.infer<typeof TicketListQuery>;

export interface TicketListItem {
  id: string;
  number: string;
  status: TicketStatus;
  priority: string;
  category: string;
  location: { code: string; campus: string; building: string; floor: string | null; room: string | null };
  owner: PublicStaff | null;
  assignee: PublicStaff | null;
  team: string | null;
  unit: string | null;
  breached: boolean;
  escalation: { respond: number; resolve: number };
  deadlines: { respond: string | null; resolve: string | null };
  submittedAt: string;
  acceptedAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  cancelledAt: string | null;
  rating: number | null;
  reopenCount: number;
}

export interface TicketPage {
  items: TicketListItem[];
  nextPage: string | null;
}

/** The instant a cursor carries: microseconds, UTC, and a real one (no 13th month, no year 0) PostgreSQL can read. */
const CursorInstant = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/)
  .refine((at) => {
    const ms = Date.parse(at);
    return (
      Number.isFinite(ms) &&
      at.slice(0, 4) !== '0000' &&
      new Date(ms).toISOString().slice(0, 23) === at.slice(0, 23)
    );
  });
const Cursor = z.tuple([CursorInstant, TicketNumber]);

export const encodeCursor = (at: string, number: string): string =>
  Buffer.from(JSON.stringify([at, number])).toString('base64url');

function decodeCursor(page: string): [string, string] {
  try {
    return Cursor.parse(JSON.parse(Buffer.from(page, 'base64url').toString('utf8')));
  } catch {
    throw AppError.badRequest('The page cursor is not one this list gave out.', [
      { field: 'page', message: 'is not a cursor from nextPage' },
    ]);
  }
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

/** Builds the WHERE clause for the filters and the viewer's visibility; values go in as parameters only. */
function whereClause(filters: TicketListFilters, viewer: Viewer, timezone: string) {
  const params: unknown[] = [];
  const where: string[] = [];
  const p = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  const seen = visibility(viewer);
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
  if (filters.status) where.push(`status = ANY(${p(filters.status.split(','))}::text[])`);
  if (filters.category) where.push(`category = ${p(filters.category)}`);
  if (filters.building) where.push(`building = ${p(filters.building)}`);
  if (filters.owner) where.push(`owner_username = ${p(filters.owner)}`);
  if (filters.unit) where.push(`owner_unit_code = ${p(filters.unit)}`);
  if (filters.priority) where.push(`priority = ${p(filters.priority)}`);
  if (filters.breached) where.push(filters.breached === 'true' ? 'breached' : 'NOT breached');
  let tz: string | undefined;
  const zone = () => (tz ??= p(timezone));
  if (filters.from) where.push(`submitted_at >= ${boundSql(p(filters.from), filters.from, 'from', zone)}`);
  if (filters.to) where.push(`submitted_at < ${boundSql(p(filters.to), filters.to, 'to', zone)}`);
  if (filters.page) {
    const [at, number] = decodeCursor(filters.page);
    where.push(`(submitted_at, number) < (${p(at)}::timestamptz, ${p(number)})`);
  }
  return { params, sql: where.length > 0 ? `WHERE ${where.join(' AND ')}` : '' };
}

/** One page of tickets from the read model, newest first (submitted_at DESC, number DESC), keyset-paginated. */
export async function listTickets(
  pool: Pool,
  viewer: Viewer,
  filters: TicketListFilters,
  timezone: string,
): Promise<TicketPage> {
  const limit = Number(filters.limit ?? 50);
  const { params, sql } = whereClause(filters, viewer, timezone);
  const rows = await query<TicketListItem & { cursor_at: string }>(
    pool,
    `SELECT ${ITEM_COLUMNS} FROM tickets ${sql} ORDER BY submitted_at DESC, number DESC LIMIT ${limit + 1}`,
    params,
  );
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(({ cursor_at: _cursor, ...item }) => item),
    nextPage: more && last ? encodeCursor(last.cursor_at, last.number) : null,
  };
}
