import type { Pool } from 'pg';
import type { TicketCategory, TicketInput, TicketLocation } from '../../domain/ticket-types';

/** The place and category part of a ticket input, read from the seeded reference data as the API reads it. */
export async function referenceFor(
  pool: Pool,
  locationCode: string,
  categoryCode: string,
): Promise<{ location: TicketLocation; category: TicketCategory }> {
  const location = await pool.query<TicketLocation>(
    'SELECT code, campus, building, floor, room, zone, kind FROM locations WHERE code = $1',
    [locationCode],
  );
  const category = await pool.query<TicketCategory>(
    'SELECT code, name, name_en AS "nameEn", skill FROM categories WHERE code = $1',
    [categoryCode],
  );
  if (!location.rows[0] || !category.rows[0])
    throw new Error(`no ${locationCode} / ${categoryCode} in the seed`);
  return { location: location.rows[0], category: category.rows[0] };
}

export type TicketReference = Awaited<ReturnType<typeof referenceFor>>;

/** A ticket input exactly as api/tickets/tickets-service.ts builds it. */
export function ticketInput(
  ref: TicketReference,
  number: string,
  policy: TicketInput['policy'],
  priority: string,
  submittedAt: Date,
): TicketInput {
  return {
    number,
    submittedAt: submittedAt.toISOString(),
    location: ref.location,
    category: ref.category,
    description: '无线网络连不上（bench）',
    requester: { name: '压测同学', lang: 'zh-CN' },
    priority,
    policy,
  };
}
