import type { Pool } from 'pg';
import { z } from 'zod';
import {
  listTicketRows,
  type TicketListFilter,
  type TicketListItem,
} from '../../db/repositories/ticket-list';
import { visibility, type Viewer } from '../../domain/authz';
import { TICKET_STATUSES } from '../../domain/ticket-types';
import { AppError } from '../http/errors';
import { DateOrInstant } from '../http/query-params';
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

export type { TicketListItem };

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

/** One page of tickets from the read model, newest first (submitted_at DESC, number DESC), keyset-paginated. */
export async function listTickets(
  pool: Pool,
  viewer: Viewer,
  filters: TicketListFilters,
  timezone: string,
): Promise<TicketPage> {
  const limit = Number(filters.limit ?? 50);
  const filter: TicketListFilter = {
    ...(filters.status ? { statuses: filters.status.split(',') } : {}),
    category: filters.category,
    building: filters.building,
    owner: filters.owner,
    unit: filters.unit,
    priority: filters.priority,
    ...(filters.breached ? { breached: filters.breached === 'true' } : {}),
    from: filters.from,
    to: filters.to,
    ...(filters.page ? { after: decodeCursor(filters.page) } : {}),
  };
  const rows = await listTicketRows(pool, visibility(viewer), filter, timezone, limit + 1);
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(({ cursor_at: _cursor, ...item }) => item),
    nextPage: more && last ? encodeCursor(last.cursor_at, last.number) : null,
  };
}
