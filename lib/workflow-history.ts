/**
 * Reading a ticket workflow's history without a worker: the submission it was started with, and the
 * opening its first workflow task recorded. `npm run verify`, the managers' history view and the
 * stuck-ticket scan read history through these, so each fact is decoded in one place.
 */
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { openingRecord, type OpenTicketResult } from '../activities/open-ticket';
import type { RecordTicketInput } from '../activities/record-ticket';
import { openingStep } from '../domain/ticket-machine';
import type { TicketInput } from '../domain/ticket-types';
import { ticketWorkflowId } from '../workflows/ticket-contract';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** The submission of a `WorkflowExecutionStarted` event (the workflow's input); undefined for any other event. */
export function startInputOf(event: HistoryEvent): TicketInput | undefined {
  const payload = event.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  return payload ? defaultPayloadConverter.fromPayload<TicketInput>(payload) : undefined;
}

/**
 * The submission a ticket's workflow was started with (its first history event), read from Temporal:
 * what the desk can still tell about a report whose opening has not been recorded. Undefined when the
 * workflow has no such event; Temporal's errors (not found included) are thrown.
 */
export async function ticketStartInput(temporal: Client, number: string): Promise<TicketInput | undefined> {
  const history = await temporal.workflowService.getWorkflowExecutionHistory({
    namespace: temporal.options.namespace,
    execution: { workflowId: ticketWorkflowId(number) },
    maximumPageSize: 1,
  });
  const first = history.history?.events?.[0];
  return first ? startInputOf(first) : undefined;
}

/** Marker name the SDK gives a local activity's result in history. */
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

/**
 * The snapshot the opening wrote, rebuilt from the `openTicket` local activity's marker in a ticket's
 * history and the workflow's input (the start event's); undefined for any other event. History keeps
 * only the dispatch answer and its instant; `openingRecord` rebuilds the rest.
 */
export function openingRecordFromHistory(
  event: HistoryEvent,
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
