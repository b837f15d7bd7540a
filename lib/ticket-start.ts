import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { TicketInput } from '../domain/ticket-types';
import { ticketWorkflowId } from '../workflows/ticket-contract';

/**
 * The submission a ticket's workflow was started with (its first history event), read from Temporal
 * without a worker: what the desk can still tell about a report whose opening has not been recorded.
 * Undefined when the workflow has no such event; Temporal's errors (not found included) are thrown.
 */
export async function ticketStartInput(temporal: Client, number: string): Promise<TicketInput | undefined> {
  const history = await temporal.workflowService.getWorkflowExecutionHistory({
    namespace: temporal.options.namespace,
    execution: { workflowId: ticketWorkflowId(number) },
    maximumPageSize: 1,
  });
  const payload = history.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  return payload ? defaultPayloadConverter.fromPayload<TicketInput>(payload) : undefined;
}
