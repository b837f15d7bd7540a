import { addClockTime, clockTimeBetween } from './sla-clock';
import { AWAITING_ACCEPT, IN_WORK } from './ticket-status';
import type { SlaPolicy } from './sla-types';
import { raisedPriority } from './sla-priorities';
import type { TicketCommand } from './ticket-rules';
import type {
  Actor,
  ClockName,
  EventActor,
  StaffRef,
  TicketEvent,
  TicketEventType,
  TicketInput,
  TicketState,
} from './ticket-types';

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

const clone = (state: TicketState): TicketState => JSON.parse(JSON.stringify(state)) as TicketState;
const iso = (ms: number): string => new Date(ms).toISOString();

/** Records an event on a step, numbering it after the ticket's last event. */
function emit(
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

function staffRef(actor: Actor): StaffRef | null {
  if (actor.kind !== 'staff') return null;
  const { username, name, badge, unit, unitCode, teamCode } = actor;
  return { username, name, badge, unit, unitCode, teamCode };
}

const publicStaff = (s: StaffRef | null) =>
  s && { username: s.username, name: s.name, badge: s.badge, unit: s.unit };

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

function stopResolveClock(state: TicketState, policy: SlaPolicy, nowMs: number): void {
  // Time is banked as clock time, so a paused stretch is simply never counted.
  state.resolveClock = { usedMs: resolveUsedMs(state, policy, nowMs), runningSinceMs: null };
}

/** Clock time consumed on the resolve clock, converted through the policy's calendar. */
function resolveUsedMs(state: TicketState, policy: SlaPolicy, nowMs: number): number {
  const limits = policy.priorities[state.priority];
  const running = state.resolveClock.runningSinceMs;
  const banked = state.resolveClock.usedMs;
  if (running == null || !limits) return banked;
  return banked + clockTimeBetween(running, nowMs, limits.clock, policy.calendar);
}

/** The deadline of each clock that is still running, as epoch milliseconds. */
export function deadlines(state: TicketState, policy: SlaPolicy): Record<ClockName, number | null> {
  const limits = policy.priorities[state.priority];
  if (!limits) return { respond: null, resolve: null };
  const respondOpen = state.acceptedAtMs == null && AWAITING_ACCEPT.includes(state.status);
  const respond = respondOpen
    ? addClockTime(state.submittedAtMs, limits.respondMs, limits.clock, policy.calendar)
    : null;
  const running = state.resolveClock.runningSinceMs;
  let resolve: number | null = null;
  if (running != null) {
    const remaining = limits.resolveMs - state.resolveClock.usedMs;
    resolve = remaining > 0 ? addClockTime(running, remaining, limits.clock, policy.calendar) : running;
  }
  return { respond, resolve };
}

/** The fixed deadline of a clock for display after it stopped, so the requester still sees what was promised. */
export function promisedDeadlines(state: TicketState, policy: SlaPolicy): Record<ClockName, number | null> {
  const live = deadlines(state, policy);
  const limits = policy.priorities[state.priority];
  if (!limits) return live;
  const respond =
    live.respond ?? addClockTime(state.submittedAtMs, limits.respondMs, limits.clock, policy.calendar);
  return { respond, resolve: live.resolve };
}

export interface Due {
  atMs: number;
  kind: 'breach' | 'escalate' | 'survey_remind' | 'survey_expire';
  clock?: ClockName;
}

/** What the desk itself must do next and when: marking a clock breached at its deadline, the next escalation level of a running clock, or the survey's reminder or expiry. */
export function nextDue(state: TicketState, policy: SlaPolicy): Due | null {
  const candidates: Due[] = [];
  const live = deadlines(state, policy);
  for (const clock of ['respond', 'resolve'] as const) {
    const deadline = live[clock];
    if (deadline == null) continue;
    // A missed deadline is a breach even when the ladder is empty or its first level waits.
    if (!state.breached[clock]) candidates.push({ atMs: deadline, kind: 'breach', clock });
    const level = policy.escalation[clock][state.escalation[clock]];
    if (level) candidates.push({ atMs: deadline + level.afterMs, kind: 'escalate', clock });
  }
  if (state.status === 'resolved' && state.survey.askedAtMs != null) {
    const asked = state.survey.askedAtMs;
    if (state.survey.remindedAtMs == null) {
      candidates.push({ atMs: asked + policy.survey.remindAfterMs, kind: 'survey_remind' });
    }
    candidates.push({ atMs: asked + policy.survey.expireAfterMs, kind: 'survey_expire' });
  }
  candidates.sort((a, b) => a.atMs - b.atMs);
  return candidates[0] ?? null;
}

/** Runs whatever is due at `nowMs`, one item at a time, so a raised priority is seen by the next item. */
export function runDue(prev: TicketState, policy: SlaPolicy, nowMs: number): Step {
  const step: Step = { state: clone(prev), events: [], assignment: null };
  for (let guard = 0; guard < 50; guard += 1) {
    const due = nextDue(step.state, policy);
    if (!due || due.atMs > nowMs) break;
    if (due.kind === 'breach' && due.clock) step.state.breached[due.clock] = true;
    else if (due.kind === 'escalate' && due.clock) escalate(step, policy, due.clock, nowMs);
    else if (due.kind === 'survey_remind') {
      step.state.survey.remindedAtMs = nowMs;
      emit(step, 'survey_reminded', nowMs, null, { round: step.state.survey.round, dueAt: iso(due.atMs) });
    } else {
      closeUnrated(step, nowMs, due.atMs);
      break;
    }
  }
  return step;
}

function escalate(step: Step, policy: SlaPolicy, clock: ClockName, nowMs: number): void {
  const { state } = step;
  const deadline = deadlines(state, policy)[clock];
  const levelIndex = state.escalation[clock];
  const level = policy.escalation[clock][levelIndex];
  if (deadline == null || !level) return;
  state.escalation[clock] = levelIndex + 1;
  state.breached[clock] = true;
  const actions: string[] = [];
  if (level.reassign) actions.push('reassign');
  if (level.raisePriority && raisedPriority(policy, state.priority) !== state.priority)
    actions.push('raisePriority');
  emit(step, 'escalated', nowMs, null, {
    clock,
    level: levelIndex + 1,
    deadline: iso(deadline),
    dueAt: iso(deadline + level.afterMs),
    firedAt: iso(nowMs),
    notify: level.notify,
    actions,
    priority: state.priority,
  });
  if (actions.includes('raisePriority')) {
    const to = raisedPriority(policy, state.priority);
    emit(step, 'priority_changed', nowMs, null, { from: state.priority, to, reason: 'escalation' });
    state.priority = to;
  }
  if (actions.includes('reassign') && AWAITING_ACCEPT.includes(state.status)) {
    const exclude = [...state.declinedBy, ...(state.assignee ? [state.assignee.username] : [])];
    step.assignment = { reason: 'escalation', team: null, exclude };
  }
}

function closeUnrated(step: Step, nowMs: number, dueAtMs: number): void {
  const { state } = step;
  state.status = 'closed';
  state.closedAtMs = nowMs;
  emit(step, 'closed', nowMs, null, {
    reason: 'survey_expired',
    round: state.survey.round,
    dueAt: iso(dueAtMs),
  });
}
