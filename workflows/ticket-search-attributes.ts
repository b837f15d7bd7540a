import {
  defineSearchAttributeKey,
  SearchAttributeType,
  type SearchAttributeUpdatePair,
} from '@temporalio/common';
import type { TicketState } from '../domain/ticket-types';

/** Typed keys of the search attributes listed in domain/search-attributes.ts, so operators can list tickets in Temporal. */
export const TicketSearchAttributes = {
  status: defineSearchAttributeKey('EchodeskStatus', SearchAttributeType.KEYWORD),
  priority: defineSearchAttributeKey('EchodeskPriority', SearchAttributeType.KEYWORD),
  owner: defineSearchAttributeKey('EchodeskOwner', SearchAttributeType.KEYWORD),
  assignee: defineSearchAttributeKey('EchodeskAssignee', SearchAttributeType.KEYWORD),
  building: defineSearchAttributeKey('EchodeskBuilding', SearchAttributeType.KEYWORD),
  unit: defineSearchAttributeKey('EchodeskUnit', SearchAttributeType.KEYWORD),
  category: defineSearchAttributeKey('EchodeskCategory', SearchAttributeType.KEYWORD),
  breached: defineSearchAttributeKey('EchodeskBreached', SearchAttributeType.BOOL),
} as const;

/** The ticket's search attributes now; null values remove an attribute (no owner yet, for example). */
export function ticketSearchAttributes(state: TicketState): SearchAttributeUpdatePair[] {
  const k = TicketSearchAttributes;
  return [
    { key: k.status, value: state.status },
    { key: k.priority, value: state.priority },
    { key: k.owner, value: state.owner?.username ?? null },
    { key: k.assignee, value: state.assignee?.username ?? null },
    { key: k.building, value: state.location.building },
    { key: k.unit, value: state.owner?.unitCode ?? state.assignee?.unitCode ?? null },
    { key: k.category, value: state.category.code },
    { key: k.breached, value: state.breached.respond || state.breached.resolve },
  ];
}
