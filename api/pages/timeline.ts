import type { EventActor, Lang, PublicStaff, TicketEvent } from '../../domain/ticket-types';
import type { Translate } from '../../lib/i18n';

export interface TimelineEntry {
  seq: number;
  at: string;
  time: string;
  text: string;
  detail: string | null;
  kind: string;
}

const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** "王工（工号 XW-0231，新路网络）" / "王工 (badge XW-0231, 新路网络)": the named-service form of a staff member. */
export function staffLabel(t: Translate, staff: Pick<PublicStaff, 'name' | 'badge' | 'unit'>): string {
  return t('person.staff', { name: staff.name, badge: staff.badge, unit: staff.unit });
}

function actorLabel(t: Translate, actor: EventActor | null): string {
  if (actor == null) return t('person.desk');
  if (actor.kind === 'requester') return t('person.requester', { name: actor.name });
  return staffLabel(t, actor);
}

function staffFromData(value: unknown): PublicStaff | null {
  if (typeof value !== 'object' || value == null) return null;
  const s = value as Partial<PublicStaff>;
  return typeof s.name === 'string' && typeof s.badge === 'string' && typeof s.unit === 'string'
    ? { username: s.username ?? '', name: s.name, badge: s.badge, unit: s.unit }
    : null;
}

/** One event in plain words in the page language, e.g. "王工（工号 XW-0231，新路网络）已受理". */
export function describeEvent(
  t: Translate,
  event: Pick<TicketEvent, 'type' | 'actor' | 'data'>,
  audience: 'requester' | 'staff',
): { text: string; detail: string | null } {
  const actor = actorLabel(t, event.actor);
  const data = event.data;
  const to = staffFromData(data.to);
  const vars: Record<string, unknown> = {
    actor,
    to: to ? staffLabel(t, to) : (str(data.toTeam) ?? ''),
    from: str(data.from),
    level: data.level,
    clock: t(`clock.${str(data.clock) ?? 'resolve'}`),
    rating: data.rating,
    priority: str(data.to),
  };
  switch (event.type) {
    case 'submitted':
      return { text: t('event.submitted', vars), detail: null };
    case 'assigned':
      return { text: t('event.assigned', vars), detail: null };
    case 'queued':
      return { text: t('event.queued', vars), detail: null };
    case 'accepted':
      return { text: t('event.accepted', vars), detail: null };
    case 'declined':
      return { text: t('event.declined', vars), detail: str(data.reason) };
    case 'transferred':
      return {
        text: t(to || str(data.toTeam) ? 'event.transferred' : 'event.transferred_any', vars),
        detail: str(data.reason),
      };
    case 'note':
      return { text: t('event.note', vars), detail: audience === 'staff' ? str(data.note) : null };
    case 'on_site':
      return { text: t('event.on_site', vars), detail: null };
    case 'paused':
      return { text: t('event.paused', vars), detail: str(data.reason) };
    case 'resumed':
      return { text: t('event.resumed', vars), detail: str(data.reason) };
    case 'resolved':
      return { text: t('event.resolved', vars), detail: str(data.resolution) };
    case 'confirmed':
      return { text: t('event.confirmed', vars), detail: str(data.comment) };
    case 'rejected':
      return { text: t('event.rejected', vars), detail: str(data.reason) };
    case 'cancelled':
      return { text: t('event.cancelled', vars), detail: str(data.reason) };
    case 'priority_changed':
      return {
        text: t('event.priority_changed', vars),
        detail: data.reason === 'escalation' ? t('event.priority_by_escalation') : str(data.reason),
      };
    case 'escalated':
      return { text: t('event.escalated', vars), detail: null };
    case 'survey_reminded':
      return { text: t('event.survey_reminded', vars), detail: null };
    case 'closed':
      return {
        text: t(data.reason === 'survey_expired' ? 'event.closed_expired' : 'event.closed', vars),
        detail: null,
      };
  }
}

export function timeline(
  t: Translate,
  lang: Lang,
  events: TicketEvent[],
  formatTime: (lang: Lang, at: string) => string,
  audience: 'requester' | 'staff',
): TimelineEntry[] {
  return events.map((event) => ({
    seq: event.seq,
    at: event.at,
    time: formatTime(lang, event.at),
    kind: event.type,
    ...describeEvent(t, event, audience),
  }));
}
