import type { StaffActor } from '../../domain/ticket-types';
import type { Translate } from '../../lib/i18n';
import { listTickets, type TicketListFilters } from '../tickets/tickets-query';
import type { PageDeps } from './context';

/** Most rows one export streams: a campus year is far below it; past it, narrow the filters. */
export const EXPORT_ROW_LIMIT = 100_000;

const PAGE = '200';

export const TICKET_EXPORT_HEADER = [
  'number',
  'status',
  'priority',
  'category',
  'building',
  'room',
  'location_code',
  'submitted_at',
  'owner',
  'owner_badge',
  'owner_unit',
  'assignee',
  'respond_deadline',
  'resolve_deadline',
  'breached',
  'respond_level',
  'resolve_level',
  'rating',
  'reopened',
] as const;

/**
 * The filtered ticket list as CSV rows, page after page of the same keyset query as `GET /api/tickets`
 * (so a staff member exports exactly what they may list), in the reader's language.
 */
export async function* ticketExportRows(
  deps: PageDeps,
  staff: StaffActor,
  filters: TicketListFilters,
  t: Translate,
  categoryName: (code: string) => string,
): AsyncGenerator<unknown[]> {
  let page: string | undefined;
  let sent = 0;
  do {
    const result = await listTickets(
      deps.pool,
      staff,
      { ...filters, limit: PAGE, ...(page ? { page } : {}) },
      deps.policy.calendar.timezone,
    );
    for (const item of result.items) {
      if (sent >= EXPORT_ROW_LIMIT) return;
      sent += 1;
      yield [
        item.number,
        t(`status.${item.status}`),
        item.priority,
        categoryName(item.category),
        item.location.building,
        item.location.room ?? '',
        item.location.code,
        item.submittedAt,
        item.owner?.name ?? '',
        item.owner?.badge ?? '',
        item.owner?.unit ?? '',
        item.assignee?.name ?? '',
        item.deadlines.respond ?? '',
        item.deadlines.resolve ?? '',
        item.breached,
        item.escalation.respond,
        item.escalation.resolve,
        item.rating ?? '',
        item.reopenCount,
      ];
    }
    page = result.nextPage ?? undefined;
  } while (page);
}
