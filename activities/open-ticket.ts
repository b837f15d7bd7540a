import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import {
  applyAssignment,
  deadlines,
  openingStep,
  type AssignmentRequest,
  type AssignmentResult,
} from '../domain/ticket-machine';
import type { SlaPolicy } from '../domain/sla-types';
import type { TicketEvent, TicketInput, TicketState } from '../domain/ticket-types';
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
 * `openingRecord` rebuilds the snapshot written from these and the workflow's input (`npm run verify` does).
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

/** Marker name the SDK gives a local activity's result in history. */
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

/**
 * The snapshot the opening wrote, rebuilt from the `openTicket` local activity's marker in a ticket's
 * history and the workflow's input (the start event's); undefined for any other event. `npm run verify`
 * and the managers' history view read the opening this way: history keeps only the answer and instant.
 */
export function openingRecordFromHistory(
  event: temporal.api.history.v1.IHistoryEvent,
  input: TicketInput | undefined,
): RecordTicketInput | undefined {
  const marker = event.markerRecordedEventAttributes;
  if (marker?.markerName !== LOCAL_ACTIVITY_MARKER || !input) return undefined;
  const data = marker.details?.data?.payloads?.[0];
  const result = marker.details?.result?.payloads?.[0];
  if (!data || !result) return undefined;
  const meta = defaultPayloadConverter.fromPayload<{ activity_type?: string }>(data);
  if (meta.activity_type !== 'openTicket') return undefined;
  const { assignment, atMs } = defaultPayloadConverter.fromPayload<OpenTicketResult>(result);
  const opened = openingStep(input);
  if (!opened.assignment) return undefined;
  return openingRecord(
    { state: opened.state, events: opened.events, request: opened.assignment, policy: input.policy },
    assignment,
    atMs,
  );
}
