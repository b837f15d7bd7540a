import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { attentionRetryDelayMs } from '../domain/attention';
import {
  applyAssignment,
  applyCommand,
  deadlines,
  nextDue,
  openingStep,
  runDue,
  type AssignmentRequest,
  type Step,
} from '../domain/ticket-machine';
import { refuse, type Refusal, type TicketCommand } from '../domain/ticket-rules';
import { isEnded } from '../domain/ticket-status';
import type { Actor, TicketEvent, TicketInput, TicketState } from '../domain/ticket-types';
import { toView } from '../domain/ticket-view';
import { ticketSearchAttributes } from './ticket-search-attributes';
import {
  REFUSAL_FAILURE_TYPES,
  everyTicketUpdate,
  ticketStateQuery,
  type TicketOutcome,
  type TicketSnapshot,
} from './ticket-contract';

const retry = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' } as const;
const { recordTicket, assignTicket, flagTicket } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry,
});
/** The opening runs inside the first workflow task: one task and no activity tasks for the server to route. */
const { openTicket } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry,
});

/** Patch id of the opening in one workflow task (docs/workflow-versioning.md); older histories dispatch and record as activities. */
export const OPEN_IN_FIRST_TASK = 'open-in-first-task';
/** Patch id: an action that reaches the workflow before its opening waits for the opening (docs/workflow-versioning.md). */
export const ACTIONS_AFTER_OPENING = 'actions-after-opening';
/** Patch id: a step that fails for good marks the ticket as needing attention and is retried, instead of failing the workflow. */
export const NEEDS_ATTENTION = 'needs-attention';

const refusalFailure = (refusal: Refusal): ApplicationFailure =>
  ApplicationFailure.create({
    type: REFUSAL_FAILURE_TYPES[refusal.code],
    message: refusal.message,
    nonRetryable: true,
  });

