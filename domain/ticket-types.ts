import type { SlaPolicy } from './sla-types';

/** Lifecycle states, as in DESIGN.md: submitted → assigned → in_progress ⇄ paused → resolved → closed. */
export type TicketStatus =
  'submitted' | 'assigned' | 'in_progress' | 'paused' | 'resolved' | 'closed' | 'cancelled';

/** Every status, in lifecycle order. */
export const TICKET_STATUSES: readonly TicketStatus[] = [
  'submitted',
  'assigned',
  'in_progress',
  'paused',
  'resolved',
  'closed',
  'cancelled',
];

export type StaffRole = 'technician' | 'team_lead' | 'dispatcher' | 'manager' | 'admin';
export const STAFF_ROLES: readonly StaffRole[] = [
  'technician',
  'team_lead',
  'dispatcher',
  'manager',
  'admin',
];

export type Lang = 'zh-CN' | 'en';

/** A named staff member as tickets show them (挂牌服务: name, badge number and service unit). */
export interface StaffRef {
  username: string;
  name: string;
  badge: string;
  unit: string;
  unitCode: string;
  teamCode: string | null;
}

export interface StaffActor extends StaffRef {
  kind: 'staff';
  roles: StaffRole[];
}

export interface RequesterActor {
  kind: 'requester';
  name: string;
}

export type Actor = StaffActor | RequesterActor;

/** How an actor is recorded on an event; `null` on an event means the desk itself (timers, rules). */
export type EventActor =
  | { kind: 'staff'; username: string; name: string; badge: string; unit: string }
  | { kind: 'requester'; name: string };

export interface Requester {
  name: string;
  phone?: string;
  email?: string;
  lang: Lang;
}

export interface TicketLocation {
  code: string;
  campus: string;
  building: string;
  floor: string | null;
  room: string | null;
  zone: string;
  kind: string;
}

/** A location as reference data has it: the ticket's view of the place plus whether it is in service. */
export interface LocationRecord extends TicketLocation {
  active: boolean;
}

export interface TicketCategory {
  code: string;
  name: string;
  nameEn: string;
  skill: string;
}

/** Everything a ticket workflow is started with; the policy is a snapshot, so a ticket keeps the policy it was opened under. */
export interface TicketInput {
  number: string;
  submittedAt: string;
  location: TicketLocation;
  category: TicketCategory;
  description: string;
  requester: Requester;
  priority: string;
  policy: SlaPolicy;
}

export type ClockName = 'respond' | 'resolve';

export type TicketEventType =
  | 'submitted'
  | 'assigned'
  | 'queued'
  | 'accepted'
  | 'declined'
  | 'transferred'
  | 'note'
  | 'on_site'
  | 'paused'
  | 'resumed'
  | 'resolved'
  | 'confirmed'
  | 'rejected'
  | 'cancelled'
  | 'priority_changed'
  | 'escalated'
  | 'survey_reminded'
  | 'closed';

export interface TicketEvent {
  seq: number;
  type: TicketEventType;
  at: string;
  actor: EventActor | null;
  data: Record<string, unknown>;
}

export interface ResolveClock {
  /** Clock time already consumed before the current running stretch. */
  usedMs: number;
  /** Start of the current running stretch, or null while stopped (paused, resolved, closed). */
  runningSinceMs: number | null;
}

export interface TicketState {
  number: string;
  status: TicketStatus;
  priority: string;
  category: TicketCategory;
  location: TicketLocation;
  description: string;
  requester: Requester;
  assignee: StaffRef | null;
  owner: StaffRef | null;
  /** Team the ticket was transferred to, while waiting for a member to be picked. */
  team: string | null;
  declinedBy: string[];
  submittedAtMs: number;
  acceptedAtMs: number | null;
  resolvedAtMs: number | null;
  closedAtMs: number | null;
  cancelledAtMs: number | null;
  onSiteAtMs: number | null;
  pause: { reason: string; sinceMs: number } | null;
  resolveClock: ResolveClock;
  escalation: Record<ClockName, number>;
  breached: Record<ClockName, boolean>;
  reopenCount: number;
  survey: {
    round: number;
    askedAtMs: number | null;
    remindedAtMs: number | null;
    rating: number | null;
    comment: string | null;
  };
  resolution: string | null;
  cancelReason: string | null;
  seq: number;
}

/** The ticket as the API returns it (GET /api/tickets/:id), minus the event list. */
export interface TicketView {
  id: string;
  number: string;
  status: TicketStatus;
  priority: string;
  category: string;
  categoryName: { 'zh-CN': string; en: string };
  location: { code: string; campus: string; building: string; floor: string | null; room: string | null };
  description: string;
  requester: { name: string };
  assignee: PublicStaff | null;
  owner: PublicStaff | null;
  deadlines: { respond: string | null; resolve: string | null };
  escalation: Record<ClockName, number>;
  breached: boolean;
  paused: { reason: string; since: string } | null;
  reopenCount: number;
  rating: number | null;
  resolution: string | null;
  submittedAt: string;
  acceptedAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  cancelledAt: string | null;
  survey: { open: boolean; remindedAt: string | null; expiresAt: string | null };
}

export interface PublicStaff {
  username: string;
  name: string;
  badge: string;
  unit: string;
}
