import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { Client } from '@temporalio/client';
import type { TicketEvent } from '../../domain/ticket-types';
import { ticketWorkflowId } from '../../workflows/ticket-contract';

const EventType = temporal.api.enums.v1.EventType;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Payloads = temporal.api.common.v1.IPayloads | null | undefined;

/** One step of a ticket's workflow history, before it is put into words. */
export type HistoryStep =
  | { kind: 'started'; at: string; id: number }
  | { kind: 'update'; at: string; id: number; name: string; actor: string | null }
  | { kind: 'timer_started'; at: string; id: number; seconds: number }
  | { kind: 'timer_fired'; at: string; id: number }
  | { kind: 'timer_cancelled'; at: string; id: number }
  | { kind: 'activity'; at: string; id: number; name: string; events: Pick<TicketEvent, 'type' | 'data'>[] }
  | { kind: 'activity_failed'; at: string; id: number; message: string }
  | { kind: 'completed'; at: string; id: number };

function at(event: HistoryEvent): string {
  const time = event.eventTime;
  const ms = Number(time?.seconds ?? 0) * 1000 + Math.floor((time?.nanos ?? 0) / 1e6);
  return new Date(ms).toISOString();
}

function decode(payloads: Payloads): unknown[] {
  return (payloads?.payloads ?? []).map((p) => {
    try {
      return defaultPayloadConverter.fromPayload(p);
    } catch {
      return undefined;
    }
  });
}

function actorName(value: unknown): string | null {
  if (typeof value !== 'object' || value == null) return null;
  const actor = value as { kind?: string; name?: string; badge?: string };
  if (typeof actor.name !== 'string') return null;
  return actor.kind === 'staff' && typeof actor.badge === 'string'
    ? `${actor.name} (${actor.badge})`
    : actor.name;
}

function toStep(event: HistoryEvent): HistoryStep | null {
  const base = { at: at(event), id: Number(event.eventId ?? 0) };
  switch (event.eventType) {
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
      return { kind: 'started', ...base };
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED: {
      const input = event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input;
      const [actor] = decode(input?.args);
      return { kind: 'update', ...base, name: input?.name ?? '?', actor: actorName(actor) };
    }
    case EventType.EVENT_TYPE_TIMER_STARTED: {
      const timeout = event.timerStartedEventAttributes?.startToFireTimeout;
      return { kind: 'timer_started', ...base, seconds: Number(timeout?.seconds ?? 0) };
    }
    case EventType.EVENT_TYPE_TIMER_FIRED:
      return { kind: 'timer_fired', ...base };
    case EventType.EVENT_TYPE_TIMER_CANCELED:
      return { kind: 'timer_cancelled', ...base };
    case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: {
      const attrs = event.activityTaskScheduledEventAttributes;
      const [input] = decode(attrs?.input);
      const events = (input as { events?: TicketEvent[] } | undefined)?.events ?? [];
      return {
        kind: 'activity',
        ...base,
        name: attrs?.activityType?.name ?? '?',
        events: Array.isArray(events) ? events.map((e) => ({ type: e.type, data: e.data ?? {} })) : [],
      };
    }
    case EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED:
      return {
        kind: 'activity_failed',
        ...base,
        message: event.activityTaskFailedEventAttributes?.failure?.message ?? '',
      };
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
      return { kind: 'completed', ...base };
    default:
      return null;
  }
}

/** A ticket's workflow history from Temporal, reduced to the steps a manager reads (workflow tasks left out). */
export async function ticketHistorySteps(client: Client, number: string): Promise<HistoryStep[]> {
  const history = await client.workflow.getHandle(ticketWorkflowId(number)).fetchHistory();
  return (history.events ?? []).map(toStep).filter((step): step is HistoryStep => step != null);
}
