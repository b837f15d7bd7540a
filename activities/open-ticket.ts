import {
  applyAssignment,
  deadlines,
  type AssignmentRequest,
  type AssignmentResult,
} from '../domain/ticket-machine';
import type { SlaPolicy } from '../domain/sla-types';
import type { TicketEvent, TicketState } from '../domain/ticket-types';
import { toView } from '../domain/ticket-view';
import type { AssignTicketInput, Dispatched } from './assign-ticket';
import type { RecordTicketInput } from './record-ticket';

/** A new ticket as its workflow opened it, with the dispatch request the opening makes. */
export interface OpenTicketInput {
  dispatch: AssignTicketInput;
  request: AssignmentRequest;
  /** The state before dispatch, and the events that led to it (the submission). */
  state: TicketState;
  events: TicketEvent[];
  /** The ticket's policy snapshot, for the view and the deadlines of the first write. */
  policy: SlaPolicy;
}

/**
 * The dispatch answer and the instant it was applied at. That is all history keeps of the opening:
 * `openingRecord` rebuilds the snapshot written from these and the workflow's input (`lib/workflow-history.ts`).
 */
export interface OpenTicketResult {
  assignment: AssignmentResult;
  atMs: number;
}

/** The first snapshot of a ticket: its submission and the dispatch answer, applied at `atMs`. Pure. */
export function openingRecord(
  input: Omit<OpenTicketInput, 'dispatch'>,
  assignment: AssignmentResult,
  atMs: number,
): RecordTicketInput {
  const step = applyAssignment(input.state, input.request, assignment, atMs);
  return {
    state: step.state,
    view: toView(step.state, input.policy, atMs),
    live: deadlines(step.state, input.policy),
    events: [...input.events, ...step.events],
  };
}

/**
 * The opening of a ticket in one step: dispatch, then one write of the submission and the dispatch
 * decision together (the activity runs both in one transaction). The workflow applies the answer at
 * the instant returned, with the same pure function, so what is written is exactly the workflow's
 * state after the opening. A local activity runs again when its workflow task is retried (a worker
 * died before completing it): the decision is keyed by `requestKey`, so a repeat gets the first
 * answer and instant back and writes nothing, because that first write committed with the decision.
 */
export async function openTicketWith(
  dispatch: (input: AssignTicketInput) => Promise<Dispatched>,
  record: (input: RecordTicketInput) => Promise<void>,
  input: OpenTicketInput,
): Promise<OpenTicketResult> {
  const { result, atMs, fresh } = await dispatch(input.dispatch);
  if (fresh) await record(openingRecord(input, result, atMs));
  return { assignment: result, atMs };
}
