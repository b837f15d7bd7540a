import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { ticketEvents } from '../../db/repositories/tickets';
import { TICKET_ACTIONS, type TicketAction } from '../../domain/ticket-actions';
import type { TicketState } from '../../domain/ticket-types';
import {
  REFUSAL_FAILURE_TYPES,
  ticketCommandUpdates,
  ticketWorkflowId,
} from '../../workflows/ticket-contract';
import type { ApiDeps } from '../deps';
import { AppError } from '../http/errors';
import { ACTION_API, type ActionBody } from './actions';
import {
  loadTicket,
  resolveAccess,
  ticketFor,
  withAttention,
  type Access,
  type TicketDetail,
  type TicketOutOfSight,
} from './read-ticket';

/**
 * Runs a lifecycle action as a Temporal update; refusals come back as 403/409/422 with the workflow's
 * reason. Staff must be able to act on the ticket (`canActOn`); the answer is the ticket as a read by
 * the same person would show it, or only its number when the action took it out of their sight.
 */
export async function runAction<A extends TicketAction>(
  deps: ApiDeps,
  number: string,
  action: A,
  body: ActionBody[A],
  access: Access,
): Promise<TicketDetail | TicketOutOfSight> {
  const ticket = await loadTicket(deps, number, 'act');
  const asRequester = TICKET_ACTIONS[action].requester;
  const actor = await resolveAccess(deps, ticket.state, access, asRequester === 'answer' ? 'answer' : 'act');
  if (actor.kind === 'requester' && asRequester == null) {
    throw AppError.forbidden('Sign in as staff to do this.');
  }
  const command = await ACTION_API[action].command(body, deps.pool);
  const handle = deps.temporal.workflow.getHandle(ticketWorkflowId(number));
  try {
    const snapshot = await handle.executeUpdate(ticketCommandUpdates[action], { args: [actor, command] });
    const after = {
      state: snapshot.state,
      view: snapshot.view,
      events: await ticketEvents(deps.pool, number),
    };
    const detail = ticketFor(deps, actor, after);
    if (!detail) return { id: number, number, visible: false };
    return withAttention(deps, actor, number, detail);
  } catch (err) {
    throw mapUpdateError(err, ticket.state);
  }
}

function mapUpdateError(err: unknown, state: TicketState): unknown {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    const { type, message } = err.cause;
    if (type === REFUSAL_FAILURE_TYPES.forbidden) return AppError.forbidden(message);
    if (type === REFUSAL_FAILURE_TYPES.conflict) return AppError.conflict(message);
    if (type === REFUSAL_FAILURE_TYPES.invalid) return AppError.unprocessable(message);
  }
  if (err instanceof WorkflowNotFoundError || isCompletedError(err)) {
    return AppError.conflict(`Cannot change the ticket: it is ${state.status}.`);
  }
  return err;
}

function isCompletedError(err: unknown): boolean {
  return err instanceof Error && /already completed|workflow execution already/i.test(err.message);
}
