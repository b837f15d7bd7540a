import type { Lang } from '../../domain/ticket-types';
import type { PageDeps } from './context';
import type { AttentionRow } from '../../db/repositories/attention';

/** Tickets marked as needing attention, as the manager's dashboard and the dispatcher queue list them. */
export function attentionItems(deps: PageDeps, lang: Lang, rows: AttentionRow[], t: (key: string) => string) {
  return rows.map((row) => ({
    number: row.number,
    kind: t(`attention.${row.kind}`),
    reason: row.reason,
    since: deps.formatTime(lang, row.since),
    status: t(`status.${row.status}`),
    what: [row.category, row.place].filter(Boolean).join(' · '),
  }));
}
