import { defineQuery, defineUpdate } from '@temporalio/workflow';
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

/** The update of one command, named as the command (the name is recorded in histories: never rename one). */
const commandUpdate = <T extends TicketCommandType>(name: T) =>
  defineUpdate<TicketSnapshot, [Actor, CommandOf<T>]>(name);

/** Every staff or requester action is an update: validated synchronously, refused ones never enter history. */
export const ticketCommandUpdates = {
  accept: commandUpdate('accept'),
  decline: commandUpdate('decline'),
  transfer: commandUpdate('transfer'),
  note: commandUpdate('note'),
  on_site: commandUpdate('on_site'),
  pause: commandUpdate('pause'),
  resume: commandUpdate('resume'),
  resolve: commandUpdate('resolve'),
  confirm: commandUpdate('confirm'),
  reject: commandUpdate('reject'),
  cancel: commandUpdate('cancel'),
  priority: commandUpdate('priority'),
} as const satisfies {
  [T in TicketCommandType]: ReturnType<typeof defineUpdate<TicketSnapshot, [Actor, CommandOf<T>]>>;
};

export const ticketStateQuery = defineQuery<TicketSnapshot>('state');

/** Failure types of refused updates; the API maps them to HTTP statuses. */
export const REFUSAL_FAILURE_TYPES = {
  forbidden: 'Forbidden',
  conflict: 'Conflict',
  invalid: 'Invalid',
} as const;
