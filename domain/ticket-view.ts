import type { SlaPolicy } from './sla-types';
import { deadlines, promisedDeadlines } from './ticket-machine';
import type { PublicStaff, StaffRef, TicketState, TicketView } from './ticket-types';

const iso = (ms: number | null): string | null => (ms == null ? null : new Date(ms).toISOString());

const publicStaff = (s: StaffRef | null): PublicStaff | null =>
  s && { username: s.username, name: s.name, badge: s.badge, unit: s.unit };

/** The ticket as clients see it; `nowMs` decides whether a running clock is already past its deadline. */
export function toView(state: TicketState, policy: SlaPolicy, nowMs: number): TicketView {
  const live = deadlines(state, policy);
  const shown = promisedDeadlines(state, policy);
  const overdue =
    (live.respond != null && live.respond < nowMs) || (live.resolve != null && live.resolve < nowMs);
  const surveyOpen = state.status === 'resolved' && state.survey.askedAtMs != null;
  return {
    id: state.number,
    number: state.number,
    status: state.status,
    priority: state.priority,
    category: state.category.code,
    categoryName: { 'zh-CN': state.category.name, en: state.category.nameEn },
    location: {
      code: state.location.code,
      campus: state.location.campus,
      building: state.location.building,
      floor: state.location.floor,
      room: state.location.room,
    },
    description: state.description,
    requester: { name: state.requester.name },
    assignee: publicStaff(state.assignee),
    owner: publicStaff(state.owner),
    deadlines: { respond: iso(shown.respond), resolve: iso(shown.resolve) },
    escalation: { ...state.escalation },
    breached: state.breached.respond || state.breached.resolve || overdue,
    paused: state.pause && { reason: state.pause.reason, since: new Date(state.pause.sinceMs).toISOString() },
    reopenCount: state.reopenCount,
    rating: state.survey.rating,
    resolution: state.resolution,
    submittedAt: new Date(state.submittedAtMs).toISOString(),
    acceptedAt: iso(state.acceptedAtMs),
    resolvedAt: iso(state.resolvedAtMs),
    closedAt: iso(state.closedAtMs),
    cancelledAt: iso(state.cancelledAtMs),
    survey: {
      open: surveyOpen,
      remindedAt: iso(state.survey.remindedAtMs),
      expiresAt:
        surveyOpen && state.survey.askedAtMs != null
          ? iso(state.survey.askedAtMs + policy.survey.expireAfterMs)
          : null,
    },
  };
}
