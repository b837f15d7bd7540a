import type { TicketStatus } from './ticket-types';

/**
 * The groups of statuses the desk reasons with, each named once for what it means. Use these names
 * everywhere a group is meant, in SQL too (`sqlList`), never a hand-written list.
 */

/** Nobody has accepted the ticket yet: the respond clock is the one that matters. */
export const AWAITING_ACCEPT: readonly TicketStatus[] = ['submitted', 'assigned'];

/** Someone holds the work: it counts against that technician's load. */
export const HELD: readonly TicketStatus[] = ['assigned', 'in_progress', 'paused'];

/** Accepted and not yet resolved: someone works on it (or has paused it), so the resolve clock is its measure. */
export const IN_WORK: readonly TicketStatus[] = ['in_progress', 'paused'];

/** Work not yet resolved: dispatch, escalation and the "open" figures count these. */
export const UNRESOLVED: readonly TicketStatus[] = ['submitted', 'assigned', 'in_progress', 'paused'];

/** The case has not reached its end: unresolved, or resolved and waiting for the requester's answer. */
export const NOT_ENDED: readonly TicketStatus[] = [...UNRESOLVED, 'resolved'];

/** The case has reached its end (件件有着落): closed or cancelled, never to change again. */
export const ENDED: readonly TicketStatus[] = ['closed', 'cancelled'];

export const isUnresolved = (status: TicketStatus): boolean => UNRESOLVED.includes(status);
export const isEnded = (status: TicketStatus): boolean => ENDED.includes(status);

/** A group as an SQL list literal, e.g. `status IN ${sqlList(UNRESOLVED)}`: the names are constants, never input. */
export const sqlList = (statuses: readonly TicketStatus[]): string =>
  `(${statuses.map((s) => `'${s}'`).join(', ')})`;
