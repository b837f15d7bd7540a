/**
 * The custom search attributes of ticket workflows, as registered in the Temporal namespace.
 *
 * docker-compose.yml registers exactly these (test/compose.test.ts checks that they agree); any
 * other Temporal service echodesk runs against needs them too, e.g.
 * `temporal operator search-attribute create --namespace default --name EchodeskStatus --type Keyword`.
 */
export const SEARCH_ATTRIBUTES = [
  { name: 'EchodeskStatus', type: 'Keyword' },
  { name: 'EchodeskPriority', type: 'Keyword' },
  { name: 'EchodeskOwner', type: 'Keyword' },
  { name: 'EchodeskAssignee', type: 'Keyword' },
  { name: 'EchodeskBuilding', type: 'Keyword' },
  { name: 'EchodeskUnit', type: 'Keyword' },
  { name: 'EchodeskCategory', type: 'Keyword' },
  { name: 'EchodeskBreached', type: 'Bool' },
] as const;
