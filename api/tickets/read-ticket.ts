import { WorkflowNotFoundError } from '@temporalio/client';
import { intakeExists } from '../../db/repositories/intake';
import { openAttentionMarks, type AttentionMark } from '../../db/repositories/attention';
import { findTicket, ticketEvents } from '../../db/repositories/tickets';
import { canActOn, canSeeTicket, ticketScope } from '../../domain/authz';
import { openingStep } from '../../domain/ticket-machine';
import { allowedCommands } from '../../domain/ticket-rules';
import type { Actor, StaffActor, TicketEvent, TicketState, TicketView } from '../../domain/ticket-types';
import { toView } from '../../domain/ticket-view';
import { ticketStartInput } from '../../lib/workflow-history';
import { ticketStateQuery, ticketWorkflowId } from '../../workflows/ticket-contract';
import type { ApiDeps } from '../deps';
import { AppError } from '../http/errors';
import { resolveTicketActor, type AccessPurpose } from './ticket-access';

export type { AttentionMark };

/** A ticket with its events, from the read model or its workflow. */
export interface LoadedTicket {
  state: TicketState;
  view: TicketView;
  events: TicketEvent[];
}

export interface Access {
  staff?: StaffActor;
  trackingToken?: string;
}

/**
 * The ticket as the API answers a read or an action: its view (`toView`, domain/ticket-view.ts, the one
 * shape of a ticket) with the events and actions this reader may see. The list's rows
 * (db/repositories/ticket-list.ts) pick from the same view; the pages format this one (`ticketModel`).
 */
export interface TicketDetail extends TicketView {
  /** Staff readers only: the open "needs attention" marks. */
  attention?: AttentionMark[];
  events: TicketEvent[];
  allowedActions: string[];
}

/** An action's answer when the action took the ticket out of the actor's sight (a hand-over to another team). */
export interface TicketOutOfSight {
  id: string;
  number: string;
  visible: false;
}

export const isOutOfSight = (answer: TicketDetail | TicketOutOfSight): answer is TicketOutOfSight =>
  'visible' in answer && answer.visible === false;

/** The ticket as the read model has it, or as its workflow has it in the moment between intake and the first write. */
export async function loadTicket(
  deps: ApiDeps,
  number: string,
  purpose: 'read' | 'act' = 'read',
): Promise<LoadedTicket> {
  const row = await findTicket(deps.pool, number);
  if (row) return { ...row, events: await ticketEvents(deps.pool, number) };
  if (!(await intakeExists(deps.pool, number))) throw AppError.notFound(`No ticket ${number}.`);
  const handle = deps.temporal.workflow.getHandle(ticketWorkflowId(number));
  try {
    // A workflow whose opening is stuck (no worker, a failing step) may never answer: wait briefly.
    const wait = purpose === 'act' ? ACT_QUERY_WAIT_MS : READ_QUERY_WAIT_MS;
    const snapshot = await deps.temporal.connection.withDeadline(Date.now() + wait, () =>
      handle.query(ticketStateQuery),
    );
    return { state: snapshot.state, view: snapshot.view, events: snapshot.unpersisted };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError || purpose === 'act')
      throw Object.assign(
        AppError.unavailable(`Ticket ${number} is still being opened; retry in a moment.`),
        {
          cause: err,
        },
      );
    return openingFromStart(deps, number, err);
  }
}

/** How long a read waits for the workflow's own answer before it falls back to the submission. */
const READ_QUERY_WAIT_MS = 3_000;
/**
 * An action waits for the workflow's own answer, which comes once its first workflow task (the opening)
 * has completed, and never goes ahead on the submission alone: an update sent earlier would reach the
 * workflow before its opening (the workflow handles that too: "Fixed race" in docs/workflow-versioning.md).
 */
const ACT_QUERY_WAIT_MS = 30_000;

/**
 * The ticket as submitted, from its workflow's start event, when the workflow cannot answer (its opening
 * is stuck and marked for attention): the truth a requester can be told is that the report is received.
 */
async function openingFromStart(deps: ApiDeps, number: string, queryError: unknown): Promise<LoadedTicket> {
  const input = await ticketStartInput(deps.temporal, number).catch(() => undefined);
  if (!input)
    throw Object.assign(
      AppError.unavailable(`Ticket ${number} cannot be read right now; retry in a moment.`),
      {
        cause: queryError,
      },
    );
  const opened = openingStep(input);
  return { state: opened.state, view: toView(opened.state, input.policy, Date.now()), events: opened.events };
}

/** Who is asking, checked against who may see or act on this ticket (api/tickets/ticket-access.ts). */
export function resolveAccess(
  deps: ApiDeps,
  state: TicketState,
  access: Access,
  purpose: AccessPurpose,
): Promise<Actor> {
  return resolveTicketActor(deps.pool, deps.config.secret, state, access, purpose);
}

/** Work notes are internal: requesters see that one was written, not what it says. */
function eventsFor(actor: Actor, events: TicketEvent[]): TicketEvent[] {
  if (actor.kind === 'staff') return events;
  return events.map((event) => (event.type === 'note' ? { ...event, data: {} } : event));
}

/**
 * The ticket as `actor` may see it, for a read and for an action's answer alike (one shaping, so an
 * action never tells more than a read would): null for staff who cannot see it; requesters get notes
 * without their text; the offered actions are the ones this person could run now.
 */
export function ticketFor(deps: ApiDeps, actor: Actor, ticket: LoadedTicket): TicketDetail | null {
  const scope = ticketScope(ticket.state);
  if (actor.kind === 'staff' && !canSeeTicket(actor, scope)) return null;
  const mayAct = actor.kind !== 'staff' || canActOn(actor, scope);
  const priorities = Object.keys(deps.policy.priorities);
  return {
    ...ticket.view,
    events: eventsFor(actor, ticket.events),
    allowedActions: mayAct ? allowedCommands(ticket.state, actor, priorities) : [],
  };
}

export async function getTicket(deps: ApiDeps, number: string, access: Access): Promise<TicketDetail> {
  const ticket = await loadTicket(deps, number);
  const actor = await resolveAccess(deps, ticket.state, access, 'read');
  const detail = ticketFor(deps, actor, ticket);
  if (!detail) throw AppError.forbidden('This ticket is handled by another team.');
  return withAttention(deps, actor, number, detail);
}

/** Staff see the ticket's open "needs attention" marks with it; requesters never do. */
export async function withAttention(
  deps: ApiDeps,
  actor: Actor,
  number: string,
  detail: TicketDetail,
): Promise<TicketDetail> {
  if (actor.kind !== 'staff') return detail;
  return { ...detail, attention: await openAttentionMarks(deps.pool, number) };
}
