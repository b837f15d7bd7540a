import type { NotifyTarget } from './sla-types';
import type { TicketEvent, TicketState } from './ticket-types';

/** Every message template; each exists in templates/notifications/<lang>/<name>.hbs. */
export const NOTIFICATION_TEMPLATES = [
  'ticket-received',
  'ticket-assigned',
  'staff-assigned',
  'staff-queued',
  'ticket-accepted',
  'ticket-transferred',
  'staff-transferred-owner',
  'staff-note',
  'ticket-on-site',
  'ticket-paused',
  'ticket-resumed',
  'ticket-resolved',
  'staff-resolved-owner',
  'ticket-closed',
  'staff-closed',
  'ticket-reopened',
  'staff-reopened',
  'ticket-cancelled',
  'staff-cancelled',
  'staff-priority',
  'staff-escalated',
  'ticket-escalated',
  'survey-reminder',
] as const;

export type NotificationTemplate = (typeof NOTIFICATION_TEMPLATES)[number];

/** Who a message goes to: a role the activity resolves to people, or a named staff member. */
export type Audience = NotifyTarget | { username: string };

/** The targets that are staff roles: a message to one goes to the active staff holding it (team leads of the ticket's team first). */
export const NOTIFIED_ROLES = [
  'team_lead',
  'dispatcher',
  'manager',
] as const satisfies readonly NotifyTarget[];

export interface PlannedNotification {
  to: Audience;
  template: NotificationTemplate;
}

const actorUsername = (event: TicketEvent): string | null =>
  event.actor?.kind === 'staff' ? event.actor.username : null;

/** Staff targets, minus whoever did the thing (nobody is told about their own action). */
function staffTargets(
  event: TicketEvent,
  template: NotificationTemplate,
  ...usernames: (string | null | undefined)[]
) {
  const self = actorUsername(event);
  const unique = [...new Set(usernames.filter((u): u is string => u != null && u !== self))];
  return unique.map((username): PlannedNotification => ({ to: { username }, template }));
}

/** The messages an event sends (全程跟进: the requester hears of every step that matters to them). */
export function planNotifications(event: TicketEvent, state: TicketState): PlannedNotification[] {
  const requester = (template: NotificationTemplate): PlannedNotification => ({ to: 'requester', template });
  const owner = state.owner?.username;
  const assignee = state.assignee?.username;
  switch (event.type) {
    case 'submitted':
      return [requester('ticket-received')];
    case 'assigned':
      return [requester('ticket-assigned'), ...staffTargets(event, 'staff-assigned', assignee)];
    case 'queued':
      return [{ to: 'dispatcher', template: 'staff-queued' }];
    case 'accepted':
      return [requester('ticket-accepted')];
    case 'declined':
      return [];
    case 'transferred':
      return [
        requester('ticket-transferred'),
        ...staffTargets(event, 'staff-assigned', event.data.to ? assignee : null),
        ...staffTargets(event, 'staff-transferred-owner', owner),
      ];
    case 'note':
      return staffTargets(event, 'staff-note', owner, assignee);
    case 'on_site':
      return [requester('ticket-on-site')];
    case 'paused':
      return [requester('ticket-paused'), ...staffTargets(event, 'staff-note', owner)];
    case 'resumed':
      return [requester('ticket-resumed')];
    case 'resolved':
      return [requester('ticket-resolved'), ...staffTargets(event, 'staff-resolved-owner', owner)];
    case 'confirmed':
    case 'closed':
      return [requester('ticket-closed'), ...staffTargets(event, 'staff-closed', owner)];
    case 'rejected':
      return [requester('ticket-reopened'), ...staffTargets(event, 'staff-reopened', owner)];
    case 'cancelled':
      return [requester('ticket-cancelled'), ...staffTargets(event, 'staff-cancelled', assignee, owner)];
    case 'priority_changed':
      return staffTargets(event, 'staff-priority', assignee, owner);
    case 'escalated':
      return escalationTargets(event);
    case 'survey_reminded':
      return [requester('survey-reminder')];
  }
}

function escalationTargets(event: TicketEvent): PlannedNotification[] {
  const roles = Array.isArray(event.data.notify) ? (event.data.notify as NotifyTarget[]) : [];
  return roles.map((role) => ({
    to: role,
    template: role === 'requester' ? 'ticket-escalated' : 'staff-escalated',
  }));
}
