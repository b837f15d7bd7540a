/**
 * The custom search attributes of ticket workflows, as registered in the Temporal namespace, keyed by
 * the ticket field each one carries (`workflows/ticket-search-attributes.ts` makes the SDK's typed keys
 * from these).
 *
 * docker-compose.yml registers exactly these (test/compose.test.ts checks that they agree); any
 * other Temporal service echodesk runs against needs them too, e.g.
 * `temporal operator search-attribute create --namespace default --name EchodeskStatus --type Keyword`.
 */
export const TICKET_SEARCH_ATTRIBUTES = {
  status: { name: 'EchodeskStatus', type: 'Keyword' },
  priority: { name: 'EchodeskPriority', type: 'Keyword' },
  owner: { name: 'EchodeskOwner', type: 'Keyword' },
  assignee: { name: 'EchodeskAssignee', type: 'Keyword' },
  building: { name: 'EchodeskBuilding', type: 'Keyword' },
  unit: { name: 'EchodeskUnit', type: 'Keyword' },
  category: { name: 'EchodeskCategory', type: 'Keyword' },
  breached: { name: 'EchodeskBreached', type: 'Bool' },
} as const;

/** The same attributes as a list, for registering them. */
export const SEARCH_ATTRIBUTES = Object.values(TICKET_SEARCH_ATTRIBUTES);
