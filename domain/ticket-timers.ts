import { raisedPriority } from './sla-priorities';
import type { SlaPolicy } from './sla-types';
import { deadlines } from './ticket-clocks';
import { clone, emit, iso, type Step } from './ticket-step';
import { AWAITING_ACCEPT } from './ticket-status';
import type { ClockName, TicketState } from './ticket-types';

/** What the desk does by itself when time passes: breaches, escalation levels, the survey's reminder and expiry. */

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
