import { DISPATCHERS, hasRole, TECHNICIANS } from './roles';
import { IN_WORK, NOT_ENDED, UNRESOLVED } from './ticket-status';
import type { Actor, StaffRef, TicketState, TicketStatus } from './ticket-types';

/** A lifecycle action as the API hands it to the workflow, after input validation. */
export type TicketCommand =
  | { type: 'accept' }
  | { type: 'decline'; reason: string }
  | { type: 'transfer'; to: TransferTarget; reason: string }
  | { type: 'note'; note: string }
  | { type: 'on_site' }
  | { type: 'pause'; reason: string }
  | { type: 'resume'; reason: string }
  | { type: 'resolve'; resolution: string }
  | { type: 'confirm'; rating: number; comment: string | null }
  | { type: 'reject'; reason: string }
  | { type: 'cancel'; reason: string | null }
  | { type: 'priority'; priority: string; reason: string };

export type TicketCommandType = TicketCommand['type'];

/** The requester's answers to a resolved ticket (the survey): confirm the repair, or say it is not fixed. */
export const REQUESTER_ANSWERS = ['confirm', 'reject'] as const satisfies readonly TicketCommandType[];

/** Every command a requester may give: the answers, and cancelling a report not yet resolved. */
export const REQUESTER_COMMANDS = [
  ...REQUESTER_ANSWERS,
  'cancel',
] as const satisfies readonly TicketCommandType[];

export type TransferTarget = { kind: 'staff'; staff: StaffRef } | { kind: 'team'; team: string };

/** Why a command was refused: `forbidden` maps to HTTP 403, `conflict` to 409, `invalid` to 422. */
export type Refusal = { code: 'forbidden' | 'conflict' | 'invalid'; message: string };

const forbidden = (message: string): Refusal => ({ code: 'forbidden', message });
const conflict = (message: string): Refusal => ({ code: 'conflict', message });
const invalid = (message: string): Refusal => ({ code: 'invalid', message });

/** Dispatchers, managers and admins act on any ticket; a team lead on tickets held or owned in their team. */
export function hasDeskAuthority(actor: Actor, state: TicketState): boolean {
  if (actor.kind !== 'staff') return false;
  if (hasRole(actor, DISPATCHERS)) return true;
  if (!hasRole(actor, ['team_lead']) || actor.teamCode == null) return false;
  const teams = [state.assignee?.teamCode, state.owner?.teamCode, state.team];
  return teams.includes(actor.teamCode);
}

function isHolder(actor: Actor, state: TicketState): boolean {
  return actor.kind === 'staff' && state.assignee?.username === actor.username;
}

function isOwnerOrHolder(actor: Actor, state: TicketState): boolean {
  return isHolder(actor, state) || (actor.kind === 'staff' && state.owner?.username === actor.username);
}

function requireStatus(state: TicketState, allowed: readonly TicketStatus[], what: string): Refusal | null {
  return allowed.includes(state.status) ? null : conflict(`Cannot ${what}: the ticket is ${state.status}.`);
}

function requireText(value: string | null, field: string): Refusal | null {
  return value != null && value.trim() !== '' ? null : invalid(`A ${field} is required.`);
}

