import type { SlaPolicy } from './sla-types';
import { stopResolveClock } from './ticket-clocks';
import type { TicketCommand } from './ticket-rules';
import { AWAITING_ACCEPT, IN_WORK } from './ticket-status';
import {
  clone,
  emit,
  publicStaff,
  staffRef,
  type AssignmentRequest,
  type AssignmentResult,
  type Step,
} from './ticket-step';
import type { Actor, TicketInput, TicketState } from './ticket-types';

/**
 * The ticket's state machine: opening, dispatch answers and the commands people send. Each returns a
 * `Step` (new state, events, dispatch request). What time does by itself is in `ticket-timers.ts`, the
 * clocks' arithmetic in `ticket-clocks.ts`; both are re-exported here, the one module the workflow uses.
 */
export { deadlines, promisedDeadlines } from './ticket-clocks';
export { nextDue, runDue, type Due } from './ticket-timers';
export { eventActor, type AssignmentRequest, type AssignmentResult, type Step } from './ticket-step';

/** The state of a new ticket, with its `submitted` event and a request to dispatch it. */
export function openingStep(input: TicketInput): Step {
  const submittedAtMs = Date.parse(input.submittedAt);
  const state: TicketState = {
    number: input.number,
    status: 'submitted',
    priority: input.priority,
    category: input.category,
    location: input.location,
    description: input.description,
    requester: input.requester,
    assignee: null,
    owner: null,
    team: null,
    declinedBy: [],
    submittedAtMs,
    acceptedAtMs: null,
    resolvedAtMs: null,
    closedAtMs: null,
    cancelledAtMs: null,
    onSiteAtMs: null,
    pause: null,
    resolveClock: { usedMs: 0, runningSinceMs: submittedAtMs },
    escalation: { respond: 0, resolve: 0 },
    breached: { respond: false, resolve: false },
    reopenCount: 0,
    survey: { round: 0, askedAtMs: null, remindedAtMs: null, rating: null, comment: null },
    resolution: null,
    cancelReason: null,
    seq: 0,
  };
  const step: Step = { state, events: [], assignment: { reason: 'submitted', team: null, exclude: [] } };
  emit(step, 'submitted', submittedAtMs, null, {
    priority: input.priority,
    category: input.category.code,
    location: input.location.code,
  });
  return step;
}

/** Applies the dispatch rules' answer: a named holder, or the dispatcher queue. */
export function applyAssignment(
  prev: TicketState,
  request: AssignmentRequest,
  result: AssignmentResult,
  nowMs: number,
): Step {
  const step: Step = { state: clone(prev), events: [], assignment: null };
  const { state } = step;
  const inWork = IN_WORK.includes(state.status);
  // Someone took the ticket while the rules were choosing (or it moved on, or ended): their action wins, the answer is moot.
  const stillWanted =
    request.reason === 'transfer'
      ? state.team === request.team && (inWork || AWAITING_ACCEPT.includes(state.status))
      : AWAITING_ACCEPT.includes(state.status);
  if (!stillWanted) return step;
  state.team = null;
  if (result.assignee) {
    state.assignee = result.assignee;
    if (!inWork) state.status = 'assigned';
    emit(step, 'assigned', nowMs, null, { to: publicStaff(result.assignee), rule: result.reason });
  } else {
    if (!inWork) {
      state.assignee = null;
      state.status = 'submitted';
    }
    emit(step, 'queued', nowMs, null, { reason: result.reason });
  }
  return step;
}

