import type { Actor, EventActor, StaffRef, TicketEvent, TicketEventType, TicketState } from './ticket-types';

/** What every step of the ticket machine shares: the step itself and how it records events. */

/** A request for the dispatch rules to pick a holder (on submission, decline, transfer to a team, escalation). */
export interface AssignmentRequest {
  reason: 'submitted' | 'declined' | 'transfer' | 'escalation';
  team: string | null;
  exclude: string[];
}

export interface AssignmentResult {
  assignee: StaffRef | null;
  reason: string;
}

/** The outcome of one step: the new state, the events it produced, and whether the dispatch rules must run. */
export interface Step {
  state: TicketState;
  events: TicketEvent[];
  assignment: AssignmentRequest | null;
}

export const clone = (state: TicketState): TicketState => JSON.parse(JSON.stringify(state)) as TicketState;
export const iso = (ms: number): string => new Date(ms).toISOString();

/** Records an event on a step, numbering it after the ticket's last event. */
export function emit(
  step: Step,
  type: TicketEventType,
  atMs: number,
  actor: Actor | null,
  data: Record<string, unknown> = {},
): void {
  step.state.seq += 1;
  step.events.push({ seq: step.state.seq, type, at: iso(atMs), actor: actor && eventActor(actor), data });
}

export function eventActor(actor: Actor): EventActor {
  return actor.kind === 'staff'
    ? { kind: 'staff', username: actor.username, name: actor.name, badge: actor.badge, unit: actor.unit }
    : { kind: 'requester', name: actor.name };
}

export function staffRef(actor: Actor): StaffRef | null {
  if (actor.kind !== 'staff') return null;
  const { username, name, badge, unit, unitCode, teamCode } = actor;
  return { username, name, badge, unit, unitCode, teamCode };
}

export const publicStaff = (s: StaffRef | null) =>
  s && { username: s.username, name: s.name, badge: s.badge, unit: s.unit };