/** Decides whether `actor` may run `command` on the ticket now; null means allowed. Pure, so it runs in update validators and in the API. */
export function refuse(
  state: TicketState,
  command: TicketCommand,
  actor: Actor,
  priorities: string[],
): Refusal | null {
  switch (command.type) {
    case 'accept':
      return refuseAccept(state, actor);
    case 'decline':
      if (!isHolder(actor, state)) return forbidden('Only the assigned technician can decline this ticket.');
      return requireStatus(state, ['assigned'], 'decline') ?? requireText(command.reason, 'reason');
    case 'transfer':
      return refuseTransfer(state, command, actor);
    case 'note':
      if (actor.kind !== 'staff') return forbidden('Only staff can add notes.');
      return requireStatus(state, NOT_ENDED, 'add a note') ?? requireText(command.note, 'note');
    case 'on_site':
      if (!isOwnerOrHolder(actor, state))
        return forbidden('Only the technician holding this ticket can record arrival.');
      return requireStatus(state, ['in_progress'], 'record arrival');
    case 'pause':
      if (!isOwnerOrHolder(actor, state) && !hasDeskAuthority(actor, state))
        return forbidden('Only the technician holding this ticket can pause it.');
      return requireStatus(state, ['in_progress'], 'pause') ?? requireText(command.reason, 'reason');
    case 'resume':
      if (!isOwnerOrHolder(actor, state) && !hasDeskAuthority(actor, state))
        return forbidden('Only the technician holding this ticket can resume it.');
      return requireStatus(state, ['paused'], 'resume') ?? requireText(command.reason, 'reason');
    case 'resolve':
      if (!isOwnerOrHolder(actor, state))
        return forbidden('Only the technician holding this ticket can resolve it.');
      return requireStatus(state, IN_WORK, 'resolve') ?? requireText(command.resolution, 'resolution note');
    case 'confirm':
      if (actor.kind !== 'requester') return forbidden('Only the requester can confirm the repair.');
      if (!Number.isInteger(command.rating) || command.rating < 1 || command.rating > 5)
        return invalid('The rating must be a whole number from 1 to 5.');
      return requireStatus(state, ['resolved'], 'confirm');
    case 'reject':
      if (actor.kind !== 'requester')
        return forbidden('Only the requester can say the problem is not fixed.');
      return requireStatus(state, ['resolved'], 'reopen') ?? requireText(command.reason, 'reason');
    case 'cancel':
      return refuseCancel(state, command, actor);
    case 'priority':
      if (!hasDeskAuthority(actor, state))
        return forbidden('Only a dispatcher or team lead can change the priority.');
      if (!priorities.includes(command.priority))
        return invalid(`Unknown priority ${command.priority}; expected one of ${priorities.join(', ')}.`);
      if (command.priority === state.priority) return conflict(`The ticket is already ${command.priority}.`);
      return requireStatus(state, UNRESOLVED, 'change the priority') ?? requireText(command.reason, 'reason');
  }
}

function refuseAccept(state: TicketState, actor: Actor): Refusal | null {
  if (!hasRole(actor, TECHNICIANS)) return forbidden('Only a technician can accept a ticket.');
  if (state.status === 'submitted') return null;
  if (state.status !== 'assigned') return conflict(`Cannot accept: the ticket is ${state.status}.`);
  return isHolder(actor, state)
    ? null
    : forbidden(`This ticket is assigned to ${state.assignee?.name ?? 'someone else'}.`);
}

function refuseTransfer(
  state: TicketState,
  command: Extract<TicketCommand, { type: 'transfer' }>,
  actor: Actor,
): Refusal | null {
  if (!isHolder(actor, state) && !hasDeskAuthority(actor, state))
    return forbidden('Only the technician holding this ticket, a team lead or a dispatcher can transfer it.');
  const statusRefusal = requireStatus(state, UNRESOLVED, 'transfer');
  if (statusRefusal) return statusRefusal;
  if (command.to.kind === 'staff' && command.to.staff.username === state.assignee?.username)
    return conflict(`The ticket is already with ${command.to.staff.name}.`);
  return requireText(command.reason, 'reason');
}

function refuseCancel(
  state: TicketState,
  command: Extract<TicketCommand, { type: 'cancel' }>,
  actor: Actor,
): Refusal | null {
  if (actor.kind === 'staff') {
    if (!hasRole(actor, DISPATCHERS)) return forbidden('Only a dispatcher can cancel a ticket.');
    return requireStatus(state, UNRESOLVED, 'cancel') ?? requireText(command.reason, 'reason');
  }
  return requireStatus(state, UNRESOLVED, 'cancel');
}

/** The commands this actor could run now, for pages that show only the buttons that work. */
export function allowedCommands(state: TicketState, actor: Actor, priorities: string[]): TicketCommandType[] {
  const probes: TicketCommand[] = [
    { type: 'accept' },
    { type: 'decline', reason: '-' },
    { type: 'transfer', to: { kind: 'team', team: '-' }, reason: '-' },
    { type: 'note', note: '-' },
    { type: 'on_site' },
    { type: 'pause', reason: '-' },
    { type: 'resume', reason: '-' },
    { type: 'resolve', resolution: '-' },
    { type: 'confirm', rating: 5, comment: null },
    { type: 'reject', reason: '-' },
    { type: 'cancel', reason: '-' },
    {
      type: 'priority',
      priority: priorities.find((p) => p !== state.priority) ?? state.priority,
      reason: '-',
    },
  ];
  return probes
    .filter((probe) => refuse(state, probe, actor, priorities) === null)
    .map((probe) => probe.type);
}
