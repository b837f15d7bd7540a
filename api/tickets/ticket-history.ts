import { WorkflowNotFoundError } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { tsToMs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { intakeExists } from '../../db/repositories/intake';
import { openingRecordFromHistory, startInputOf } from '../../lib/workflow-history';
import type { Actor, EventActor, TicketEvent, TicketInput } from '../../domain/ticket-types';
import type { TicketCommand } from '../../domain/ticket-rules';
import { ticketWorkflowId } from '../../workflows/ticket-contract';
import type { ApiDeps } from '../deps';
import { AppError } from '../http/errors';

const { EventType } = temporal.api.enums.v1;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export type HistoryKind =
  | 'workflow_started'
  | 'action'
  | 'signal'
  | 'timer_started'
  | 'timer_fired'
  | 'timer_cancelled'
  | 'activity_retried'
  | 'activity_failed'
  | 'activity_timed_out'
  | 'ticket_event'
  | 'escalation'
  | 'workflow_ended';

/** One line of a ticket's timeline, read from its Temporal event history. */
export interface HistoryEntry {
  /** Temporal's event id; entries taken from one activity input share it and differ by `ticketEvent`. */
  eventId: number;
  at: string;
  kind: HistoryKind;
  summary: string;
  actor: EventActor | null;
  /** For `ticket_event` and `escalation`: the event as `ticket_events` stores it. */
  ticketEvent?: TicketEvent;
  data: Record<string, unknown>;
}

type Deps = Pick<ApiDeps, 'pool' | 'temporal'>;

/**
 * The ticket's Temporal event history in plain words: staff and requester actions (updates and signals)
 * with their actor, timers started, fired and cancelled, activities that failed or were retried, and
 * every lifecycle event (escalations included) as the workflow handed it to the read model, so the
 * `ticket_event` entries are exactly the rows of `ticket_events`.
 */
export async function getTicketHistory(deps: Deps, number: string): Promise<HistoryEntry[]> {
  if (!(await intakeExists(deps.pool, number))) throw AppError.notFound(`No ticket ${number}.`);
  let events: HistoryEvent[];
  try {
    const history = await deps.temporal.workflow.getHandle(ticketWorkflowId(number)).fetchHistory();
    events = history.events ?? [];
  } catch (err) {
    if (err instanceof WorkflowNotFoundError || isNotFound(err))
      throw AppError.notFound(`Ticket ${number} has no workflow history (yet).`);
    throw err;
  }
  return toTimeline(events);
}

function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err != null && (err as { code?: unknown }).code === 5;
}

const decode = (payload: Payload | null | undefined): unknown =>
  payload ? defaultPayloadConverter.fromPayload(payload) : undefined;

const num = (value: unknown): number => Number(value ?? 0);

function eventActor(actor: Actor | undefined): EventActor | null {
  if (!actor) return null;
  if (actor.kind === 'requester') return { kind: 'requester', name: actor.name };
  return { kind: 'staff', username: actor.username, name: actor.name, badge: actor.badge, unit: actor.unit };
}

const who = (actor: EventActor | null): string =>
  actor == null
    ? 'the desk'
    : actor.kind === 'requester'
      ? `requester ${actor.name}`
      : `${actor.name} (${actor.username})`;

