import type { TicketCommandType } from './ticket-rules';
import { DISPATCHERS, REQUESTER, STAFF, TECHNICIANS } from './roles';
import type { StaffRole } from './ticket-types';

/**
 * The ticket lifecycle actions, one row each: the pure half of the actions table (docs/architecture.md).
 * The workflow's updates (`workflows/ticket-contract.ts`) and the matrix rows `tickets.<action>`
 * (`domain/authz.ts`) are derived from it; the API half (`api/tickets/actions.ts`: body schema, command
 * builder) is keyed by the same names, and the compiler refuses either half missing an action of
 * `TicketCommand` (`domain/ticket-rules.ts`). Whether the action is allowed on this ticket now is the
 * state machine's to say (`refuse` in `domain/ticket-rules.ts`), not this table's.
 */
export interface TicketActionRow {
  /** The URL segment: `POST /api/tickets/:id/<segment>`, and the staff pages' forms. */
  segment: string;
  /** The roles the authorization matrix lets call it at all (`requester`: the person who reported the ticket). */
  allow: readonly ActionCaller[];
  /**
   * How a requester runs it: `answer` (the survey, the requester's alone: a tracking token wins over a
   * signed-in staff account), `act` (as on any action, on their own ticket), or null (staff only).
   * A requester may then use the ticket's tracking token for it.
   */
  requester: 'answer' | 'act' | null;
  /** Where the staff ticket page puts its button (1 first), or null when the page offers none. */
  button: number | null;
  /** One line: the matrix row's summary, OpenAPI's `summary`. */
  summary: string;
  /** What it does, for OpenAPI's description. */
  description: string;
}

export type ActionCaller = 'requester' | StaffRole;

/** Who handles tickets: the technicians and whoever oversees every ticket. */
const HANDLERS: readonly StaffRole[] = [...TECHNICIANS, ...DISPATCHERS];

/** In the order the matrix and OpenAPI list them. */
export const TICKET_ACTIONS = {
  accept: {
    segment: 'accept',
    allow: TECHNICIANS,
    requester: null,
    button: 1,
    summary: 'Accept (the first accepter becomes the owner)',
    description:
      'The assignee (or any technician, for an unassigned ticket) accepts; the first accepter becomes the owner.',
  },
  decline: {
    segment: 'decline',
    allow: TECHNICIANS,
    requester: null,
    button: 6,
    summary: 'Decline with a reason',
    description: 'The assignee declines with a reason; the desk reassigns.',
  },
  transfer: {
    segment: 'transfer',
    allow: HANDLERS,
    requester: null,
    button: 7,
    summary: 'Transfer',
    description: 'Hand over to a technician (`to`) or a team (`team`) with a reason; ownership stays.',
  },
  note: {
    segment: 'note',
    allow: STAFF,
    requester: null,
    button: 8,
    summary: 'Add an internal work note',
    description: 'An internal work note; requesters see that one was written, not what it says.',
  },
  on_site: {
    segment: 'on-site',
    allow: TECHNICIANS,
    requester: null,
    button: 2,
    summary: 'Record arrival on site',
    description: 'The holder records arrival on site.',
  },
  pause: {
    segment: 'pause',
    allow: HANDLERS,
    requester: null,
    button: 3,
    summary: 'Pause the resolve clock',
    description: 'Stop the resolve clock (waiting for the requester, parts or access).',
  },
  resume: {
    segment: 'resume',
    allow: HANDLERS,
    requester: null,
    button: 4,
    summary: 'Resume',
    description: 'Restart the resolve clock.',
  },
  resolve: {
    segment: 'resolve',
    allow: TECHNICIANS,
    requester: null,
    button: 5,
    summary: 'Resolve with a resolution note',
    description: 'Resolve with a resolution note; the requester is asked to confirm and rate.',
  },
  cancel: {
    segment: 'cancel',
    allow: [...REQUESTER, ...DISPATCHERS],
    requester: 'act',
    button: 10,
    summary: 'Cancel',
    description: 'The requester (before resolution) or a dispatcher (with a reason) cancels.',
  },
  priority: {
    segment: 'priority',
    allow: ['team_lead', 'dispatcher', 'manager', 'admin'],
    requester: null,
    button: 9,
    summary: 'Change the priority',
    description: 'A dispatcher or team lead changes the priority; deadlines are recomputed.',
  },
  confirm: {
    segment: 'confirm',
    allow: REQUESTER,
    requester: 'answer',
    button: null,
    summary: 'Confirm the repair and rate it',
    description: 'The requester confirms the repair with a rating 1–5 (and a comment); the ticket closes.',
  },
  reject: {
    segment: 'reject',
    allow: REQUESTER,
    requester: 'answer',
    button: null,
    summary: 'Say the problem is not fixed',
    description: 'The requester says the problem is not fixed; the ticket reopens to its owner.',
  },
} as const satisfies { [A in TicketCommandType]: TicketActionRow };

export type TicketAction = TicketCommandType;

/** Every action name, in table order. */
export const TICKET_ACTION_NAMES = Object.keys(TICKET_ACTIONS) as TicketAction[];

/** The action a URL segment names (`on-site`; the action's own name `on_site` is understood too), or null. */
export const actionBySegment = (segment: string): TicketAction | null =>
  TICKET_ACTION_NAMES.find((name) => name === segment || TICKET_ACTIONS[name].segment === segment) ?? null;

/** The actions the staff ticket page offers, in the order its buttons appear. */
export const STAFF_PAGE_ACTIONS: readonly TicketAction[] = TICKET_ACTION_NAMES.filter(
  (name) => TICKET_ACTIONS[name].button != null,
).sort((a, b) => (TICKET_ACTIONS[a].button ?? 0) - (TICKET_ACTIONS[b].button ?? 0));

/** The actions a requester may run on their own ticket (by tracking token or a requester account). */
export const REQUESTER_ACTIONS: readonly TicketAction[] = TICKET_ACTION_NAMES.filter(
  (name) => TICKET_ACTIONS[name].requester != null,
);
