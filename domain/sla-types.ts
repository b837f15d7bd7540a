/**
 * The shapes of a parsed SLA policy, apart from the parser (`sla-policy.ts`) and the clock arithmetic
 * (`sla-clock.ts`), so both import them without importing each other.
 */

/** Whom an escalation level may notify: the ticket's owner or holder, a staff role, or the requester. */
export const NOTIFY_TARGETS = [
  'owner',
  'assignee',
  'team_lead',
  'dispatcher',
  'manager',
  'requester',
] as const;
export type NotifyTarget = (typeof NOTIFY_TARGETS)[number];

export const CLOCK_KINDS = ['24x7', 'business'] as const;
export type ClockKind = (typeof CLOCK_KINDS)[number];

export interface Calendar {
  /** IANA time zone in which working hours and holidays are read, e.g. `"Asia/Shanghai"`. */
  timezone: string;
  /** ISO weekdays with working hours, 1 = Monday .. 7 = Sunday, ascending. */
  workdays: number[];
  /** Local wall-clock opening and closing time, `["08:00", "18:00"]`. */
  hours: [string, string];
  /** Local dates without working hours, `"YYYY-MM-DD"`, ascending. */
  holidays: string[];
}

/** Limits of one priority, in ms of its own clock.
 *
 * On a `business` clock the limits are working time, and a day in the file means one working day:
 * `"3d"` is 3 × (hours[1] - hours[0]), so 30 working hours with hours 08:00-18:00, the way
 * ServiceNow and Jira Service Management count. Hours, minutes and seconds are working hours,
 * minutes and seconds (`"24h"` is 2.4 working days there). On a `24x7` clock a day is 24 hours.
 */
export interface PriorityLimits {
  respondMs: number;
  resolveMs: number;
  clock: ClockKind;
}

/** One rung of an escalation ladder, fired `afterMs` past the missed deadline.
 *
 * One ladder serves every priority, so a day in `after` is always 24 hours here, whichever clock
 * the workflow measures it on.
 */
export interface EscalationLevel {
  afterMs: number;
  notify: NotifyTarget[];
  reassign: boolean;
  raisePriority: boolean;
}

export interface SlaPolicy {
  calendar: Calendar;
  /** Keyed `P1`..`P9`, P1 the most urgent. */
  priorities: Record<string, PriorityLimits>;
  defaultPriority: string;
  escalation: { respond: EscalationLevel[]; resolve: EscalationLevel[] };
  /** Elapsed (24x7) time after resolution; a day is 24 hours. */
  survey: { remindAfterMs: number; expireAfterMs: number };
}