/** Applies a command that `refuse` allowed. */
export function applyCommand(
  prev: TicketState,
  command: TicketCommand,
  actor: Actor,
  nowMs: number,
  policy: SlaPolicy,
): Step {
  const step: Step = { state: clone(prev), events: [], assignment: null };
  const { state } = step;
  switch (command.type) {
    case 'accept': {
      const me = staffRef(actor);
      state.assignee = me;
      state.owner ??= me;
      state.acceptedAtMs ??= nowMs;
      state.status = 'in_progress';
      emit(step, 'accepted', nowMs, actor, { owner: publicStaff(state.owner) });
      break;
    }
    case 'decline':
      state.declinedBy = [...new Set([...state.declinedBy, actor.kind === 'staff' ? actor.username : ''])];
      emit(step, 'declined', nowMs, actor, { reason: command.reason });
      state.assignee = null;
      state.status = 'submitted';
      step.assignment = { reason: 'declined', team: null, exclude: state.declinedBy };
      break;
    case 'transfer':
      applyTransfer(step, command, actor, nowMs);
      break;
    case 'note':
      emit(step, 'note', nowMs, actor, { note: command.note });
      break;
    case 'on_site':
      state.onSiteAtMs = nowMs;
      emit(step, 'on_site', nowMs, actor);
      break;
    case 'pause':
      stopResolveClock(state, policy, nowMs);
      state.pause = { reason: command.reason, sinceMs: nowMs };
      state.status = 'paused';
      emit(step, 'paused', nowMs, actor, { reason: command.reason });
      break;
    case 'resume':
      emit(step, 'resumed', nowMs, actor, {
        reason: command.reason,
        pausedMs: nowMs - (state.pause?.sinceMs ?? nowMs),
      });
      state.pause = null;
      state.resolveClock.runningSinceMs = nowMs;
      state.status = 'in_progress';
      break;
    case 'resolve':
      stopResolveClock(state, policy, nowMs);
      state.pause = null;
      state.status = 'resolved';
      state.resolution = command.resolution;
      state.resolvedAtMs = nowMs;
      state.survey = {
        round: state.survey.round + 1,
        askedAtMs: nowMs,
        remindedAtMs: null,
        rating: null,
        comment: null,
      };
      emit(step, 'resolved', nowMs, actor, { resolution: command.resolution, round: state.survey.round });
      break;
    case 'confirm':
      state.survey.rating = command.rating;
      state.survey.comment = command.comment;
      state.status = 'closed';
      state.closedAtMs = nowMs;
      emit(step, 'confirmed', nowMs, actor, {
        rating: command.rating,
        comment: command.comment,
        round: state.survey.round,
      });
      break;
    case 'reject':
      state.reopenCount += 1;
      state.status = 'in_progress';
      state.assignee = state.owner;
      state.resolvedAtMs = null;
      state.resolveClock.runningSinceMs = nowMs;
      state.survey.askedAtMs = null;
      emit(step, 'rejected', nowMs, actor, {
        reason: command.reason,
        round: state.survey.round,
        reopenCount: state.reopenCount,
        to: publicStaff(state.owner),
      });
      break;
    case 'cancel':
      stopResolveClock(state, policy, nowMs);
      state.status = 'cancelled';
      state.cancelledAtMs = nowMs;
      state.cancelReason = command.reason;
      emit(step, 'cancelled', nowMs, actor, { reason: command.reason });
      break;
    case 'priority':
      emit(step, 'priority_changed', nowMs, actor, {
        from: state.priority,
        to: command.priority,
        reason: command.reason,
      });
      state.priority = command.priority;
      break;
  }
  return step;
}

function applyTransfer(
  step: Step,
  command: Extract<TicketCommand, { type: 'transfer' }>,
  actor: Actor,
  nowMs: number,
): void {
  const { state } = step;
  const from = publicStaff(state.assignee);
  const inWork = IN_WORK.includes(state.status);
  if (command.to.kind === 'staff') {
    state.assignee = command.to.staff;
    if (!inWork) state.status = 'assigned';
    emit(step, 'transferred', nowMs, actor, {
      from,
      to: publicStaff(command.to.staff),
      reason: command.reason,
      owner: publicStaff(state.owner),
    });
    return;
  }
  state.team = command.to.team;
  emit(step, 'transferred', nowMs, actor, {
    from,
    toTeam: command.to.team,
    reason: command.reason,
    owner: publicStaff(state.owner),
  });
  step.assignment = {
    reason: 'transfer',
    team: command.to.team,
    exclude: state.assignee ? [state.assignee.username] : [],
  };
}
