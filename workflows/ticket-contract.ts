import type { UpdateDefinition } from '@temporalio/common';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import { TICKET_ACTION_NAMES } from '../domain/ticket-actions';
import type { TicketCommand, TicketCommandType } from '../domain/ticket-rules';
import type { Actor, TicketEvent, TicketState, TicketStatus, TicketView } from '../domain/ticket-types';

/** The task queue ticket workflows run on, unless `ECHODESK_TASK_QUEUE` names another (config/env.ts). */
export const TICKET_TASK_QUEUE = 'echodesk-tickets';

/** Workflow IDs come from the business key, so a number can never run twice. */
export const ticketWorkflowId = (number: string): string => `ticket-${number}`;

export interface TicketSnapshot {
  state: TicketState;
  view: TicketView;
  /** Events not yet written to the read model (normally none: updates return after the write). */
  unpersisted: TicketEvent[];
}

export interface TicketOutcome {
  number: string;
  status: TicketStatus;
  events: number;
}

export type CommandOf<T extends TicketCommandType> = Extract<TicketCommand, { type: T }>;

/** The update of one lifecycle action: its name is the action's, as recorded in every history. */
export type TicketUpdate<T extends TicketCommandType> = UpdateDefinition<
  TicketSnapshot,
  [Actor, CommandOf<T>],
  T
>;

const actionUpdate = <T extends TicketCommandType>(name: T): TicketUpdate<T> =>
  defineUpdate<TicketSnapshot, [Actor, CommandOf<T>], T>(name);

/**
 * Every staff or requester action is an update, one per row of the actions table
 * (domain/ticket-actions.ts), named as the action: validated synchronously, refused ones never enter history.
 */
export const ticketCommandUpdates = Object.fromEntries(
  TICKET_ACTION_NAMES.map((name) => [name, actionUpdate(name)]),
  // Built from the table's names, so each action's entry is its own update: the mapped type states it.
) as { [T in TicketCommandType]: TicketUpdate<T> };

/**
 * Every action's update as one handler shape, for the workflow to register: a handler that takes any
 * command handles each action's own (a widening the compiler checks, not a cast).
 */
export const everyTicketUpdate: readonly UpdateDefinition<TicketSnapshot, [Actor, TicketCommand]>[] =
  TICKET_ACTION_NAMES.map((name) => ticketCommandUpdates[name]);

export const ticketStateQuery = defineQuery<TicketSnapshot>('state');

/** Failure types of refused updates; the API maps them to HTTP statuses. */
export const REFUSAL_FAILURE_TYPES = {
  forbidden: 'Forbidden',
  conflict: 'Conflict',
  invalid: 'Invalid',
} as const;
