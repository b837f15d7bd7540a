import {
  defineSearchAttributeKey,
  SearchAttributeType,
  type SearchAttributeUpdatePair,
} from '@temporalio/common';
import { TICKET_SEARCH_ATTRIBUTES } from '../domain/search-attributes';
import type { TicketState } from '../domain/ticket-types';

type Attributes = typeof TICKET_SEARCH_ATTRIBUTES;
type SdkType<T extends 'Keyword' | 'Bool'> = T extends 'Bool'
  ? typeof SearchAttributeType.BOOL
  : typeof SearchAttributeType.KEYWORD;

const sdkKey = <T extends 'Keyword' | 'Bool'>(attribute: { name: string; type: T }) =>
  defineSearchAttributeKey(
    attribute.name,
    (attribute.type === 'Bool' ? SearchAttributeType.BOOL : SearchAttributeType.KEYWORD) as SdkType<T>,
  );

/** Typed keys of the search attributes of domain/search-attributes.ts, so operators can list tickets in Temporal. */
export const TicketSearchAttributes = Object.fromEntries(
  Object.entries(TICKET_SEARCH_ATTRIBUTES).map(([field, attribute]) => [field, sdkKey(attribute)]),
) as { [F in keyof Attributes]: ReturnType<typeof sdkKey<Attributes[F]['type']>> };

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
