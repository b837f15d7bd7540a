import { addClockTime, clockTimeBetween } from './sla-clock';
import type { SlaPolicy } from './sla-types';
import { AWAITING_ACCEPT } from './ticket-status';
import type { ClockName, TicketState } from './ticket-types';

/** The two SLA clocks of a ticket: time used on the resolve clock, and the deadlines they promise. */

export function stopResolveClock(state: TicketState, policy: SlaPolicy, nowMs: number): void {
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
