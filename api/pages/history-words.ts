import type { Translate } from '../../lib/i18n';
import type { HistoryStep } from './temporal-history';

function duration(seconds: number): string {
  if (seconds >= 86_400) return `${Math.round((seconds / 86_400) * 10) / 10}d`;
  if (seconds >= 3600) return `${Math.round((seconds / 3600) * 10) / 10}h`;
  if (seconds >= 60) return `${Math.round(seconds / 60)}m`;
  return `${seconds}s`;
}

/** One workflow history step in plain words; recorded escalations are named with their clock and level. */
export function describeHistory(
  t: Translate,
  step: HistoryStep,
): { text: string; detail: string | null; kind: string } {
  switch (step.kind) {
    case 'started':
      return { kind: step.kind, text: t('history.started'), detail: null };
    case 'update':
      return {
        kind: step.kind,
        text: t('history.update', {
          action: t(`action.${step.name}`),
          actor: step.actor ?? t('person.desk'),
        }),
        detail: null,
      };
    case 'timer_started':
      return {
        kind: step.kind,
        text: t('history.timer_started', { after: duration(step.seconds) }),
        detail: null,
      };
    case 'timer_fired':
      return { kind: step.kind, text: t('history.timer_fired'), detail: null };
    case 'timer_cancelled':
      return { kind: step.kind, text: t('history.timer_cancelled'), detail: null };
    case 'activity': {
      const escalation = step.events.find((e) => e.type === 'escalated');
      const recorded = step.events.map((e) => t(`event_type.${e.type}`)).join(', ');
      const text =
        step.name === 'assignTicket'
          ? t('history.assign')
          : escalation
            ? t('history.escalated', {
                clock: t(`clock.${String(escalation.data.clock)}`),
                level: String(escalation.data.level),
              })
            : t('history.record');
      return { kind: escalation ? 'escalated' : step.kind, text, detail: recorded || null };
    }
    case 'activity_failed':
      return { kind: step.kind, text: t('history.activity_failed'), detail: step.message };
    case 'completed':
      return { kind: step.kind, text: t('history.completed'), detail: null };
  }
}