/** Turns raw history events into timeline entries; events of no interest to a manager (workflow tasks) are left out. */
export function toTimeline(events: HistoryEvent[]): HistoryEntry[] {
  const activities = new Map<number, string>();
  const timers = new Map<string, string>();
  const out: HistoryEntry[] = [];
  let input: TicketInput | undefined;
  for (const event of events) {
    const eventId = num(event.eventId);
    const at = new Date(tsToMs(event.eventTime)).toISOString();
    const entry = (
      kind: HistoryKind,
      summary: string,
      data: Record<string, unknown> = {},
      actor: EventActor | null = null,
    ) => out.push({ eventId, at, kind, summary, actor, data });
    // A timeline picks the event types a manager cares about; the other ~45 of Temporal's are skipped on purpose.
    // eslint-disable-next-line @typescript-eslint/switch-exhaustiveness-check
    switch (event.eventType) {
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
        input = startInputOf(event);
        entry('workflow_started', 'The ticket workflow started.', {
          workflowType: event.workflowExecutionStartedEventAttributes?.workflowType?.name,
        });
        break;
      case EventType.EVENT_TYPE_MARKER_RECORDED:
        // The opening (submission and dispatch) ran as a local activity in the first workflow task.
        pushTicketEvents(openingRecordFromHistory(event, input)?.events ?? [], eventId, at, out);
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED: {
        const request = event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest;
        const [actor, command] = (request?.input?.args?.payloads ?? []).map(decode) as [
          Actor?,
          TicketCommand?,
        ];
        const name = request?.input?.name ?? 'update';
        const by = eventActor(actor);
        entry('action', `${who(by)}: ${name.replace('_', ' ')}.`, { name, command: command ?? null }, by);
        break;
      }
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED: {
        const attrs = event.workflowExecutionSignaledEventAttributes;
        const [actor, ...args] = (attrs?.input?.payloads ?? []).map(decode);
        const by = isActor(actor) ? eventActor(actor) : null;
        entry(
          'signal',
          `${who(by)}: signal ${attrs?.signalName ?? ''}.`,
          { name: attrs?.signalName, args },
          by,
        );
        break;
      }
      case EventType.EVENT_TYPE_TIMER_STARTED: {
        const attrs = event.timerStartedEventAttributes;
        const fireAt = new Date(Date.parse(at) + tsToMs(attrs?.startToFireTimeout)).toISOString();
        timers.set(attrs?.timerId ?? '', fireAt);
        entry('timer_started', `A timer was set to wake the ticket at ${fireAt}.`, {
          timerId: attrs?.timerId,
          fireAt,
        });
        break;
      }
      case EventType.EVENT_TYPE_TIMER_FIRED: {
        const timerId = event.timerFiredEventAttributes?.timerId ?? '';
        entry('timer_fired', 'A timer fired: a deadline or survey time was reached.', {
          timerId,
          fireAt: timers.get(timerId) ?? null,
        });
        break;
      }
      case EventType.EVENT_TYPE_TIMER_CANCELED: {
        const timerId = event.timerCanceledEventAttributes?.timerId ?? '';
        entry('timer_cancelled', 'A timer was cancelled: something happened before it was due.', { timerId });
        break;
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        scheduled(event, eventId, at, activities, out);
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED: {
        const attrs = event.activityTaskStartedEventAttributes;
        const attempt = attrs?.attempt ?? 1;
        if (attempt > 1) {
          const activity = activities.get(num(attrs?.scheduledEventId)) ?? 'activity';
          entry(
            'activity_retried',
            `${activity} failed ${attempt - 1} time(s) and was retried (attempt ${attempt}).`,
            {
              activity,
              attempt,
              lastFailure: attrs?.lastFailure?.message ?? null,
            },
          );
        }
        break;
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED: {
        const attrs = event.activityTaskFailedEventAttributes;
        const activity = activities.get(num(attrs?.scheduledEventId)) ?? 'activity';
        entry('activity_failed', `${activity} failed: ${attrs?.failure?.message ?? 'unknown error'}.`, {
          activity,
          failure: attrs?.failure?.message ?? null,
        });
        break;
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT: {
        const attrs = event.activityTaskTimedOutEventAttributes;
        const activity = activities.get(num(attrs?.scheduledEventId)) ?? 'activity';
        entry('activity_timed_out', `${activity} timed out.`, { activity });
        break;
      }
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED:
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT:
        entry('workflow_ended', 'The ticket workflow ended.', {
          outcome: EventType[event.eventType].replace('EVENT_TYPE_WORKFLOW_EXECUTION_', '').toLowerCase(),
        });
        break;
      default:
        break;
    }
  }
  return out;
}

function isActor(value: unknown): value is Actor {
  const kind = (value as { kind?: unknown } | null)?.kind;
  return kind === 'staff' || kind === 'requester';
}

/** Remembers the activity's name; a recordTicket input carries the lifecycle events it writes to `ticket_events`. */
function scheduled(
  event: HistoryEvent,
  eventId: number,
  at: string,
  activities: Map<number, string>,
  out: HistoryEntry[],
): void {
  const attrs = event.activityTaskScheduledEventAttributes;
  const name = attrs?.activityType?.name ?? 'activity';
  activities.set(eventId, name);
  if (name !== 'recordTicket') return;
  const input = decode(attrs?.input?.payloads?.[0]) as { events?: TicketEvent[] } | undefined;
  pushTicketEvents(input?.events ?? [], eventId, at, out);
}

/** The lifecycle events a write carried, as timeline entries (escalations told apart). */
function pushTicketEvents(events: TicketEvent[], eventId: number, at: string, out: HistoryEntry[]): void {
  for (const ticketEvent of events) {
    const escalation = ticketEvent.type === 'escalated';
    const data = ticketEvent.data;
    out.push({
      eventId,
      at: ticketEvent.at ?? at,
      kind: escalation ? 'escalation' : 'ticket_event',
      summary: escalation
        ? `The ${String(data.clock)} deadline was missed: escalated to level ${String(data.level)}.`
        : `${who(ticketEvent.actor)}: ${ticketEvent.type.replace('_', ' ')} (event ${ticketEvent.seq}).`,
      actor: ticketEvent.actor,
      ticketEvent,
      data: {},
    });
  }
}
