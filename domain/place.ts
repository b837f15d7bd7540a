import type { TicketLocation } from './ticket-types';

/** A place as people read it, "主校区 信息楼 3层 301": campus, building, floor and room, the empty parts left out. */
export function placeName(location: Pick<TicketLocation, 'campus' | 'building' | 'floor' | 'room'>): string {
  const { campus, building, floor, room } = location;
  return [campus, building, floor, room].filter((part) => part != null && part !== '').join(' ');
}