/** One durable workflow per ticket: dispatch, the two SLA clocks with their escalation ladders, and the survey. */
export async function ticketWorkflow(input: TicketInput): Promise<TicketOutcome> {
  const { policy } = input;
  const priorities = Object.keys(policy.priorities);
  const opened = openingStep(input);
  let state: TicketState = opened.state;
  let unpersisted: TicketEvent[] = opened.events;
  let assignment: AssignmentRequest | null = opened.assignment;
  let persistedSeq = 0;
  let working = false;
  /** The opening's local activity is running; commands wait for it (only possible if it outlasts a workflow task). */
  let opening = false;
  /**
   * The opening is done (or needs none). An action can arrive in the first workflow task, before the
   * main code has started the opening: its handler runs as soon as it is registered, so it must wait.
   */
  let openingDone = assignment == null;
  /** The state changed without an event (a clock marked breached), so the read model must be rewritten. */
  let dirty = false;
  let indexed = '';

  /** Keeps the workflow's search attributes in step with the state, upserting only on change. */
  const index = (): void => {
    const pairs = ticketSearchAttributes(state);
    const signature = JSON.stringify(pairs.map((p) => p.value));
    if (signature === indexed) return;
    indexed = signature;
    upsertSearchAttributes(pairs);
  };

  const commit = (step: Step): void => {
    state = step.state;
    unpersisted.push(...step.events);
    if (step.assignment) assignment = step.assignment;
  };
  const snapshot = (): TicketSnapshot => ({ state, view: toView(state, policy, Date.now()), unpersisted });

  /** Steps that failed for good since the read model was last written; sets the backoff. */
  let failures = 0;
  /** Stalls begun so far: an action made while a step keeps failing answers once its own retry has failed. */
  let stalls = 0;
  /**
   * A step failed with an error no retry fixes (bad data, a reference gone): the ticket is marked as
   * needing attention where dispatchers and managers see it, and the step is tried again after a backoff,
   * or at once when a new action arrives. Anything else fails the workflow task as before.
   */
  const stall = async (err: unknown, activity: string): Promise<void> => {
    // An activity's failure arrives wrapped in ActivityFailure; a local activity's as the ApplicationFailure itself.
    const failed = err instanceof ActivityFailure || err instanceof ApplicationFailure;
    if (!failed || !patched(NEEDS_ATTENTION)) throw err;
    const reason = err instanceof ActivityFailure && err.cause ? err.cause.message : err.message;
    await flagTicket({ number: input.number, kind: 'failed', activity, reason, state });
    const waiting = unpersisted.length;
    stalls += 1;
    await condition(() => unpersisted.length > waiting, attentionRetryDelayMs(failures));
    failures += 1;
  };

  setHandler(ticketStateQuery, snapshot);
  for (const update of everyTicketUpdate) {
    setHandler(
      update,
      async (actor, command) => {
        if (!openingDone && patched(ACTIONS_AFTER_OPENING)) {
          await condition(() => openingDone);
          // Validated against the submitted state; the opening may have changed the answer.
          const refusal = refuse(state, command, actor, priorities);
          if (refusal) throw refusalFailure(refusal);
        } else if (opening) {
          await condition(() => !opening);
          // Validated against the state before dispatch; the dispatch decision may have changed the answer.
          const refusal = refuse(state, command, actor, priorities);
          if (refusal) throw refusalFailure(refusal);
        }
        commit(applyCommand(state, command, actor, Date.now(), policy));
        const target = state.seq;
        const seenStalls = stalls;
        await condition(
          () => (persistedSeq >= target && assignment == null && !working) || stalls > seenStalls,
        );
        return snapshot();
      },
      {
        validator: (actor: Actor, command: TicketCommand) => {
          const refusal = refuse(state, command, actor, priorities);
          if (refusal) throw refusalFailure(refusal);
        },
      },
    );
  }

  const dispatchInput = (request: AssignmentRequest, atMs: number) => ({
    number: input.number,
    requestKey: `${input.number}:${state.seq}`,
    timezone: policy.calendar.timezone,
    skill: state.category.skill,
    zone: state.location.zone,
    team: request.team,
    exclude: request.exclude,
    atMs,
  });

  if (assignment != null && patched(OPEN_IN_FIRST_TASK)) {
    // Dispatch and the first write in one local activity; the same pure step applied here is what it wrote.
    const request: AssignmentRequest = assignment;
    opening = true;
    // A retried first task gets the first attempt's answer and instant back: apply those, as the write did.
    try {
      const answer = await openTicket({
        dispatch: dispatchInput(request, Date.now()),
        request,
        state,
        events: unpersisted,
        policy,
      });
      const step = applyAssignment(state, request, answer.assignment, answer.atMs);
      state = step.state;
      assignment = step.assignment;
      unpersisted = [];
      persistedSeq = state.seq;
      opening = false;
      openingDone = true;
      index();
    } catch (err) {
      // Nothing was written (one transaction): the loop dispatches and records as separate steps.
      opening = false;
      openingDone = true;
      await stall(err, 'openTicket');
    }
  }
  openingDone = true;

  for (;;) {
    if (assignment != null) {
      const request: AssignmentRequest = assignment;
      working = true;
      assignment = null;
      let result: Awaited<ReturnType<typeof assignTicket>>;
      try {
        result = await assignTicket(dispatchInput(request, Date.now()));
      } catch (err) {
        assignment = request;
        working = false;
        await stall(err, 'assignTicket');
        continue;
      }
      commit(applyAssignment(state, request, result, Date.now()));
      working = false;
      continue;
    }
    if (unpersisted.length > 0 || dirty) {
      index();
      const events = unpersisted;
      unpersisted = [];
      dirty = false;
      working = true;
      try {
        await recordTicket({
          state,
          view: toView(state, policy, Date.now()),
          live: deadlines(state, policy),
          events,
        });
      } catch (err) {
        unpersisted = [...events, ...unpersisted];
        dirty = true;
        working = false;
        await stall(err, 'recordTicket');
        continue;
      }
      failures = 0;
      persistedSeq = events.at(-1)?.seq ?? persistedSeq;
      working = false;
      continue;
    }
    if (isEnded(state.status)) break;
    const due = nextDue(state, policy);
    const woken = await wakeOn(
      () => unpersisted.length > 0 || assignment != null,
      due ? due.atMs - Date.now() : null,
    );
    if (!woken) {
      commit(runDue(state, policy, Date.now()));
      dirty = true;
    }
  }
  await condition(allHandlersFinished);
  return { number: input.number, status: state.status, events: state.seq };
}

/** Waits for `fn` or for `waitMs` to pass; true when `fn` came first. A due time already past returns at once. */
async function wakeOn(fn: () => boolean, waitMs: number | null): Promise<boolean> {
  if (waitMs == null) {
    await condition(fn);
    return true;
  }
  if (waitMs <= 0) return false;
  return condition(fn, waitMs);
}
