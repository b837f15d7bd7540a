import type { Lang } from '../../domain/ticket-types';
import type { Translate } from '../../lib/i18n';
import type { HistoryEntry } from '../tickets/ticket-history';
import { describeEvent, staffLabel } from './timeline';

export interface HistoryLine {
  id: number;
  at: string;
  time: string;
  kind: string;
  text: string;
  detail: string | null;
}

/** One entry of the Temporal history (api/tickets/ticket-history.ts) in plain words of the page language. */
export function describeHistory(
  t: Translate,
  entry: HistoryEntry,
  formatTime: (lang: Lang, at: string) => string,
  lang: Lang,
): Omit<HistoryLine, 'id' | 'at' | 'time'> {
  const actor =
    entry.actor == null
      ? t('person.desk')
      : entry.actor.kind === 'requester'
        ? t('person.requester', { name: entry.actor.name })
        : staffLabel(t, entry.actor);
  const data = entry.data;
  const kind = entry.kind;
  switch (kind) {
    case 'workflow_started':
      return { kind, text: t('history.started'), detail: null };
    case 'action':
    case 'signal':
      return {
        kind,
        text: t('history.update', { actor, action: t(`action.${String(data.name)}`) }),
        detail: null,
      };
    case 'timer_started':
      return {
        kind,
        text: t('history.timer_started', { at: formatTime(lang, String(data.fireAt)) }),
        detail: null,
      };
    case 'timer_fired':
      return { kind, text: t('history.timer_fired'), detail: null };
    case 'timer_cancelled':
      return { kind, text: t('history.timer_cancelled'), detail: null };
    case 'activity_retried':
    case 'activity_failed':
    case 'activity_timed_out':
      return { kind, text: t(`history.${kind}`), detail: entry.summary };
    case 'ticket_event':
    case 'escalation': {
      if (!entry.ticketEvent) return { kind, text: entry.summary, detail: null };
      const words = describeEvent(t, entry.ticketEvent, 'staff');
      return {
        kind: entry.ticketEvent.type,
        text: `${t('history.recorded')} ${words.text}`,
        detail: words.detail,
      };
    }
    case 'workflow_ended':
      return { kind, text: t('history.completed'), detail: null };
  }
}
